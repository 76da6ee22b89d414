import { isDangerousGlobal, isSafeGlobal } from './pickle-globals.ts';
import type { PickleAnalysis } from './pickle.ts';
import type { RawFinding } from './types.ts';

const list = (names: string[]): string => (names.length > 10 ? `${names.slice(0, 10).join(', ')} and ${names.length - 10} more` : names.join(', '));

/**
 * What a pickle's imports mean: critical for the callables that run code, reach files, processes or the network
 * when loaded; high for any other global outside the allow-list (loading it runs that code too) and for imports
 * that cannot be read; medium for a stream that is not a well-formed pickle. `where` names the pickle inside an
 * archive (`archive/data.pkl`).
 */
export function pickleFindings(file: string, where: string | null, a: PickleAnalysis): RawFinding[] {
  const at = where ? ` (${where})` : '';
  const dangerous = a.globals.filter(isDangerousGlobal);
  const unknown = a.globals.filter((g) => !isDangerousGlobal(g) && !isSafeGlobal(g));
  const out: RawFinding[] = [];
  const finding = (rule: string, severity: RawFinding['severity'], message: string, key: string): void => {
    out.push({ file, check: 'model', rule, severity, message, key: `${where ?? ''}\0${key}` });
  };
  if (dangerous.length) finding('pickle-dangerous-import', 'critical', `pickle${at} imports ${list(dangerous)}: loading it can run arbitrary code`, [...dangerous].sort().join(','));
  if (unknown.length) finding('pickle-unsafe-import', 'high', `pickle${at} imports ${list(unknown)}, outside the safe globals: loading it runs that code`, [...unknown].sort().join(','));
  if (a.unresolved || a.extensions) {
    finding('pickle-hidden-import', 'high', `pickle${at} imports ${a.unresolved + a.extensions} global(s) whose names cannot be read from the stream`, `${a.unresolved},${a.extensions}`);
  }
  // joblib writes each NumPy array's raw bytes into the stream right after its wrapper: the opcodes stop making
  // sense there, which is not a broken file — but what follows the first array was not read.
  const joblibArrays = a.globals.some((g) => g.startsWith('joblib.numpy_pickle.'));
  if (a.error && joblibArrays) finding('pickle-partly-read', 'low', `joblib pickle${at} embeds NumPy arrays: only the stream before the first array was analysed`, 'partly');
  else if (a.error) finding('model-malformed', 'medium', `not a well-formed pickle${at}: ${a.error}`, 'malformed');
  return out;
}

export function safetensorsFindings(file: string, problems: string[]): RawFinding[] {
  if (!problems.length) return [];
  return [{ file, check: 'model', rule: 'safetensors-invalid-header', severity: 'medium', message: `invalid safetensors header: ${problems.slice(0, 5).join('; ')}`, key: 'header' }];
}

/** Model files by extension: `pickle` ones are opcode streams or zips of them (PyTorch), `safetensors` headers. */
export function modelKind(name: string): 'pickle' | 'safetensors' | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.safetensors')) return 'safetensors';
  if (/\.(pkl|pickle|bin|pt|pth|ckpt|joblib|sav|npy|dill)$/.test(lower)) return 'pickle';
  return null;
}
