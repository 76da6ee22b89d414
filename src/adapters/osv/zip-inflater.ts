import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { DomainError } from '../../core/errors.ts';
import type { ZipEntry } from './zip-entries.ts';

/**
 * The inflating thread: reads a zip's entries in order through a sliding window, inflates them and sends them back
 * in batches of about 1 MB, at most `MAX_AHEAD` batches ahead of the reader. Plain JavaScript run with `eval`, so
 * it needs neither the TypeScript loader nor a file of its own. Control words: [0] batches sent, [1] batches
 * consumed, [2] stop.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { inflateRawSync } = require('node:zlib');
const { control, port } = workerData;
const WINDOW = 4 << 20;
port.on('message', ({ path, entries, batchBytes, maxAhead }) => {
  let fd;
  let batch = Buffer.allocUnsafe(batchBytes);
  let used = 0;
  let ends = [];
  const send = (message, transfer) => {
    while (Atomics.load(control, 0) - Atomics.load(control, 1) >= maxAhead) {
      if (Atomics.load(control, 2)) return false;
      Atomics.wait(control, 1, Atomics.load(control, 1), 200);
    }
    if (Atomics.load(control, 2)) return false;
    port.postMessage(message, transfer);
    Atomics.add(control, 0, 1);
    Atomics.notify(control, 0);
    return true;
  };
  const flush = () => {
    const bytes = batch.buffer.slice(batch.byteOffset, batch.byteOffset + used);
    const ok = send({ bytes, ends: Uint32Array.from(ends) }, [bytes]);
    batch = Buffer.allocUnsafe(batchBytes);
    used = 0;
    ends = [];
    return ok;
  };
  try {
    fd = openSync(path, 'r');
    let window = Buffer.allocUnsafe(WINDOW);
    let start = 0;
    let end = 0;
    const read = (position, length) => {
      if (position >= start && position + length <= end) return window.subarray(position - start, position - start + length);
      if (length > window.length) window = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < window.length) {
        const n = readSync(fd, window, done, window.length - done, position + done);
        if (n === 0) break;
        done += n;
      }
      start = position;
      end = position + done;
      return window.subarray(0, Math.min(length, done));
    };
    for (let i = 0; i < entries.length; i += 4) {
      const [local, compressed, method, size] = [entries[i], entries[i + 1], entries[i + 2], entries[i + 3]];
      const header = read(local, 30);
      if (header.length < 30 || header.readUInt32LE(0) !== 0x04034b50) throw new Error('bad local header of entry ' + i / 4);
      const at = local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
      const data = read(at, compressed);
      if (data.length !== compressed) throw new Error('entry ' + i / 4 + ' is cut short');
      let out;
      if (method === 0) out = data;
      else if (method === 8) out = inflateRawSync(data);
      else throw new Error('entry ' + i / 4 + ' uses compression method ' + method);
      if (out.length !== size) throw new Error('entry ' + i / 4 + ' inflates to ' + out.length + ' bytes, not ' + size);
      if (used + out.length > batch.length && used > 0 && !flush()) return;
      if (out.length > batch.length) batch = Buffer.allocUnsafe(out.length);
      out.copy(batch, used);
      used += out.length;
      ends.push(used);
    }
    if (used > 0) flush();
  } catch (e) {
    send({ error: String(e && e.message || e) }, []);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
});
`;

const BATCH_BYTES = 1 << 20;
const MAX_AHEAD = 4;
/** Below this many compressed bytes a zip is inflated on the reading thread: the worker would not pay for itself. */
export const INFLATER_THRESHOLD = 1 << 20;

/**
 * Inflates zip entries on a worker thread while the caller parses the ones already inflated, so a zip source is
 * read about as fast as the same records in folders (inflating costs about as much as parsing). The caller stays
 * synchronous: it blocks (`Atomics.wait`) only when the next batch is not there yet. Memory stays bounded: at most
 * four batches of about 1 MB are ahead of the reader. One worker per reading session, started on first use; if
 * worker threads cannot start, `inflate` returns null and the caller inflates itself.
 */
export class ZipInflater {
  private worker: Worker | null = null;
  private port: MessagePort | null = null;
  private control: Int32Array | null = null;
  private broken = false;
  private exit: Promise<number> | null = null;

  private start(): boolean {
    if (this.worker) return true;
    if (this.broken) return false;
    try {
      const control = new Int32Array(new SharedArrayBuffer(12));
      const { port1, port2 } = new MessageChannel();
      // No execArgv: the worker is plain JavaScript and needs no loader (tsx would cost it a few hundred ms).
      const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { control, port: port2 }, transferList: [port2] });
      worker.unref();
      worker.on('error', () => {
        this.broken = true;
      });
      this.exit = new Promise((resolve) => worker.once('exit', resolve));
      this.worker = worker;
      this.port = port1;
      this.control = control;
      return true;
    } catch {
      this.broken = true;
      return false;
    }
  }

  /**
   * The bytes of these entries of the zip at `path`, in order, each valid until the next; null when no worker can
   * run. A damaged entry is a DomainError, as the reading thread would report it.
   */
  inflate(path: string, entries: readonly ZipEntry[]): Generator<Buffer> | null {
    if (!this.start()) return null;
    return this.run(path, entries);
  }

  private *run(path: string, entries: readonly ZipEntry[]): Generator<Buffer> {
    const port = this.port as MessagePort;
    const control = this.control as Int32Array;
    Atomics.store(control, 0, 0);
    Atomics.store(control, 1, 0);
    Atomics.store(control, 2, 0);
    const locations = new Float64Array(entries.length * 4);
    entries.forEach((e, i) => locations.set([e.local, e.compressed, e.method, e.size], i * 4));
    port.postMessage({ path, entries: locations, batchBytes: BATCH_BYTES, maxAhead: MAX_AHEAD });
    let received = 0;
    let done = 0;
    let finished = false;
    try {
      while (done < entries.length) {
        let message = receiveMessageOnPort(port);
        while (!message) {
          if (this.broken) throw new Error('the inflating thread stopped');
          Atomics.wait(control, 0, received, 100);
          message = receiveMessageOnPort(port);
        }
        received++;
        const batch = message.message as { bytes: ArrayBuffer; ends: Uint32Array } | { error: string };
        if ('error' in batch) throw new DomainError('validation', `${path}: not a readable zip archive (${batch.error})`);
        let from = 0;
        for (const end of batch.ends) {
          yield Buffer.from(batch.bytes, from, end - from);
          from = end;
          done++;
        }
        Atomics.add(control, 1, 1);
        Atomics.notify(control, 1);
      }
      finished = true;
    } finally {
      // Stopped early (the reader failed or gave up): this worker may still be sending; do not reuse it.
      if (!finished) this.close();
    }
  }

  /**
   * Stops the worker. It is asked to (the stop word, and its port closed) rather than terminated: a thread ended
   * while it builds a zlib stream aborts the whole process (Node's "close before init" assertion, seen in CI).
   * It stops after the entry it is on, and until then it keeps the process alive.
   */
  close(): void {
    if (this.control) {
      Atomics.store(this.control, 2, 1);
      Atomics.notify(this.control, 1);
    }
    this.port?.close();
    this.worker?.ref();
    this.worker = null;
    this.port = null;
    this.broken = true;
  }

  /** The worker's exit code once it has stopped (0: it stopped on its own); null if none was started. */
  stopped(): Promise<number | null> {
    return this.exit ?? Promise.resolve(null);
  }
}
