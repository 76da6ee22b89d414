import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError } from '../../api.ts';
import { Shell } from '../Shell.tsx';
import { SignInForm } from './SignInForm.tsx';
import { ErrorMessage, Loading } from '../Status.tsx';
import { checkSession, joined, useSession } from './session.ts';
import { navigate } from '../../router.tsx';

/**
 * What a member invitation (`/app/invitation`) and a party invitation (`/app/case-invitation`) have in common: the
 * token read from the fragment (it never reaches a server), the lookup of what the link offers, and the form that
 * creates the account (name, password twice) or, for someone signed in as the invited address, just joins. An
 * address that already has an account signs in on the page (the invitation stays on screen) and then joins.
 */
export interface AcceptedInvitation {
  csrf_token: string;
}

export interface InvitationAcceptProps<T extends { email: string }, A extends AcceptedInvitation = AcceptedInvitation> {
  heading: string;
  lookup: (token: string) => Promise<T>;
  /** What the invitation offers, in a sentence or two. */
  offer: (info: T) => ReactNode;
  accept: (token: string, account: { name: string; password: string } | null) => Promise<A>;
  /** Where the new member or party lands. */
  landing: (info: T, accepted: A) => string;
  labels: { create: string; join: (info: T) => string };
  /** Field ids are prefixed, so two forms never share an id. */
  idPrefix: string;
  /** The identity provider's button, when the instance has one (member invitations). */
  sso?: ((token: string) => { label: string; start: () => Promise<string> } | null) | undefined;
}

export function InvitationAccept<T extends { email: string }, A extends AcceptedInvitation = AcceptedInvitation>(props: InvitationAcceptProps<T, A>) {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const session = useSession();
  const [info, setInfo] = useState<{ state: 'loading' } | { state: 'ready'; data: T } | { state: 'error'; error: unknown }>({ state: 'loading' });
  const { lookup } = props;
  useEffect(() => {
    void checkSession();
    if (!token) {
      setInfo({ state: 'error', error: new Error('This address has no invitation token. Open the link from the invitation mail as it is.') });
      return;
    }
    lookup(token).then(
      (data) => setInfo({ state: 'ready', data }),
      // The server's own words (used, expired or withdrawn), not the generic "not found" of a missing page.
      (error: unknown) => setInfo({ state: 'error', error: error instanceof ApiError ? new Error(error.message) : error }),
    );
  }, [token, lookup]);
  return (
    <Shell nav={[]}>
      <h1>{props.heading}</h1>
      {(info.state === 'loading' || session.status === 'unknown') && <Loading what="the invitation" />}
      {info.state === 'error' && <ErrorMessage error={info.error} title="This invitation cannot be used" />}
      {info.state === 'ready' && session.status !== 'unknown' && (
        <AcceptForm {...props} token={token} info={info.data} signedInAs={session.status === 'signed-in' ? session.user.email : null} />
      )}
      {info.state === 'ready' && session.status === 'signed-out' && <ExistingAccount email={info.data.email} />}
    </Shell>
  );
}

function AcceptForm<T extends { email: string }, A extends AcceptedInvitation>(props: InvitationAcceptProps<T, A> & { token: string; info: T; signedInAs: string | null }) {
  const { token, info, signedInAs, idPrefix } = props;
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const needsAccount = signedInAs === null;
  const sso = needsAccount ? (props.sso?.(token) ?? null) : null;
  const withSso = async (start: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    try {
      window.location.assign(await start());
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
      const accepted = await props.accept(token, needsAccount ? { name: name.trim(), password } : null);
      await joined(accepted.csrf_token);
      navigate(props.landing(info, accepted), { replace: true });
    } catch (err) {
      setError(err instanceof ApiError && err.problems.length ? err.problems.map((p) => `${p.field} ${p.message}`).join('; ') : err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  const wrongAccount = signedInAs !== null && signedInAs !== info.email;
  return (
    <form className="form signin__form" noValidate onSubmit={(e) => void submit(e)}>
      <p>{props.offer(info)}</p>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {wrongAccount && (
        <p className="notice notice--error" role="alert">
          You are signed in as {signedInAs}. Sign out first to accept an invitation for {info.email}.
        </p>
      )}
      {sso && (
        <div className="sso">
          <button type="button" className="button button--primary sso__button" disabled={busy} onClick={() => void withSso(sso.start)}>
            Accept with {sso.label}
          </button>
          <p className="sso__or muted">Your identity provider must confirm the address {info.email}. Or create an account with a password:</p>
        </div>
      )}
      {needsAccount && (
        <>
          <div className="field">
            <label htmlFor={`${idPrefix}-email`}>Email</label>
            <input id={`${idPrefix}-email`} type="email" autoComplete="username" value={info.email} readOnly />
          </div>
          <div className="field">
            <label htmlFor={`${idPrefix}-name`}>Your name</label>
            <input id={`${idPrefix}-name`} autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${idPrefix}-password`}>Choose a password</label>
            <input id={`${idPrefix}-password`} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${idPrefix}-repeat`}>Repeat the password</label>
            <input id={`${idPrefix}-repeat`} type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} />
          </div>
        </>
      )}
      <button type="submit" className="button" disabled={busy || wrongAccount}>
        {needsAccount ? props.labels.create : props.labels.join(info)}
      </button>
    </form>
  );
}

/** Someone who already has an account for the invited address signs in here, then joins with the form above. */
function ExistingAccount({ email }: { email: string }) {
  const [open, setOpen] = useState(false);
  return (
    <section className="invitation__existing" aria-labelledby="invitation-existing">
      <h2 id="invitation-existing">Already have an account?</h2>
      {open ? (
        <SignInForm message={`Sign in as ${email}, then accept the invitation.`} />
      ) : (
        <button type="button" className="button button--secondary" onClick={() => setOpen(true)}>
          Sign in to accept
        </button>
      )}
    </section>
  );
}
