import { Worker } from 'node:worker_threads';
import { DomainError, type DomainErrorCode } from '../../core/errors.ts';
import type { ParsePolicyResult } from '../../core/policy/parse.ts';
import type { ParsedLockfile } from '../../core/scanner/types.ts';
import type { HygieneRun } from '../hygiene/run-checks.ts';
import type { SarifRead } from '../hygiene/sarif-import.ts';

export type ParseTask =
  | { kind: 'policy'; yaml: string; nowMs: number }
  /** `includes` are keyed as the lockfile's include lines resolve them (relative paths, normalised). */
  | { kind: 'lockfile'; filename: string; text: string; includes: { filename: string; content: string }[] }
  /** The hygiene checks (secrets, model files) over an uploaded zip of a tree. */
  | { kind: 'hygiene-zip'; filename: string; zip: Uint8Array }
  /** An uploaded SARIF log: JSON, the SARIF 2.1.0 schema, its results as fingerprinted findings. */
  | { kind: 'sarif'; content: string };

export type ParseReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { domain: boolean; code: string; message: string; details: Record<string, unknown> } };

export interface ParsePool {
  parsePolicy(yaml: string, now: Date): Promise<ParsePolicyResult>;
  /** `includes` maps an include key (see services/scanning) to its content. */
  parseLockfile(filename: string, text: string, includes: Map<string, string>): Promise<ParsedLockfile>;
  checkTreeZip(filename: string, zip: Uint8Array): Promise<HygieneRun>;
  readSarif(content: string): Promise<SarifRead>;
  close(): Promise<void>;
}

export interface ParsePoolOptions {
  /** Worker threads at most (they start on first use). */
  size: number;
  /** A parse running longer is stopped (its worker is replaced) and refused with 413 naming the limit. */
  timeoutMs: number;
}

interface Job {
  id: number;
  task: ParseTask;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

/**
 * Run from source, the worker is parse-worker-entry.mjs, which registers tsx first (a worker does not inherit the
 * loader); in the build (scripts/build.ts) this module is part of a file in dist/app/, beside the compiled worker.
 */
const WORKER_URL = import.meta.url.endsWith('.ts') ? new URL('./parse-worker-entry.mjs', import.meta.url) : new URL('./parse-worker.js', import.meta.url);

/**
 * Parsing untrusted documents (policies up to 200 KB, lockfiles up to 16 MB) can take seconds of CPU. On the
 * event loop that would stall every request, health checks and intake included, so it runs on worker threads:
 * a small pool started on first use, one job per worker at a time, a queue beyond that, and a time limit per
 * job after which the worker is terminated and replaced. Workers run the same core as the process: its TypeScript
 * under tsx, or its compiled build.
 */
export function createParsePool(opts: ParsePoolOptions): ParsePool {
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  const settle = (slot: Slot, reply: ParseReply) => {
    const job = slot.job;
    if (!job || job.id !== reply.id) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = null;
    slot.timer = null;
    if (reply.ok) job.resolve(reply.value);
    else if (reply.error.domain) job.reject(new DomainError(reply.error.code as DomainErrorCode, reply.error.message, reply.error.details));
    else job.reject(new Error(`parse worker: ${reply.error.message}`));
    pump();
  };

  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(WORKER_URL), job: null, timer: null };
    slot.worker.on('message', (reply: ParseReply) => settle(slot, reply));
    slot.worker.on('error', (e) => fail(slot, e));
    slot.worker.on('exit', () => {
      if (slot.job) fail(slot, new Error('parse worker exited'));
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
    });
    // An idle worker never keeps the process alive.
    slot.worker.unref();
    slots.push(slot);
    return slot;
  };

  const fail = (slot: Slot, e: unknown) => {
    const job = slot.job;
    if (slot.timer) clearTimeout(slot.timer);
    slot.job = null;
    slot.timer = null;
    job?.reject(e);
    pump();
  };

  const pump = () => {
    while (queue.length && !closed) {
      const slot = slots.find((s) => !s.job) ?? (slots.length < opts.size ? spawn() : null);
      if (!slot) return;
      const job = queue.shift() as Job;
      slot.job = job;
      slot.worker.ref();
      slot.timer = setTimeout(() => {
        const i = slots.indexOf(slot);
        if (i >= 0) slots.splice(i, 1);
        void slot.worker.terminate();
        fail(slot, new DomainError('payload_too_large', `The document took longer than ${Math.round(opts.timeoutMs / 1000)} s to read (the parse time limit); it is refused`));
      }, opts.timeoutMs);
      slot.worker.postMessage({ id: job.id, task: job.task });
    }
    for (const s of slots) if (!s.job) s.worker.unref();
  };

  const submit = <T>(task: ParseTask): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (closed) return reject(new Error('the parse pool is closed'));
      queue.push({ id: nextId++, task, resolve: resolve as (v: unknown) => void, reject });
      pump();
    });

  return {
    parsePolicy: (yaml, now) => submit<ParsePolicyResult>({ kind: 'policy', yaml, nowMs: now.getTime() }),
    parseLockfile: (filename, text, includes) => submit<ParsedLockfile>({ kind: 'lockfile', filename, text, includes: [...includes].map(([f, content]) => ({ filename: f, content })) }),
    checkTreeZip: (filename, zip) => submit<HygieneRun>({ kind: 'hygiene-zip', filename, zip }),
    readSarif: (content) => submit<SarifRead>({ kind: 'sarif', content }),
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new Error('the parse pool is closed'));
      await Promise.all(slots.splice(0).map((s) => s.worker.terminate()));
    },
  };
}
