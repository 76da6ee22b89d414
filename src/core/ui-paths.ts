/**
 * Path patterns of web UI pages the server links to (reminder mails, SECURITY.md, security.txt, its start-up
 * output), and of dashboard pages that several pages link to. The UI's router uses the same constants, so a link
 * the server writes always lands on a page the UI serves.
 */
export const UI_ROUTES = {
  policyPage: '/p/:slug',
  reportForm: '/p/:slug/report',
  /** The reporter's private page; the token follows in the fragment (`#<token>`), so it reaches no server log. */
  reporterStatus: '/p/:slug/status',
  maintainerReport: '/app/p/:slug/reports/:trackingId',
  /** Where an invitation mail's link lands; the token is in the fragment (#token=…), so it reaches no server log. */
  invitation: '/app/invitation',
  /** A case as its parties see it (issue 19). */
  casePage: '/app/cases/:caseId',
  /** The cases the signed-in user is a party of. */
  cases: '/app/cases',
  /** Where a party invitation mail's link lands (#token=…, like member invitations). */
  caseInvitation: '/app/case-invitation',
  /** Where a password reset mail's link lands (#token=…, like invitations). */
  passwordReset: '/app/reset-password',
  /** Asks for a reset mail; linked from the sign-in form and from a reset link that no longer works. */
  forgotPassword: '/app/forgot-password',
  /** The signed-in user's password, sessions and API tokens; linked from the user bar of every dashboard page. */
  account: '/app/account',
  /** Site admins: every account, disabled and re-enabled there. */
  users: '/app/users',
  /** The first admin's page, named in the server's output at first start next to the one-time setup token. */
  setup: '/app/setup',
  /** A site admin creates a project from its policy YAML. */
  newProject: '/app/projects/new',
} as const;

/** Fills a pattern's `:name` segments with URI-encoded values; a missing value is a programming error. */
export function uiPath(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`uiPath: no value for :${name} in ${pattern}`);
    return encodeURIComponent(value);
  });
}

/** The reporter's private link: the styled status page with the token in the fragment. */
export const reporterStatusPath = (slug: string, token: string): string => `${uiPath(UI_ROUTES.reporterStatus, { slug })}#${token}`;

/** A link of a project's public navigation; `server` pages are rendered by the server, not routed by the UI. */
export interface PublicNavItem {
  to: string;
  label: string;
  server: boolean;
}

/**
 * The one navigation of a project's public pages, UI and server-rendered alike: policy, report form, advisories,
 * their Atom feed, the Hall of Fame (when the policy keeps one) and advisories by mail.
 */
export function projectPublicNav(slug: string, opts: { hallOfFame: boolean }): PublicNavItem[] {
  const s = encodeURIComponent(slug);
  return [
    { to: uiPath(UI_ROUTES.policyPage, { slug }), label: 'Security policy', server: false },
    { to: uiPath(UI_ROUTES.reportForm, { slug }), label: 'Report a vulnerability', server: false },
    { to: `/projects/${s}/advisories`, label: 'Advisories', server: true },
    { to: `/projects/${s}/advisories.atom`, label: 'Atom feed', server: true },
    ...(opts.hallOfFame ? [{ to: `/projects/${s}/hall-of-fame`, label: 'Hall of Fame', server: true }] : []),
    { to: `/projects/${s}/mailing-list`, label: 'Advisories by mail', server: true },
  ];
}
