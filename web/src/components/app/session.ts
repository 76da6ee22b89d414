import { useSyncExternalStore } from 'react';
import { api, ApiError, setCsrfToken, type SecondFactor, type SessionUser, type SignedInUser } from '../../api.ts';
import { appApi, setUnauthenticatedHandler, type DashboardProject } from '../../api-app.ts';

/**
 * The dashboard's session, one store for every page: unknown until GET /api/v1/session answers, then signed in
 * (with the user's projects and roles) or signed out. A 401 from any dashboard call flips it to signed out with
 * a message, and the layout shows the sign-in form in place of the page; after signing in the page comes back.
 */
export type SessionState =
  | { status: 'unknown' }
  | { status: 'signed-out'; message: string | null }
  /** `enrolmentRequired`: the site or a project requires a second factor the user lacks; only the account page works. */
  | { status: 'signed-in'; user: SessionUser; projects: DashboardProject[]; enrolmentRequired: boolean };

let state: SessionState = { status: 'unknown' };
let checking: Promise<void> | null = null;
const listeners = new Set<() => void>();

function set(next: SessionState): void {
  state = next;
  for (const l of listeners) l();
}

export const EXPIRED_MESSAGE = 'Your session has ended. Sign in again to continue.';

setUnauthenticatedHandler(() => {
  if (state.status === 'signed-in') set({ status: 'signed-out', message: EXPIRED_MESSAGE });
});

async function signedIn({ user, enrolmentRequired }: SignedInUser): Promise<void> {
  let projects: DashboardProject[] = [];
  try {
    projects = (await appApi.projects()).projects;
  } catch (e) {
    // A site that requires a second factor answers nothing else until the user enrols: no projects yet.
    if (!(enrolmentRequired && e instanceof ApiError && e.code === 'two-factor-required')) throw e;
  }
  set({ status: 'signed-in', user, projects, enrolmentRequired });
}

/** Asks the server once whether a session exists (a 401 means no). */
export function checkSession(): Promise<void> {
  checking ??= api.session().then(signedIn, (e: unknown) => {
    if (e instanceof ApiError && e.status === 401) set({ status: 'signed-out', message: null });
    else set({ status: 'signed-out', message: e instanceof Error ? e.message : String(e) });
  });
  return checking;
}

export async function signIn(email: string, password: string, second: SecondFactor = {}): Promise<void> {
  const user = await api.login(email, password, second);
  checking = Promise.resolve();
  await signedIn(user);
}

export async function signInWithPasskey(): Promise<void> {
  const user = await api.passkeyLogin();
  checking = Promise.resolve();
  await signedIn(user);
}

/** After enrolling (or removing) a second factor: the server's view of the session again, projects included. */
export async function refreshSession(): Promise<void> {
  await signedIn(await api.session());
}

/** After accepting an invitation: the server has signed the new member in (and gave this CSRF token). */
export async function joined(csrfToken: string): Promise<void> {
  setCsrfToken(csrfToken);
  checking = Promise.resolve();
  await refreshSession();
}

/** Reads the signed-in user's projects again (after creating one), so pages about the new project find it. */
export async function refreshProjects(): Promise<void> {
  if (state.status === 'signed-in') await signedIn({ user: state.user, enrolmentRequired: state.enrolmentRequired });
}

export async function signOut(): Promise<void> {
  try {
    await api.logout();
  } catch (e) {
    // Already gone on the server (expired): signing out locally is all that is left to do.
    if (!(e instanceof ApiError && e.status === 401)) throw e;
    setCsrfToken(null);
  }
  checking = Promise.resolve();
  set({ status: 'signed-out', message: 'You have signed out.' });
}

export function useSession(): SessionState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => state,
  );
}

/** The signed-in user's role on a project, or null when not a member. */
export function roleOn(s: SessionState, slug: string): DashboardProject['role'] | null {
  return s.status === 'signed-in' ? (s.projects.find((p) => p.slug === slug)?.role ?? null) : null;
}
