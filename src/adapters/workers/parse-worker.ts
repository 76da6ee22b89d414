import { parentPort } from 'node:worker_threads';
import { isDomainError } from '../../core/errors.ts';
import { parsePolicy } from '../../core/policy/parse.ts';
import { parseLockfile } from '../../core/scanner/parse-lockfile.ts';
import { resolveBeside } from '../../core/scanner/relative-path.ts';
import type { ParseTask, ParseReply } from './parse-pool.ts';
import { sha256Hex } from '../crypto/tokens.ts';
import { runHygieneChecks } from '../hygiene/run-checks.ts';
import { zipTree } from '../hygiene/tree.ts';
import { readSarifLog } from '../hygiene/sarif-import.ts';
import { sarifValidator } from '../hygiene/sarif-schema.ts';

/** This thread's SARIF schema check, compiled on its first SARIF log (the thread is this module's whole process). */
const validateSarif = sarifValidator();

/** Runs the core's parsers of untrusted input off the server's event loop (see parse-pool.ts). */
function run(task: ParseTask): unknown {
  switch (task.kind) {
    case 'policy':
      return parsePolicy(task.yaml, { now: new Date(task.nowMs) });
    case 'lockfile': {
      const includes = new Map(task.includes.map((f) => [f.filename, f.content]));
      return parseLockfile(task.filename, task.text, (name) => includes.get(resolveBeside('', name.trim())) ?? null);
    }
    case 'hygiene-zip':
      return runHygieneChecks(zipTree(Buffer.from(task.zip.buffer, task.zip.byteOffset, task.zip.byteLength), task.filename), sha256Hex);
    case 'sarif':
      return readSarifLog(task.content, validateSarif);
  }
}

parentPort?.on('message', async (msg: { id: number; task: ParseTask }) => {
  let reply: ParseReply;
  try {
    // One job at a time per worker (parse-pool.ts): awaiting an asynchronous one (SARIF's schema load) overlaps nothing.
    reply = { id: msg.id, ok: true, value: await run(msg.task) };
  } catch (e) {
    reply = isDomainError(e)
      ? { id: msg.id, ok: false, error: { domain: true, code: e.code, message: e.message, details: e.details } }
      : { id: msg.id, ok: false, error: { domain: false, code: 'internal', message: e instanceof Error ? e.message : String(e), details: {} } };
  }
  parentPort?.postMessage(reply);
});
