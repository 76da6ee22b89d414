import '../../styles/dashboard.css';
import { useState, type FormEvent } from 'react';
import { ApiError, type FieldProblem } from '../../api.ts';
import { appApi } from '../../api-app.ts';
import { Shell } from '../../components/Shell.tsx';
import { ErrorSummary } from '../../components/FieldErrors.tsx';
import { problemOf, TextField } from '../../components/TextField.tsx';
import { SignInForm } from '../../components/app/SignInForm.tsx';
import { useTitle } from '../../hooks.ts';
import { Link, navigate } from '../../router.tsx';
import { UI_ROUTES } from '../../../../src/core/ui-paths.ts';
import { PASSWORD_MIN_LENGTH } from '../../../../src/core/access/passwords.ts';

/**
 * Where a password reset mail's link lands (`/app/reset-password#token=…`; the fragment never reaches a server):
 * a new password, twice, sent with the token to `POST /api/v1/password-reset/complete`. Then every session of the
 * account has ended, and the page offers the sign-in form. A used, expired or replaced link gets the server's
 * words and a way to ask for a new one.
 */
export function ResetPasswordPage() {
  useTitle('Choose a new password');
  // Read once: after the reset the token is taken out of the address bar.
  const [token] = useState(() => new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '');
  const [done, setDone] = useState(false);
  return (
    <Shell nav={[]}>
      <div className="signin">
        <h1>Choose a new password</h1>
        {done ? (
          <>
            <p className="notice notice--ok" role="status">
              Your password was changed, and every session of your account was signed out. Sign in with the new password.
              Your API tokens still work: if you reset because someone else may know your password, revoke any token you
              do not recognise under <strong>Your account</strong>, <strong>API tokens</strong>.
            </p>
            <SignInForm message={null} onSignedIn={() => navigate('/app', { replace: true })} />
          </>
        ) : token ? (
          <ResetForm
            token={token}
            onDone={() => {
              window.history.replaceState(null, '', UI_ROUTES.passwordReset);
              setDone(true);
            }}
          />
        ) : (
          <LinkRefused message="This address has no reset token. Open the link from the mail as it is, or ask for a new one." />
        )}
      </div>
    </Shell>
  );
}

function LinkRefused({ message }: { message: string }) {
  return (
    <div className="notice notice--error" role="alert">
      <h2>This reset link cannot be used</h2>
      <p>{message}</p>
      <p>
        <Link to={UI_ROUTES.forgotPassword}>Ask for a new link</Link>
      </p>
    </div>
  );
}

type Field = 'password' | 'repeat';
const LABELS: Record<Field, string> = { password: 'New password', repeat: 'Repeat the new password' };
const idFor = (field: string) => `reset-${field === 'new_password' ? 'password' : field}`;

function ResetForm({ token, onDone }: { token: string; onDone: () => void }) {
  const [values, setValues] = useState<Record<Field, string>>({ password: '', repeat: '' });
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [refused, setRefused] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local: FieldProblem[] = [];
    if (!values.password) local.push({ field: 'password', message: 'is required' });
    else if (values.password !== values.repeat) local.push({ field: 'repeat', message: 'differs from the new password' });
    setProblems(local);
    if (local.length) return;
    setBusy(true);
    try {
      await appApi.completePasswordReset(token, values.password);
      onDone();
    } catch (err) {
      setBusy(false);
      // The server names the password `new_password` in its length check and `password` in the body's schema.
      if (err instanceof ApiError && err.problems.length) setProblems(err.problems.map((p) => (p.field === 'new_password' ? { ...p, field: 'password' } : p)));
      else setRefused(err instanceof Error ? err.message : String(err));
    }
  };
  if (refused) return <LinkRefused message={refused} />;
  return (
    <form className="form signin__form" noValidate onSubmit={(e) => void submit(e)}>
      <p>Choose the new password of your Embargo account. Setting it signs your account out everywhere.</p>
      <ErrorSummary problems={problems} labels={LABELS} idFor={idFor} subject="the new password" />
      <TextField
        id={idFor('password')}
        label={LABELS.password}
        type="password"
        autoComplete="new-password"
        value={values.password}
        onChange={(v) => setValues((x) => ({ ...x, password: v }))}
        hint={`A long passphrase: at least ${PASSWORD_MIN_LENGTH} characters.`}
        problem={problemOf(problems, 'password')}
      />
      <TextField
        id={idFor('repeat')}
        label={LABELS.repeat}
        type="password"
        autoComplete="new-password"
        value={values.repeat}
        onChange={(v) => setValues((x) => ({ ...x, repeat: v }))}
        problem={problemOf(problems, 'repeat')}
      />
      <button type="submit" className="button button--primary" disabled={busy}>
        Set the new password
      </button>
    </form>
  );
}
