import '../../styles/dashboard.css';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api.ts';
import { appApi } from '../../api-app.ts';
import { Shell } from '../../components/Shell.tsx';
import { problemOf, TextField } from '../../components/TextField.tsx';
import { useTitle } from '../../hooks.ts';
import { Link } from '../../router.tsx';

/**
 * `/app/forgot-password`: asks the server to mail a reset link (`POST /api/v1/password-reset`). The server answers
 * the same whether or not the address has an account, and the page shows that answer as it is.
 */
export function ForgotPasswordPage() {
  useTitle('Forgot your password?');
  const [email, setEmail] = useState('');
  const [missing, setMissing] = useState(false);
  const [answer, setAnswer] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setMissing(!email.trim());
    if (!email.trim()) return;
    setBusy(true);
    try {
      setAnswer((await appApi.requestPasswordReset(email.trim())).message);
    } catch (err) {
      setError(err instanceof ApiError && err.problems.length ? err.problems.map((p) => `${p.field} ${p.message}`).join('; ') : err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Shell nav={[]}>
      <div className="signin">
        <h1>Forgot your password?</h1>
        {answer ? (
          <>
            <p className="notice notice--ok" role="status">
              {answer}
            </p>
            <p>No mail within a few minutes? Check the address and your spam folder, or ask your Embargo administrator.</p>
          </>
        ) : (
          <form className="form signin__form" noValidate onSubmit={(e) => void submit(e)}>
            <p>Enter the email address of your Embargo account. A link to choose a new password is mailed to it.</p>
            {error && (
              <p className="notice notice--error" role="alert">
                {error}
              </p>
            )}
            <TextField
              id="forgot-email"
              label="Email"
              type="email"
              autoComplete="username"
              value={email}
              onChange={setEmail}
              problem={problemOf(missing ? [{ field: 'email', message: 'is required' }] : [], 'email')}
            />
            <button type="submit" className="button button--primary" disabled={busy}>
              Mail me a reset link
            </button>
          </form>
        )}
        <p>
          <Link to="/app">Back to sign in</Link>
        </p>
      </div>
    </Shell>
  );
}
