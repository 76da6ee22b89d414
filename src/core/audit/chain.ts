/**
 * The audit log is a hash chain: each entry's hash covers its content and the previous hash, so editing an
 * entry breaks its own hash and deleting one breaks the link (or the sequence) after it.
 * Hashing itself is an adapter concern; the core decides what is hashed and how a chain is checked.
 */
export interface AuditEntryContent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  project_id: string | null;
  report_id: string | null;
  data: Record<string, unknown>;
}

export interface AuditEntry extends AuditEntryContent {
  prev_hash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** Deterministic JSON: object keys sorted at every depth, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export const chainInput = (entry: AuditEntryContent, prevHash: string): string =>
  `${prevHash}\n${canonicalJson({ ...entry, at: new Date(entry.at).toISOString() })}`;

export type Sha256Hex = (text: string) => string;

export interface ChainProblem {
  seq: number;
  problem: 'tampered' | 'broken-link' | 'missing' | 'head-mismatch';
  message: string;
}

export interface ChainHead {
  seq: number;
  hash: string;
}

/** Checks entries given in sequence order against each other and against the recorded head. */
export function verifyChain(entries: readonly AuditEntry[], head: ChainHead, sha256: Sha256Hex): ChainProblem[] {
  const problems: ChainProblem[] = [];
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (const e of entries) {
    if (e.seq !== expectedSeq) {
      problems.push({ seq: expectedSeq, problem: 'missing', message: `entries ${expectedSeq}..${e.seq - 1} are missing` });
    }
    if (e.prev_hash !== prevHash) {
      problems.push({ seq: e.seq, problem: 'broken-link', message: `entry ${e.seq} does not link to the entry before it` });
    }
    const { prev_hash: _p, hash: _h, ...content } = e;
    if (sha256(chainInput(content, e.prev_hash)) !== e.hash) {
      problems.push({ seq: e.seq, problem: 'tampered', message: `entry ${e.seq} (${e.action}) was modified after it was written` });
    }
    prevHash = e.hash;
    expectedSeq = e.seq + 1;
  }
  if (head.seq !== expectedSeq - 1 || head.hash !== prevHash) {
    problems.push({
      seq: head.seq,
      problem: 'head-mismatch',
      message: `the log ends at entry ${expectedSeq - 1} but the chain head records entry ${head.seq}: entries were removed from the end`,
    });
  }
  return problems;
}
