import type { FieldProblem } from '../core/errors.ts';
import { ApiError, CliError } from './errors.ts';

export interface ApiClient {
  /** Where requests go, without any credentials, for messages. */
  readonly origin: string;
  /** The JSON answer of a successful request; an error answer throws ApiError. */
  request<T>(method: Method, path: string, body?: unknown): Promise<T>;
  /** The same, with the status, for callers that tell 200 from 201. */
  send<T>(method: Method, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** A binary answer (a backup, an export archive); an error answer throws ApiError like the others. */
  download(method: Method, path: string, body?: unknown): Promise<Buffer>;
  /** Sends bytes (an export archive) as the body; the JSON answer as `send` gives it. */
  upload<T>(path: string, bytes: Buffer, contentType: string): Promise<{ status: number; body: T }>;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

type Env = Record<string, string | undefined>;

/** The HTTP API client when EMBARGO_URL is set, or null: the CLI then owns the database itself. */
export function apiFromEnv(env: Env): ApiClient | null {
  const raw = env.EMBARGO_URL;
  if (!raw) return null;
  let base: URL;
  try {
    base = new URL(raw);
  } catch {
    throw new CliError(`EMBARGO_URL is not a URL: ${raw}`);
  }
  const token = env.EMBARGO_TOKEN;
  if (!token) throw new CliError('EMBARGO_URL is set but EMBARGO_TOKEN is not: set it to an API token (embargo token create makes one)');
  return createApiClient(base, token);
}

function createApiClient(base: URL, token: string): ApiClient {
  const origin = base.origin;
  const root = base.href.endsWith('/') ? base.href : `${base.href}/`;
  const call = async (method: Method, path: string, body: unknown, accept: string, timeoutMs: number): Promise<{ res: Response; url: URL }> => {
    const url = new URL(path.replace(/^\//, ''), root);
    try {
      const res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, accept, ...(body === undefined ? {} : { 'content-type': body instanceof Raw ? body.type : 'application/json' }) },
        ...(body === undefined ? {} : { body: body instanceof Raw ? new Uint8Array(body.bytes) : JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { res, url };
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`Cannot reach the Embargo server at ${origin}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
  };
  const failure = (method: Method, url: URL, status: number, json: unknown): ApiError => {
    const answer = (json ?? {}) as { error?: string; message?: string; problems?: FieldProblem[] };
    return new ApiError(status, answer.error ?? `http_${status}`, answer.message ?? `${method} ${url.pathname} answered ${status}`, answer.problems ?? []);
  };
  const send = async <T>(method: Method, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const { res, url } = await call(method, path, body, 'application/json', 60_000);
    const json = parseJson(await res.text());
    if (!res.ok) throw failure(method, url, res.status, json);
    if (json === undefined) throw new CliError(`${origin} did not answer ${method} ${url.pathname} with JSON: is EMBARGO_URL the Embargo server?`);
    return { status: res.status, body: json as T };
  };
  return {
    origin,
    send,
    async upload<T>(path: string, bytes: Buffer, contentType: string): Promise<{ status: number; body: T }> {
      const { res, url } = await call('POST', path, new Raw(bytes, contentType), 'application/json', 600_000);
      const json = parseJson(await res.text());
      if (!res.ok) throw failure('POST', url, res.status, json);
      return { status: res.status, body: json as T };
    },
    async download(method: Method, path: string, body?: unknown): Promise<Buffer> {
      // A backup of a large instance takes a while: ten minutes, not one.
      const { res, url } = await call(method, path, body, 'application/octet-stream, application/json', 600_000);
      if (!res.ok) throw failure(method, url, res.status, parseJson(await res.text()));
      return Buffer.from(await res.arrayBuffer());
    },
    async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
      return (await send<T>(method, path, body)).body;
    },
  };
}

/** A body sent as it is, not as JSON. */
class Raw {
  constructor(
    readonly bytes: Buffer,
    readonly type: string,
  ) {}
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
