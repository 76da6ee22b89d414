import '../../styles/dashboard.css';
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api.ts';
import { appApi, type Invitation } from '../../api-app.ts';
import { Shell } from '../../components/Shell.tsx';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { checkSession, joined, useSession } from '../../components/app/session.ts';
import { useLoad, useTitle } from '../../hooks.ts';
import { navigate } from '../../router.tsx';

/**
 * Where an invitation mail's link lands (`/app/invitation#token=…`; the fragment never reaches a server). It shows
 * what the invitation offers, then creates the account (name and password) or, for someone already signed in as
 * the invited address, just joins; either way the new member lands on the project's queue.
 */
export function InvitationPage() {
  useTitle('Invitation');
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const session = useSession();
  const [invitation, setInvitation] = useState<{ state: 'loading' } | { state: 'ready'; data: Invitation } | { state: 'error'; error: unknown }>({ state: 'loading' });
  useEffect(() => {
    void checkSession();
    if (!token) {
      setInvitation({ state: 'error', error: new Error('This address has no invitation token. Open the link from the invitation mail as it is.') });
      return;
    }
    appApi.invitation(token).then(
      (data) => setInvitation({ state: 'ready', data }),
      // The server's own words (used, expired or withdrawn), not the generic "not found" of a missing page.
      (error: unknown) => setInvitation({ state: 'error', error: error instanceof ApiError ? new Error(error.message) : error }),
    );
  }, [token]);
  return (
    <Shell nav={[]}>
      <h1>Invitation</h1>
      {(invitation.state === 'loading' || session.status === 'unknown') && <Loading what="the invitation" />}
      {invitation.state === 'error' && <ErrorMessage error={invitation.error} title="This invitation cannot be used" />}
      {invitation.state === 'ready' && session.status !== 'unknown' && (
        <Accept token={token} invitation={invitation.data} signedInAs={session.status === 'signed-in' ? session.user.email : null} />
      )}
    </Shell>
  );
}

function Accept({ token, invitation, signedInAs }: { token: string; invitation: Invitation; signedInAs: string | null }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const needsAccount = signedInAs === null;
  const [sso] = useLoad(() => api.ssoStatus(), []);
  const ssoLabel = needsAccount && sso.state === 'ready' && sso.data.enabled ? sso.data.label : null;
  /** The invitation travels through the identity provider's round trip in the server's sealed flow cookie. */
  const withSso = async () => {
    setBusy(true);
    setError(null);
    try {
      window.location.assign((await api.ssoStartWithInvitation(token)).authorization_url);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (needsAccount) {
      if (!name.trim() || !password) return setError('Enter your name and choose a password.');
      if (password !== repeat) return setError('The two passwords differ.');
    }
    setBusy(true);
    setError(null);
    try {
      const r = await appApi.acceptInvitation(token, needsAccount ? { name: name.trim(), password } : null);
      await joined(r.csrf_token);
      navigate('/app', { replace: true });
    } catch (err) {
      setError(err instanceof ApiError && err.problems.length ? err.problems.map((p) => `${p.field} ${p.message}`).join('; ') : err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <form className="form signin__form" noValidate onSubmit={(e) => void submit(e)}>
      <p>
        You are invited to the security team of <strong>{invitation.project.name}</strong> as <strong>{invitation.role}</strong>. The invitation is
        for <strong>{invitation.email}</strong> and valid until {new Date(invitation.expires_at).toUTCString()}.
      </p>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {signedInAs !== null && signedInAs !== invitation.email && (
        <p className="notice notice--error" role="alert">
          You are signed in as {signedInAs}. Sign out first to accept an invitation for {invitation.email}.
        </p>
      )}
      {ssoLabel && (
        <div className="sso">
          <button type="button" className="button button--primary sso__button" disabled={busy} onClick={() => void withSso()}>
            Accept with {ssoLabel}
          </button>
          <p className="sso__or muted">
            Your identity provider must confirm the address {invitation.email}. Or create an account with a password:
          </p>
        </div>
      )}
      {needsAccount && (
        <>
          <div className="field">
            <label htmlFor="invite-email">Email</label>
            <input id="invite-email" type="email" autoComplete="username" value={invitation.email} readOnly />
          </div>
          <div className="field">
            <label htmlFor="invite-name">Your name</label>
            <input id="invite-name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="invite-password">Choose a password</label>
            <input id="invite-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="invite-repeat">Repeat the password</label>
            <input id="invite-repeat" type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} />
          </div>
        </>
      )}
      <button type="submit" className="button" disabled={busy || (signedInAs !== null && signedInAs !== invitation.email)}>
        {needsAccount ? 'Create account and join' : `Join ${invitation.project.name}`}
      </button>
    </form>
  );
}
