import type { Policy } from '../policy/types.ts';
import { aiDisclosureOf, type ReportBody, type StoredClassification } from '../reports/submission.ts';

/**
 * Quality signals of a report, each with its reason in words (issue 18): what evidence it brings, whether its
 * version and category fall under the policy, its length and structure, and the reporter's record with the
 * project. Never a hidden score: there is no total, only the signals, and a human reads them.
 */
export type SignalStatus = 'good' | 'missing' | 'warning' | 'info';

export interface QualitySignal {
  /** Stable name: `steps`, `version`, `scope`, `proof`, `length`, `fields`, `ai`, `history`. */
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

  const h = input.history;
  if (h) {
    out.push(
      h.earlier === 0
        ? { key: 'history', status: 'info', text: 'First report from this address to this project' }
        : {
            key: 'history',
            status: h.rejectedAsDuplicateOrInvalid > h.accepted && h.rejectedAsDuplicateOrInvalid >= 2 ? 'warning' : 'info',
            text:
              `${plural(h.earlier, 'earlier report')} from this address to this project: ${h.accepted} accepted, ${h.rejected} rejected` +
              (h.rejectedAsDuplicateOrInvalid ? ` (${h.rejectedAsDuplicateOrInvalid} as duplicate or invalid)` : ''),
          },
    );
  }
  return out;
}
