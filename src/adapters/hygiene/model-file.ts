import { isDomainError } from '../../core/errors.ts';
import { modelKind, pickleFindings, safetensorsFindings } from '../../core/hygiene/model-findings.ts';
import { analysePickle, looksLikePickle } from '../../core/hygiene/pickle.ts';
import { checkSafetensors, MAX_SAFETENSORS_HEADER, safetensorsHeaderLength } from '../../core/hygiene/safetensors.ts';
import type { RawFinding } from '../../core/hygiene/types.ts';
import { zipSourceEntries, type ZipSource } from '../osv/zip-entries.ts';

/** A pickle read whole (a legacy torch file holds its tensors too); a zip's pickles are read entry by entry. */
export const MAX_PICKLE_BYTES = 512 * 1024 * 1024;
const MAX_PICKLE_ENTRY = 256 * 1024 * 1024;
const MAX_ZIP_PICKLES = 64;

const isZip = (head: Buffer): boolean => head.length >= 4 && head.readUInt32LE(0) === 0x04034b50;

const malformed = (file: string, why: string): RawFinding => ({ file, check: 'model', rule: 'model-malformed', severity: 'medium', message: `cannot be read as a model file: ${why}`, key: 'malformed' });

/**
 * The model findings of one file, by extension: safetensors headers; pickles (`.pkl`, `.pt`, `.bin`, …) as one
 * opcode stream, or — a PyTorch zip (`archive/data.pkl`) — every `.pkl` entry. A `.bin`/`.pt`/`.npy` that is
 * neither a zip nor a pickle is some other format and not reported. Broken files are findings, never throws.
 */
export function checkModelFile(file: string, source: ZipSource): RawFinding[] {
  const kind = modelKind(file);
  if (!kind) return [];
  try {
    if (kind === 'safetensors') {
      const length = safetensorsHeaderLength(source.read(0, 8));
      const header = Number.isFinite(length) && length <= MAX_SAFETENSORS_HEADER && length + 8 <= source.size ? source.read(8, length) : null;
      return safetensorsFindings(file, checkSafetensors(length, header, source.size));
    }
    const head = source.read(0, 4);
    if (isZip(head)) {
      const pickles = zipSourceEntries(source, file).filter((e) => /\.pkl$/i.test(e.name)).slice(0, MAX_ZIP_PICKLES);
      return pickles.flatMap((e) =>
        e.size > MAX_PICKLE_ENTRY || e.compressed > Math.min(MAX_PICKLE_ENTRY, source.size)
          ? [malformed(file, `${e.name} is over ${MAX_PICKLE_ENTRY >> 20} MB or past the end of the archive`)]
          : pickleFindings(file, e.name, analysePickle(e.read())),
      );
    }
    const strictPickle = /\.(pkl|pickle|joblib|dill|sav)$/i.test(file);
    if (!looksLikePickle(head) && !strictPickle) return [];
    if (source.size > MAX_PICKLE_BYTES) return [malformed(file, `over ${MAX_PICKLE_BYTES >> 20} MB`)];
    return pickleFindings(file, null, analysePickle(source.read(0, source.size)));
  } catch (e) {
    if (isDomainError(e)) return [malformed(file, e.message)];
    throw e;
  }
}
