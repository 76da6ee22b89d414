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
  const segment = verifySegment(entries, { seq: 0, hash: GENESIS_HASH }, sha256);
  return [...segment.problems, ...checkHead(segment.last, head)];
}

/**
 * Checks entries given in sequence order that continue the chain after `from` (the last entry known good, or
 * seq 0 with the genesis hash): each must follow in sequence, link to the hash before it and hash to its own.
 * Returns the problems and the last entry seen, from which the next segment continues: a long chain can be
 * checked in pieces, and an incremental verification can start at a checkpoint.
 */
export function verifySegment(entries: readonly AuditEntry[], from: ChainHead, sha256: Sha256Hex): { problems: ChainProblem[]; last: ChainHead } {
  const problems: ChainProblem[] = [];
  let expectedSeq = from.seq + 1;
  let prevHash = from.hash;
  for (const e of entries) {
    if (e.seq !== expectedSeq) {
      problems.push({ seq: expectedSeq, problem: 'missing', message: `entries ${expectedSeq}..${e.seq - 1} are missing` });
    }
    if (e.prev_hash !== prevHash) {
      problems.push({ seq: e.seq, problem: 'broken-link', message: `entry ${e.seq} does not link to the entry before it` });
    }
    if (!hashesTo(e, sha256)) {
      problems.push({ seq: e.seq, problem: 'tampered', message: `entry ${e.seq} (${e.action}) was modified after it was written` });
    }
    prevHash = e.hash;
    expectedSeq = e.seq + 1;
  }
  return { problems, last: { seq: expectedSeq - 1, hash: prevHash } };
}

/** Whether an entry's content and previous hash still hash to its recorded hash. */
export function hashesTo(e: AuditEntry, sha256: Sha256Hex): boolean {
  const { prev_hash: _p, hash: _h, ...content } = e;
  return sha256(chainInput(content, e.prev_hash)) === e.hash;
}

/** The chain must end where the head row says: otherwise entries were removed from the end. */
export function checkHead(last: ChainHead, head: ChainHead): ChainProblem[] {
  if (head.seq === last.seq && head.hash === last.hash) return [];
  return [
    {
      seq: head.seq,
      problem: 'head-mismatch',
      message: `the log ends at entry ${last.seq} but the chain head records entry ${head.seq}: entries were removed from the end`,
    },
  ];
}
