import '../../styles/dashboard.css';
import { useEffect, useState, type ReactNode } from 'react';
import { Shell, type NavItem } from '../Shell.tsx';
import { Loading } from '../Status.tsx';
import { useLoad, useTitle } from '../../hooks.ts';
import { Link, useLocation } from '../../router.tsx';
import { checkSession, signOut, useSession } from './session.ts';
import { SignInForm } from './SignInForm.tsx';
import { SsoSignIn } from './SsoSignIn.tsx';
import { api, type SessionUser } from '../../api.ts';
import { UI_ROUTES } from '../../../../src/core/ui-paths.ts';
import type { DashboardProject } from '../../api-app.ts';

const NAV: NavItem[] = [
  { to: '/app', label: 'Queue' },
  { to: '/app/advisories', label: 'Advisories' },
  { to: '/app/projects', label: 'Projects' },
];
/** Site admins also manage the accounts of the server. */
const ADMIN_NAV: NavItem[] = [...NAV, { to: UI_ROUTES.users, label: 'Users' }];

export interface SignedIn {
  user: SessionUser;
  projects: DashboardProject[];
}

/**
 * Every dashboard page: the Shell with the dashboard navigation, and the session gate. Signed out (or expired:
 * any 401), the sign-in form takes the page's place at the same address, so signing in brings the page back.
 */
export function MaintainerLayout({ children, nav }: { children: (s: SignedIn) => ReactNode; /** Replaces the dashboard navigation (the party pages of issue 19). */ nav?: NavItem[] }) {
  const session = useSession();
  const onAccountPage = useLocation().pathname === UI_ROUTES.account;
  useEffect(() => {
    void checkSession();
  }, []);
  if (session.status === 'unknown') {
    return (
      <Shell nav={[]}>
        <Loading what="your session" />
      </Shell>
    );
  }
  if (session.status === 'signed-out') {
    return (
      <Shell nav={[]}>
        <SignInPage message={session.message} />
      </Shell>
    );
  }
  return (
    <Shell nav={nav ?? (session.user.site_admin ? ADMIN_NAV : NAV)}>
      <UserBar user={session.user} />
      {session.enrolmentRequired && !onAccountPage ? <EnrolFirst /> : children({ user: session.user, projects: session.projects })}
    </Shell>
  );
}

/** In place of every page but the account page while the user must still enrol a second factor. */
function EnrolFirst() {
  useTitle('Two-factor authentication required');
  return (
    <>
      <h1>Two-factor authentication required</h1>
      <p className="notice notice--error">
        This server or one of your projects requires a second factor. Add an authenticator app or a passkey to your account; everything else opens as soon as you do.
      </p>
      <p>
        <Link to={`${UI_ROUTES.account}#two-factor`} className="button button--primary">
          Set up two-factor authentication
        </Link>
      </p>
    </>
  );
}

/**
 * A dashboard page about one of the signed-in user's projects (`/app/p/:slug/...`): `children` gets the project
 * from the session; a slug the user is not a member of shows "not found" instead.
 */
export function MemberProjectLayout({ slug, children }: { slug: string; children: (project: DashboardProject) => ReactNode }) {
  return (
    <MaintainerLayout>
      {({ projects }) => {
        const project = projects.find((p) => p.slug === slug);
        return project ? children(project) : <NotMember slug={slug} />;
      }}
    </MaintainerLayout>
  );
}

export function NotMember({ slug }: { slug: string }) {
  useTitle('Not found');
  return (
    <>
      <h1>Not found</h1>
      <p>
        You are not a member of a project called “{slug}”. <Link to="/app">Back to the queue</Link>.
      </p>
    </>
  );
}

function SignInPage({ message }: { message: string | null }) {
  useTitle('Sign in');
  // A new install has nobody to sign in as: point to the setup page rather than let every attempt fail.
  const [setup] = useLoad(() => api.setupStatus(), []);
  const setupNeeded = setup.state === 'ready' && setup.data.needed;
  return (
    <div className="signin">
      <h1>Sign in</h1>
      <p>The maintainer dashboard of this Embargo server.</p>
      {setupNeeded && (
        <div className="notice notice--warning">
          <h2>This server is not set up yet</h2>
          <p>No account exists yet, so nobody can sign in. Create the first administrator with the one-time setup token from the server&apos;s output.</p>
          <p>
            <Link to={UI_ROUTES.setup} className="button button--primary">
              Set up Embargo
            </Link>
          </p>
        </div>
      )}
      {!setupNeeded && <SsoSignIn />}
      <SignInForm message={message} setupNeeded={setupNeeded} />
    </div>
  );
}

function UserBar({ user }: { user: SessionUser }) {
  const here = useLocation().pathname;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const out = async () => {
    setBusy(true);
    try {
      await signOut();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  return (
    <div className="userbar">
      <span>
        Signed in as <strong>{user.name}</strong> <span className="muted">({user.email})</span>
      </span>
      <span className="userbar__actions">
        <Link to={UI_ROUTES.account} aria-current={here === UI_ROUTES.account ? 'page' : undefined}>
          Your account
        </Link>
        <button type="button" className="button button--secondary button--small" onClick={() => void out()} disabled={busy}>
          Sign out
        </button>
      </span>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
