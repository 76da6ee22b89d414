import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { hostKey, isForbiddenAddress, literalAddress } from './address-guard.ts';

/** A webhook POST this adapter would not send: a scheme, host or address it refuses. Never retried sooner. */
export class WebhookRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookRefusedError';
  }
}

export interface PostLimits {
  /** Whole request, connection to last byte. */
  timeoutMs: number;
  /** Bytes of the answer read at most; the rest is cut off (only the status counts). */
  maxResponseBytes: number;
  /** `host:port` keys exempt from the address guard (EMBARGO_WEBHOOK_ALLOW_HOSTS). */
  allowHosts: readonly string[];
}

export interface PostResult {
  status: number;
  durationMs: number;
}

/** Checks the scheme and an IP-literal host before anything is sent; throws WebhookRefusedError. */
export function checkWebhookUrl(raw: string, allowHosts: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookRefusedError('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookRefusedError(`scheme ${url.protocol} is not allowed (http or https only)`);
  if (url.username || url.password) throw new WebhookRefusedError('credentials in the URL are not allowed (use the signature to authenticate)');
  const literal = literalAddress(url);
  if (literal && isForbiddenAddress(literal) && !allowHosts.includes(hostKey(url))) {
    throw new WebhookRefusedError(`address ${literal} is loopback, private, link-local or reserved`);
  }
  return url;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for the socket that refuses forbidden addresses: the address checked is the address connected to,
 * so a name that resolves to a public address at check time and to 127.0.0.1 at connect time (DNS rebinding)
 * cannot slip through. Every address of the answer must be allowed.
 */
function guardedLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses as LookupAddress[];
    const bad = list.find((a) => isForbiddenAddress(a.address));
    if (bad || !list.length) return callback(new WebhookRefusedError(`${hostname} resolves to ${bad?.address ?? 'nothing'}, a loopback, private, link-local or reserved address`), []);
    if (options.all) return callback(null, list);
    const first = list[0] as LookupAddress;
    callback(null, first.address, first.family);
  });
}

/**
 * POSTs `body` once: http(s) only, redirects never followed (a 3xx is a result like any other), one time limit
 * for the whole exchange, at most `maxResponseBytes` of the answer read, no connection reuse, and every address
 * checked by the guard unless the `host:port` is allowed.
 */
export async function postWebhook(rawUrl: string, body: Buffer, headers: Record<string, string>, limits: PostLimits): Promise<PostResult> {
  const url = checkWebhookUrl(rawUrl, limits.allowHosts);
  const allowed = limits.allowHosts.includes(hostKey(url));
  const started = performance.now();
  const options: RequestOptions = {
    method: 'POST',
    headers: { ...headers, 'content-length': String(body.length) },
    agent: false,
    ...(allowed ? {} : { lookup: guardedLookup as unknown as RequestOptions['lookup'] }),
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<PostResult>((resolve, reject) => {
    let done = false;
    const finish = (err: Error | null, status?: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve({ status: status as number, durationMs: Math.round(performance.now() - started) });
    };
    const req = send(url, options, (res: IncomingMessage) => {
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > limits.maxResponseBytes) {
          finish(null, res.statusCode ?? 0);
          res.destroy();
        }
      });
      res.on('end', () => finish(null, res.statusCode ?? 0));
      res.on('error', (e) => finish(e));
      // The answer's status arrived; a body cut short by the receiver still counts as that answer.
      res.on('close', () => finish(null, res.statusCode ?? 0));
    });
    const timer = setTimeout(() => {
      const e = new Error(`timed out after ${limits.timeoutMs} ms`);
      finish(e);
      req.destroy(e);
    }, limits.timeoutMs);
    req.on('error', (e) => finish(e));
    req.end(body);
  });
}
