/** Path patterns of the router, kept free of React and the DOM so unit tests can run them in Node. */

export type Params = Record<string, string>;

/**
 * Matches "/p/:slug/report" against a pathname; a trailing "/*" matches any rest (exposed as params["*"]).
 * Segments are URI-decoded. Returns null when the pattern does not match (or a segment is not valid
 * percent-encoding, which would otherwise throw out of the render).
 */
export function matchPath(pattern: string, pathname: string): Params | null {
  try {
    return match(pattern, pathname);
  } catch (e) {
    if (e instanceof URIError) return null;
    throw e;
  }
}

function match(pattern: string, pathname: string): Params | null {
  const want = pattern.split('/').filter(Boolean);
  const have = pathname.split('/').filter(Boolean);
  const params: Params = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    if (w === '*') {
      params['*'] = have.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const h = have[i];
    if (h === undefined) return null;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(h);
    else if (w !== h) return null;
  }
  return have.length === want.length ? params : null;
}
