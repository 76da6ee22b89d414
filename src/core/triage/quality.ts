import type { Policy } from '../policy/types.ts';
import { termsOf } from './terms.ts';
import { aiDisclosureOf, type ReportBody, type StoredClassification } from '../reports/submission.ts';

/**
 * Quality signals of a report, each with its reason in words (issue 18): what evidence it brings, whether its
 * version and category fall under the policy, its length and structure, and the reporter's record with the
 * project. Never a hidden score: there is no total, only the signals, and a human reads them.
 */
export type SignalStatus = 'good' | 'missing' | 'warning' | 'info';

export interface QualitySignal {
  /** Stable name: `steps`, `version`, `scope`, `proof`, `length`, `fields`, `ai`, `history`, `key_history`, `code`. */
  key: string;
  status: SignalStatus;
  text: string;
}

/** The reporter's earlier reports to this project, by the same address (counted by a keyed hash of it). */
export interface ReporterHistory {
  earlier: number;
  accepted: number;
  rejected: number;
  /** Of the rejected, those rejected as duplicate or invalid. */
  rejectedAsDuplicateOrInvalid: number;
}

export interface QualityInput {
  body: ReportBody;
  attachments: number;
  classification: StoredClassification;
  /** null when the report has no reporter address (maintainer-filed) or it was not counted yet. */
  history: ReporterHistory | null;
  /** The reporter's earlier reports to this project with the same OpenPGP key (attached or signing); null: no key. */
  keyHistory?: ReporterHistory | null;
  /**
   * What the report names of the project's code, checked against the project's uploaded code index: absent when
   * the project has none (then nothing is said).
   */
  codeReferences?: CodeReferences | null;
}

/** File paths and function names a report names, split by whether the project's code index has them. */
export interface CodeReferences {
  found: string[];
  unknown: string[];
}

const FREE_TEXT: (keyof ReportBody)[] = ['description', 'steps_to_reproduce', 'impact', 'environment', 'proof_of_concept', 'suggested_fix'];
const SHORT_WORDS = 25;
const LONG_WORDS = 1500;

const words = (t: string | null) => (t ? (t.match(/\S+/g) ?? []).length : 0);
const paragraphs = (t: string) => t.split(/\n\s*\n/).filter((p) => p.trim()).length;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function qualitySignals(input: QualityInput, policy: Pick<Policy, 'scope' | 'intake'>): QualitySignal[] {
  const { body, classification: c } = input;
  const out: QualitySignal[] = [];

  const steps = body.steps_to_reproduce?.trim();
  out.push(
    steps
      ? { key: 'steps', status: 'good', text: `Steps to reproduce given (${plural(steps.split('\n').filter((l) => l.trim()).length, 'line')})` }
      : { key: 'steps', status: 'missing', text: 'No steps to reproduce' },
  );

  const v = c.affected_version;
  const version: QualitySignal =
    c.version_status === 'not-given' || !v
      ? { key: 'version', status: 'missing', text: 'No affected version given' }
      : c.version_status === 'supported'
        ? { key: 'version', status: 'good', text: `Affected version ${v} is supported (${c.version_matched})` }
        : c.version_status === 'limited'
          ? { key: 'version', status: 'warning', text: `Affected version ${v} has limited support (${c.version_matched})` }
          : c.version_status === 'unsupported'
            ? { key: 'version', status: 'warning', text: `Affected version ${v} is not supported (${c.version_matched})` }
            : { key: 'version', status: 'warning', text: `Affected version ${v} matches no row of the supported-versions table` };
  out.push(version);

  const inScope = policy.scope.in_scope.find((s) => s.id === c.category)?.label;
  const outOfScope = policy.scope.out_of_scope.find((s) => s.id === c.category)?.label;
  out.push(
    c.scope_status === 'in-scope'
      ? { key: 'scope', status: 'good', text: `Category in scope: ${inScope ?? c.category}` }
      : c.scope_status === 'out-of-scope'
        ? { key: 'scope', status: 'warning', text: `Category out of scope: ${outOfScope ?? c.category}` }
        : c.category
          ? { key: 'scope', status: 'warning', text: `Category ${c.category} is not in the policy's scope list` }
          : { key: 'scope', status: 'missing', text: 'No category given' },
  );

  const poc = body.proof_of_concept?.trim();
  out.push(
    poc || input.attachments > 0
      ? { key: 'proof', status: 'good', text: `Proof of concept given (${[poc ? 'in the report' : null, input.attachments ? plural(input.attachments, 'attachment') : null].filter(Boolean).join(', ')})` }
      : { key: 'proof', status: 'missing', text: 'No proof of concept and no attachment' },
  );

  const n = words(body.description);
  const paras = paragraphs(body.description);
  out.push(
    n < SHORT_WORDS
      ? { key: 'length', status: 'warning', text: `Very short description (${plural(n, 'word')})` }
      : n > LONG_WORDS && paras < 3
        ? { key: 'length', status: 'warning', text: `Long description with little structure (${plural(n, 'word')}, ${plural(paras, 'paragraph')})` }
        : { key: 'length', status: 'info', text: `Description of ${plural(n, 'word')} in ${plural(paras, 'paragraph')}` },
  );
  const filled = FREE_TEXT.filter((k) => typeof body[k] === 'string' && (body[k] as string).trim()).length;
  out.push({ key: 'fields', status: 'info', text: `${filled} of ${FREE_TEXT.length} report fields filled` });

  if (aiDisclosureOf(policy) !== 'off') {
    const said = body.ai_disclosure?.trim();
    out.push(
      said
        ? { key: 'ai', status: 'info', text: `AI use, in the reporter's words: “${said.length > 160 ? `${said.slice(0, 159)}…` : said}”` }
        : { key: 'ai', status: 'missing', text: 'AI use not disclosed (the policy asks)' },
    );
  }

  const history = (key: string, h: ReporterHistory, what: string): QualitySignal =>
    h.earlier === 0
      ? { key, status: 'info', text: `First report ${what} to this project` }
      : {
          key,
          status: h.rejectedAsDuplicateOrInvalid > h.accepted && h.rejectedAsDuplicateOrInvalid >= 2 ? 'warning' : 'info',
          text:
            `${plural(h.earlier, 'earlier report')} ${what} to this project: ${h.accepted} accepted, ${h.rejected} rejected` +
            (h.rejectedAsDuplicateOrInvalid ? ` (${h.rejectedAsDuplicateOrInvalid} as duplicate or invalid)` : ''),
        };
  if (input.history) out.push(history('history', input.history, 'from this address'));
  if (input.keyHistory) out.push(history('key_history', input.keyHistory, 'with this OpenPGP key'));

  const refs = input.codeReferences;
  if (refs && refs.found.length + refs.unknown.length > 0) {
    const list = (names: string[]) => names.slice(0, 5).map((n) => `\`${n}\``).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
    out.push(
      refs.found.length && !refs.unknown.length
        ? { key: 'code', status: 'good', text: `Names code of the project: ${list(refs.found)}` }
        : refs.found.length
          ? { key: 'code', status: 'info', text: `Names code of the project: ${list(refs.found)}; not in the project's code index: ${list(refs.unknown)}` }
          : { key: 'code', status: 'warning', text: `Names files or functions not in the project's code index: ${list(refs.unknown)}` },
    );
  }
  return out;
}

/** The file paths and function names a text names, as the code index keys them (lower-cased; see codeIndexKeys). */
export function codeMentions(text: string): { files: { key: string; shown: string }[]; functions: { key: string; shown: string }[] } {
  const terms = termsOf(text);
  const fileTerms = terms.filter((t) => t.kind === 'file');
  // A path gives its last two parts and its base name: keep the longer one only.
  const files = fileTerms.filter((t) => !fileTerms.some((o) => o !== t && o.text.endsWith(`/${t.text}`))).map((t) => ({ key: t.text, shown: t.shown }));
  const functions = terms.filter((t) => t.kind === 'function' && !t.text.includes('.')).map((t) => ({ key: t.text, shown: t.shown }));
  return { files, functions };
}

/**
 * The keys an uploaded code index is stored under: each file path by its base name and its last two parts, each
 * function name as it is; all lower-cased. A report naming `rtmp/ingest.c` or `ingest.c` finds `src/rtmp/ingest.c`.
 */
export function codeIndexKeys(input: { files: readonly string[]; symbols: readonly string[] }): { files: string[]; symbols: string[] } {
  const files = new Set<string>();
  for (const raw of input.files) {
    const parts = raw.trim().replace(/\\/g, '/').replace(/^\.?\//, '').split('/').filter(Boolean);
    if (!parts.length) continue;
    files.add((parts.at(-1) as string).toLowerCase());
    if (parts.length > 1) files.add(parts.slice(-2).join('/').toLowerCase());
  }
  const symbols = new Set(input.symbols.map((s) => s.trim().toLowerCase()).filter((s) => s && !/\s/.test(s)));
  return { files: [...files], symbols: [...symbols] };
}
