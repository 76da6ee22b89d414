import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api.ts';
import { Link } from '../../router.tsx';
import { signIn } from './session.ts';
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
      {!setupNeeded && (
        <p className="signin__forgot">
          <Link to={UI_ROUTES.forgotPassword}>Forgot your password?</Link>
        </p>
      )}
    </form>
  );
}
