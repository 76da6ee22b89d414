import { useEffect, useRef, type ReactNode } from 'react';
import { Link, useLocation } from '../router.tsx';

export interface NavItem {
  to: string;
  label: string;
  /** A page the server renders (advisories, Hall of Fame, mailing list): a plain link, not routed in the browser. */
  server?: boolean;
}

/**
 * The frame of every page: skip link, header with the site name and the page's navigation, the one <main>
 * landmark, and a footer. After an in-app navigation, focus moves to <main> so keyboard and screen-reader users
 * start at the new content (on first load the browser's own focus handling stays).
 */
export function Shell({ nav, children }: { nav: NavItem[]; children: ReactNode }) {
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [location.pathname]);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link to="/" className="site-header__brand">
            Embargo
          </Link>
          {nav.length > 0 && (
            <nav aria-label="Main" className="site-nav">
              <ul>
                {nav.map((item) => (
                  <li key={item.to}>
                    {item.server ? (
                      <a href={item.to}>{item.label}</a>
                    ) : (
                      <Link to={item.to} aria-current={location.pathname === item.to ? 'page' : undefined}>
                        {item.label}
                      </Link>
                    )}
                  </li>
                ))}
              </ul>
            </nav>
          )}
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="site-main">
        {children}
      </main>
      <footer className="site-footer">
        <p>
          Coordinated vulnerability disclosure with <a href="/api/docs">Embargo</a>. Reports are encrypted at rest and seen only by the project&apos;s
          security team.
        </p>
      </footer>
    </>
  );
}
