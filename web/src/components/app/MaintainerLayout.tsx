import '../../styles/dashboard.css';
import { useEffect, useState, type ReactNode } from 'react';
import { Shell, type NavItem } from '../Shell.tsx';
import { Loading } from '../Status.tsx';
import { useTitle } from '../../hooks.ts';
import { Link } from '../../router.tsx';
import { checkSession, signOut, useSession } from './session.ts';
import { SignInForm } from './SignInForm.tsx';
import type { SessionUser } from '../../api.ts';
import type { DashboardProject } from '../../api-app.ts';

const NAV: NavItem[] = [
  { to: '/app', label: 'Queue' },
  { to: '/app/advisories', label: 'Advisories' },
  { to: '/app/projects', label: 'Projects' },
];

export interface SignedIn {
  user: SessionUser;
  projects: DashboardProject[];
}

/**
 * Every dashboard page: the Shell with the dashboard navigation, and the session gate. Signed out (or expired:
 * any 401), the sign-in form takes the page's place at the same address, so signing in brings the page back.
 */
export function MaintainerLayout({ children }: { children: (s: SignedIn) => ReactNode }) {
  const session = useSession();
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
    <Shell nav={NAV}>
      <UserBar user={session.user} />
      {children({ user: session.user, projects: session.projects })}
    </Shell>
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
  return (
    <div className="signin">
      <h1>Sign in</h1>
      <p>The maintainer dashboard of this Embargo server.</p>
      <SignInForm message={message} />
    </div>
  );
}

function UserBar({ user }: { user: SessionUser }) {
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
      <button type="button" className="button button--secondary button--small" onClick={() => void out()} disabled={busy}>
        Sign out
      </button>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
