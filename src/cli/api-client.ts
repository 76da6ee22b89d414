import type { FieldProblem } from '../core/errors.ts';
import { ApiError, CliError } from './errors.ts';

export interface ApiClient {
  /** Where requests go, without any credentials, for messages. */
  readonly origin: string;
  /** The JSON answer of a successful request; an error answer throws ApiError. */
  request<T>(method: Method, path: string, body?: unknown): Promise<T>;
  /** The same, with the status, for callers that tell 200 from 201. */
  send<T>(method: Method, path: string, body?: unknown): Promise<{ status: number; body: T }>;
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
  const send = async <T>(method: Method, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const url = new URL(path.replace(/^\//, ''), root);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(`Cannot reach the Embargo server at ${origin}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
    const json = parseJson(await res.text());
    if (!res.ok) {
      const answer = (json ?? {}) as { error?: string; message?: string; problems?: FieldProblem[] };
      throw new ApiError(res.status, answer.error ?? `http_${res.status}`, answer.message ?? `${method} ${url.pathname} answered ${res.status}`, answer.problems ?? []);
    }
    if (json === undefined) throw new CliError(`${origin} did not answer ${method} ${url.pathname} with JSON: is EMBARGO_URL the Embargo server?`);
    return { status: res.status, body: json as T };
  };
  return {
    origin,
    send,
    async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
      return (await send<T>(method, path, body)).body;
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
