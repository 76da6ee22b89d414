import '../../styles/dashboard.css';
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../api.ts';
import { coordinationApi } from '../../api-coordination.ts';
import { Shell } from '../../components/Shell.tsx';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { checkSession, joined, useSession } from '../../components/app/session.ts';
import { useTitle } from '../../hooks.ts';
import { navigate } from '../../router.tsx';
import { UI_ROUTES, uiPath } from '../../../../src/core/ui-paths.ts';

type Info = Awaited<ReturnType<typeof coordinationApi.lookupInvitation>>;

/**
 * Where a party invitation mail's link lands (`/app/case-invitation#token=…`; the fragment never reaches a server),
 * like the member invitation page: what the invitation offers, then the account (name and password) or, signed in
 * as the invited address, just joining; the party lands on its case.
 */
export function PartyInvitationPage() {
  useTitle('Invitation to a case');
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const session = useSession();
  const [info, setInfo] = useState<{ state: 'loading' } | { state: 'ready'; data: Info } | { state: 'error'; error: unknown }>({ state: 'loading' });
  useEffect(() => {
    void checkSession();
    if (!token) return setInfo({ state: 'error', error: new Error('This address has no invitation token. Open the link from the invitation mail as it is.') });
    coordinationApi.lookupInvitation(token).then(
      (data) => setInfo({ state: 'ready', data }),
      (error: unknown) => setInfo({ state: 'error', error: error instanceof ApiError ? new Error(error.message) : error }),
    );
  }, [token]);
  return (
    <Shell nav={[]}>
      <h1>Invitation to a case</h1>
      {(info.state === 'loading' || session.status === 'unknown') && <Loading what="the invitation" />}
      {info.state === 'error' && <ErrorMessage error={info.error} title="This invitation cannot be used" />}
      {info.state === 'ready' && session.status !== 'unknown' && <Accept token={token} info={info.data} signedInAs={session.status === 'signed-in' ? session.user.email : null} />}
    </Shell>
  );
}

function Accept({ token, info, signedInAs }: { token: string; info: Info; signedInAs: string | null }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const needsAccount = signedInAs === null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (needsAccount && (!name.trim() || !password)) return setError('Enter your name and choose a password.');
    setBusy(true);
    setError(null);
    try {
      const r = await coordinationApi.acceptInvitation(token, needsAccount ? { name: name.trim(), password } : null);
      await joined(r.csrf_token);
      navigate(uiPath(UI_ROUTES.casePage, { caseId: r.case_id }), { replace: true });
    } catch (err) {
      setError(err instanceof ApiError && err.problems.length ? err.problems.map((p) => `${p.field} ${p.message}`).join('; ') : err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <form className="form signin__form" noValidate onSubmit={(e) => void submit(e)}>
      <p>
        <strong>{info.project_name}</strong> invites you into the coordinated disclosure case <strong>{info.tracking_id}</strong> as <strong>{info.role}</strong>. The
        invitation is for <strong>{info.email}</strong> and valid until {new Date(info.expires_at).toUTCString()}. You will see this case only.
      </p>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {signedInAs !== null && signedInAs !== info.email && (
        <p className="notice notice--error" role="alert">
          You are signed in as {signedInAs}. Sign out first to accept an invitation for {info.email}.
        </p>
      )}
      {needsAccount && (
        <>
          <div className="field">
            <label htmlFor="party-invite-email">Email</label>
            <input id="party-invite-email" type="email" autoComplete="username" value={info.email} readOnly />
          </div>
          <div className="field">
            <label htmlFor="party-invite-name">Your name</label>
            <input id="party-invite-name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="party-invite-password">Choose a password</label>
            <input id="party-invite-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </div>
        </>
      )}
      <button type="submit" className="button" disabled={busy || (signedInAs !== null && signedInAs !== info.email)}>
        {needsAccount ? 'Create account and join the case' : 'Join the case'}
      </button>
    </form>
  );
}
