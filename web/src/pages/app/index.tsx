import { lazy, Suspense, type ReactNode } from 'react';
import type { RouteDef } from '../../router.tsx';
import { UI_ROUTES } from '../../../../src/core/ui-paths.ts';
import { Loading } from '../../components/Status.tsx';

/**
 * The dashboard is loaded only when an /app page is opened (a separate chunk), so the public pages a reporter
 * opens do not download the calculator, the policy parser and the editors.
 */
const QueuePage = lazy(() => import('./QueuePage.tsx').then((m) => ({ default: m.QueuePage })));
const ReportPage = lazy(() => import('./ReportPage.tsx').then((m) => ({ default: m.ReportPage })));
const AdvisoriesPage = lazy(() => import('./AdvisoriesPage.tsx').then((m) => ({ default: m.AdvisoriesPage })));
const AdvisoryEditorPage = lazy(() => import('./AdvisoryEditor.tsx').then((m) => ({ default: m.AdvisoryEditorPage })));
const ProjectsPage = lazy(() => import('./ProjectsPage.tsx').then((m) => ({ default: m.ProjectsPage })));
const SettingsPage = lazy(() => import('./SettingsPage.tsx').then((m) => ({ default: m.SettingsPage })));
const SetupPage = lazy(() => import('./SetupPage.tsx').then((m) => ({ default: m.SetupPage })));
const NewProjectPage = lazy(() => import('./NewProjectPage.tsx').then((m) => ({ default: m.NewProjectPage })));
const InvitationPage = lazy(() => import('./InvitationPage.tsx').then((m) => ({ default: m.InvitationPage })));
const AccountPage = lazy(() => import('./AccountPage.tsx').then((m) => ({ default: m.AccountPage })));
const UsersPage = lazy(() => import('./UsersPage.tsx').then((m) => ({ default: m.UsersPage })));
const ResetPasswordPage = lazy(() => import('./ResetPasswordPage.tsx').then((m) => ({ default: m.ResetPasswordPage })));
const ForgotPasswordPage = lazy(() => import('./ForgotPasswordPage.tsx').then((m) => ({ default: m.ForgotPasswordPage })));
const ReviewPage = lazy(() => import('./ReviewPage.tsx').then((m) => ({ default: m.ReviewPage })));
const ScansPage = lazy(() => import('./ScansPage.tsx').then((m) => ({ default: m.ScansPage })));
const CasePage = lazy(() => import('./CasePage.tsx').then((m) => ({ default: m.CasePage })));
const CasesPage = lazy(() => import('./CasesPage.tsx').then((m) => ({ default: m.CasesPage })));
const PartyInvitationPage = lazy(() => import('./PartyInvitationPage.tsx').then((m) => ({ default: m.PartyInvitationPage })));
const AppNotFound = lazy(() => import('./AppNotFound.tsx').then((m) => ({ default: m.AppNotFound })));

const page = (node: ReactNode) => <Suspense fallback={<Loading what="the dashboard" />}>{node}</Suspense>;

/** The maintainer dashboard's pages, spliced into ROUTES (routes.tsx). The last entry catches unknown /app paths. */
export const APP_ROUTES: RouteDef[] = [
  { path: '/app', render: () => page(<QueuePage />) },
  { path: '/app/advisories', render: () => page(<AdvisoriesPage />) },
  { path: '/app/projects', render: () => page(<ProjectsPage />) },
  { path: UI_ROUTES.newProject, render: () => page(<NewProjectPage />) },
  { path: UI_ROUTES.maintainerReport, render: (p) => page(<ReportPage key={`${p.slug}/${p.trackingId}`} slug={p.slug ?? ''} trackingId={p.trackingId ?? ''} />) },
  { path: '/app/p/:slug/advisories/:id', render: (p) => page(<AdvisoryEditorPage key={`${p.slug}/${p.id}`} slug={p.slug ?? ''} id={p.id ?? ''} />) },
  { path: '/app/p/:slug/review', render: (p) => page(<ReviewPage key={p.slug} slug={p.slug ?? ''} />) },
  { path: '/app/p/:slug/scans', render: (p) => page(<ScansPage key={p.slug} slug={p.slug ?? ''} />) },
  { path: '/app/p/:slug/settings', render: (p) => page(<SettingsPage key={p.slug} slug={p.slug ?? ''} />) },
  { path: UI_ROUTES.invitation, render: () => page(<InvitationPage />) },
  { path: UI_ROUTES.caseInvitation, render: () => page(<PartyInvitationPage />) },
  { path: UI_ROUTES.cases, render: () => page(<CasesPage />) },
  { path: UI_ROUTES.casePage, render: (p) => page(<CasePage key={p.caseId} caseId={p.caseId ?? ''} />) },
  { path: UI_ROUTES.setup, render: () => page(<SetupPage />) },
  { path: UI_ROUTES.account, render: () => page(<AccountPage />) },
  { path: UI_ROUTES.users, render: () => page(<UsersPage />) },
  { path: UI_ROUTES.passwordReset, render: () => page(<ResetPasswordPage />) },
  { path: UI_ROUTES.forgotPassword, render: () => page(<ForgotPasswordPage />) },
  { path: '/app/*', render: () => page(<AppNotFound />) },
];
