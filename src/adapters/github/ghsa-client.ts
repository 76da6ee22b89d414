/**
 * GitHub's REST API for repository security advisories (`GET /repos/{owner}/{repo}/security-advisories`), paged by
 * the Link header. The base URL is the instance's configuration (EMBARGO_GITHUB_API_URL: api.github.com or a GitHub
 * Enterprise Server's `/api/v3`); a `next` link is followed only on that same origin, so the token never leaves
 * for another host. Each page is bounded in time and size; the token is sent, never logged or echoed in errors.
 */
export interface GhsaFetchOptions {
  baseUrl: string;
  /** `owner/repo`. */
  repository: string;
  token: string;
  /** Per page (GitHub allows up to 100). */
  perPage?: number;
  maxPages?: number;
  timeoutMs?: number;
  maxPageBytes?: number;
}

export class GithubApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'GithubApiError';
  }
}

/** The URL of rel="next" in a Link header, if any. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const m = /^\s*<([^>]+)>\s*;(.*)$/.exec(part);
    const rel = m ? /(?:^|;)\s*rel="?([^";]+)"?/i.exec(m[2] as string)?.[1] : undefined;
    if (m && rel?.split(/\s+/).includes('next')) return m[1] as string;
  }
  return null;
}

export async function fetchRepositoryAdvisories(opts: GhsaFetchOptions): Promise<unknown[]> {
  const base = new URL(opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
  const [owner, repo] = opts.repository.split('/');
  let url: URL | null = new URL(`repos/${encodeURIComponent(owner ?? '')}/${encodeURIComponent(repo ?? '')}/security-advisories?per_page=${opts.perPage ?? 100}`, base);
  const maxPages = opts.maxPages ?? 100;
  const all: unknown[] = [];
  for (let page = 0; url; page += 1) {
    if (page >= maxPages) throw new GithubApiError(`more than ${maxPages} pages of advisories`, null);
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${opts.token}`, 'x-github-api-version': '2022-11-28', 'user-agent': 'embargo' },
        redirect: 'error',
        signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
      });
    } catch (e) {
      throw new GithubApiError(`GitHub API unreachable at ${url.origin}: ${(e as Error).name}`, null);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new GithubApiError(`GitHub API answered ${res.status} for ${url.pathname}`, res.status);
    }
    const text = await readLimited(res, opts.maxPageBytes ?? 20 * 1024 * 1024);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new GithubApiError('GitHub API answered something that is not JSON', res.status);
    }
    if (!Array.isArray(body)) throw new GithubApiError('GitHub API answered something that is not a list of advisories', res.status);
    all.push(...body);
    const next = nextLink(res.headers.get('link'));
    if (!next) break;
    const nextUrl: URL = new URL(next, url);
    if (nextUrl.origin !== base.origin) throw new GithubApiError(`refusing a next page on another origin (${nextUrl.origin})`, null);
    url = nextUrl;
  }
  return all;
}

async function readLimited(res: Response, max: number): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new GithubApiError(`a page of advisories is larger than ${max} bytes`, res.status);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
