import type { RouteDef } from './router.tsx';
import { UI_ROUTES } from '../../src/core/ui-paths.ts';
import { Home } from './pages/Home.tsx';
import { PolicyPage } from './pages/PolicyPage.tsx';
import { ReportForm } from './pages/ReportForm.tsx';
import { ReporterStatus } from './pages/ReporterStatus.tsx';
import { APP_ROUTES } from './pages/app/index.tsx';

/**
 * Every page of the UI: a path pattern (":name" segments, a trailing "*") and what it renders. First match wins.
 * The server serves index.html for "/", "/app", "/app/*", "/p/:slug" and "/p/:slug/*" (web.routes.ts); a page
 * outside those prefixes also needs a server route there and a row in test/support/authz-rows/web.ts.
 * `key` remounts the page when the params change, so no state leaks from one project or report to the next.
 */

export const ROUTES: RouteDef[] = [
  { path: '/', render: () => <Home /> },
  // Public pages of one project.
  { path: UI_ROUTES.policyPage, render: (p) => <PolicyPage key={p.slug} slug={p.slug ?? ''} /> },
  { path: UI_ROUTES.reportForm, render: (p) => <ReportForm key={p.slug} slug={p.slug ?? ''} /> },
  { path: '/p/:slug/status', render: (p) => <ReporterStatus key={p.slug} slug={p.slug ?? ''} /> },
  // Maintainer pages live under /app (see docs/web-ui.md).
  ...APP_ROUTES,
];
