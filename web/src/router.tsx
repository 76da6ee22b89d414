import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';
import type { Params } from './paths.ts';

/**
 * A small client-side router on the History API. Routes are plain patterns ("/p/:slug/report"); the route table
 * lives in routes.tsx. Every UI path must also be served index.html by src/http/routes/web.routes.ts.
 */

export type { Params } from './paths.ts';
export { matchPath } from './paths.ts';

export interface Location {
  pathname: string;
  search: string;
  hash: string;
}

const NAVIGATE_EVENT = 'embargo:navigate';

function snapshot(): string {
  return window.location.pathname + window.location.search + window.location.hash;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener('hashchange', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener('hashchange', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

/** The current location; re-renders on navigate(), back/forward and hash changes. */
export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { pathname: url.pathname, search: url.search, hash: url.hash };
}

/** Goes to a same-origin path without reloading the page. */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
  if (!to.includes('#')) window.scrollTo(0, 0);
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string; children: ReactNode };

/** An <a href> that navigates in-app on a plain left click and behaves like a normal link otherwise. */
export function Link({ to, children, onClick, ...rest }: LinkProps) {
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || rest.target) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handle} {...rest}>
      {children}
    </a>
  );
}

/** One page of the UI (the table is in routes.tsx; maintainer pages add theirs from pages/app/index.tsx). */
export interface RouteDef {
  path: string;
  render: (params: Params) => ReactNode;
}
