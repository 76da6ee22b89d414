import { useState, type FormEvent } from 'react';
import { ApiError, type SecondFactor } from '../../api.ts';
import { Link } from '../../router.tsx';
import { signIn, signInWithPasskey } from './session.ts';
import { passkeyErrorText } from './TwoFactor.tsx';
import { UI_ROUTES } from '../../../../src/core/ui-paths.ts';

/**
 * Email and password; the server's answer (wrong password, rate limit) is shown as it is worded. On an instance
 * that still needs its first admin (`setupNeeded`), a refused sign-in says why instead of "wrong password";
 * otherwise "Forgot your password?" leads to the page that mails a reset link.
 */
export function SignInForm({ message, setupNeeded = false, onSignedIn }: { message: string | null; setupNeeded?: boolean; onSignedIn?: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Set once the password was right and the server asked for the second factor (401 totp-required).
  const [methods, setMethods] = useState<string[] | null>(null);
  if (methods) {
    return (
      <SecondFactorForm
        methods={methods}
        message={error}
        onSubmit={async (second) => {
          try {
            await signIn(email.trim(), password, second);
            onSignedIn?.();
            return null;
          } catch (err) {
            return err instanceof Error ? err.message : String(err);
          }
        }}
        onPasskey={onSignedIn}
        onCancel={() => {
          setMethods(null);
          setPassword('');
          setError(null);
        }}
      />
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!email.trim() || !password) {
      setError('Enter your email and password.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
      onSignedIn?.();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'totp-required') {
        setMethods(Array.isArray(err.body.methods) ? (err.body.methods as string[]) : ['totp', 'recovery_code']);
        setBusy(false);
        return;
      }
      const refused = setupNeeded ? 'No account exists on this server yet: set it up first (see above).' : 'Wrong email or password.';
      setError(err instanceof ApiError && err.status === 401 ? refused : err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <form className="form signin__form" noValidate onSubmit={(e) => void submit(e)}>
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <div className="field">
        <label htmlFor="signin-email">Email</label>
        <input id="signin-email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} aria-invalid={error ? true : undefined} />
      </div>
      <div className="field">
        <label htmlFor="signin-password">Password</label>
        <input id="signin-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} aria-invalid={error ? true : undefined} />
      </div>
      <button type="submit" className="button" disabled={busy}>
        Sign in
      </button>
      {!setupNeeded && <PasskeyButton onSignedIn={onSignedIn} onError={setError} />}
      {!setupNeeded && (
        <p className="signin__forgot">
          <Link to={UI_ROUTES.forgotPassword}>Forgot your password?</Link>
        </p>
      )}
    </form>
  );
}

/**
 * The second step of signing in: the 6-digit code of the authenticator app, or one of the recovery codes. The
 * password stays in the first step's memory only; "Back" forgets it.
 */
function SecondFactorForm({
  methods,
  message,
  onSubmit,
  onPasskey,
  onCancel,
}: {
  methods: string[];
  message: string | null;
  onSubmit: (second: SecondFactor) => Promise<string | null>;
  onPasskey: (() => void) | undefined;
  onCancel: () => void;
}) {
  const [useRecovery, setUseRecovery] = useState(!methods.includes('totp'));
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(message);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const value = code.trim();
    if (!value) {
      setError(useRecovery ? 'Enter one of your recovery codes.' : 'Enter the 6-digit code from your authenticator app.');
      return;
    }
    setBusy(true);
    setError(null);
    const failed = await onSubmit(useRecovery ? { recovery_code: value } : { totp_code: value.replace(/\s+/g, '') });
    if (failed) {
      setError(failed);
      setCode('');
      setBusy(false);
    }
  };
  const id = useRecovery ? 'signin-recovery-code' : 'signin-totp-code';
  // An account with only passkeys has no code to type: the passkey is the second step.
  const hasCodes = methods.includes('totp') || methods.includes('recovery_code');
  return (
    <form className="form signin__form" noValidate onSubmit={(e) => void submit(e)} aria-labelledby="signin-second-factor">
      <h2 id="signin-second-factor">Two-factor authentication</h2>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {hasCodes ? (
        <>
          <div className="field">
            <label htmlFor={id}>{useRecovery ? 'Recovery code' : 'Authentication code'}</label>
            <p className="field__hint" id={`${id}-hint`}>
              {useRecovery ? 'One of the codes you saved when you turned two-factor on; each works once.' : 'The 6-digit code your authenticator app shows for Embargo now.'}
            </p>
            <input
              id={id}
              key={id}
              type="text"
              inputMode={useRecovery ? 'text' : 'numeric'}
              autoComplete="one-time-code"
              autoFocus
              value={code}
              onChange={(e) => setCode(e.target.value)}
              aria-describedby={`${id}-hint`}
              aria-invalid={error ? true : undefined}
            />
          </div>
          <button type="submit" className="button" disabled={busy}>
            Verify
          </button>
        </>
      ) : (
        <p>Use the passkey you added to your account.</p>
      )}
      {methods.includes('passkey') && <PasskeyButton onSignedIn={onPasskey} onError={setError} />}
      <p className="signin__forgot">
        {methods.includes('totp') && (
          <button
            type="button"
            className="button button--link"
            onClick={() => {
              setUseRecovery(!useRecovery);
              setCode('');
              setError(null);
            }}
          >
            {useRecovery ? 'Use the authenticator app instead' : 'Use a recovery code instead'}
          </button>
        )}
        {methods.includes('totp') && ' · '}
        <button type="button" className="button button--link" onClick={onCancel}>
          Back
        </button>
      </p>
    </form>
  );
}

/** "Sign in with a passkey": the browser's own prompt; on a browser without WebAuthn, nothing is offered. */
function PasskeyButton({ onSignedIn, onError }: { onSignedIn: (() => void) | undefined; onError: (message: string | null) => void }) {
  const [busy, setBusy] = useState(false);
  if (typeof window === 'undefined' || typeof window.PublicKeyCredential !== 'function') return null;
  const go = async () => {
    setBusy(true);
    onError(null);
    try {
      await signInWithPasskey();
      onSignedIn?.();
    } catch (err) {
      onError(passkeyErrorText(err));
      setBusy(false);
    }
  };
  return (
    <p>
      <button type="button" className="button button--secondary" disabled={busy} onClick={() => void go()}>
        Sign in with a passkey
      </button>
    </p>
  );
}
