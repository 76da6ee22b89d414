import '../../styles/dashboard.css';
import { useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, type FieldProblem } from '../../api.ts';
import { Shell } from '../../components/Shell.tsx';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { ErrorSummary, FieldError } from '../../components/FieldErrors.tsx';
import { signIn } from '../../components/app/session.ts';
import { useLoad, useTitle } from '../../hooks.ts';
import { Link, navigate } from '../../router.tsx';
import { UI_ROUTES } from '../../../../src/core/ui-paths.ts';
import { PASSWORD_MIN_LENGTH } from '../../../../src/core/access/passwords.ts';

/**
 * The first run (`/app/setup`): while the instance has no user (`GET /api/v1/setup`), the one-time setup token
 * from the server's output creates the first site admin (`POST /api/v1/setup`); the page then signs them in and
 * goes on to creating the first project. Once someone exists it says so and points to the sign-in.
 */
export function SetupPage() {
  useTitle('Set up Embargo');
  const [status] = useLoad(() => api.setupStatus(), []);
  return (
    <Shell nav={[]}>
      <div className="signin">
        <h1>Set up Embargo</h1>
        {status.state === 'loading' && <Loading what="the server's state" />}
        {status.state === 'error' && <ErrorMessage error={status.error} />}
        {status.state === 'ready' &&
          (status.data.needed ? (
            <SetupForm />
          ) : (
            <p className="notice notice--ok" role="status">
              This server is already set up: its first administrator exists. <Link to="/app">Sign in to the dashboard</Link>.
            </p>
          ))}
      </div>
    </Shell>
  );
}

type Field = 'token' | 'email' | 'name' | 'password' | 'repeat';

const LABELS: Record<Field, string> = {
  token: 'Setup token',
  email: 'Email',
  name: 'Your name',
  password: 'Choose a password',
  repeat: 'Repeat the password',
};

const idFor = (field: string) => `setup-${field}`;

function SetupForm() {
  const [values, setValues] = useState<Record<Field, string>>({ token: '', email: '', name: '', password: '', repeat: '' });
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [error, setError] = useState<ReactNode>(null);
  const [busy, setBusy] = useState(false);
  const set = (field: Field) => (value: string) => setValues((v) => ({ ...v, [field]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const token = values.token.trim();
    const email = values.email.trim();
    const missing = (['token', 'email', 'name', 'password'] as const).filter((f) => !values[f].trim()).map((field) => ({ field, message: 'is required' }));
    const local: FieldProblem[] = [...missing, ...(values.password && values.password !== values.repeat ? [{ field: 'repeat', message: 'differs from the password' }] : [])];
    setProblems(local);
    if (local.length) return;
    setBusy(true);
    try {
      await api.setup({ token, email, name: values.name.trim(), password: values.password });
    } catch (err) {
      setBusy(false);
      // 400: the server's field problems (email format, password length); 403: the token is wrong or used up.
      if (err instanceof ApiError && err.problems.length) setProblems(err.problems);
      else if (err instanceof ApiError && err.status === 403) setProblems([{ field: 'token', message: 'is invalid or was already used' }]);
      else setError(err instanceof Error ? err.message : String(err));
      return;
    }
    try {
      await signIn(email, values.password);
      navigate(UI_ROUTES.newProject, { replace: true });
    } catch (err) {
      setBusy(false);
      setError(
        <>
          Your administrator account was created, but signing in failed ({err instanceof Error ? err.message : String(err)}). <Link to="/app">Sign in</Link>.
        </>,
      );
    }
  };

  const problemOf = (field: Field) => problems.find((p) => p.field === field);
  const input = (field: Field, type: string, autoComplete: string, hint?: ReactNode) => {
    const problem = problemOf(field);
    const id = idFor(field);
    return (
      <div className={`field${problem ? ' field--invalid' : ''}`}>
        <label htmlFor={id}>{LABELS[field]}</label>
        {hint && (
          <p className="field__hint" id={`${id}-hint`}>
            {hint}
          </p>
        )}
        <FieldError id={id} problem={problem} label={LABELS[field]} />
        <input
          id={id}
          type={type}
          autoComplete={autoComplete}
          spellCheck={false}
          value={values[field]}
          onChange={(e) => set(field)(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={[hint ? `${id}-hint` : '', problem ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined}
        />
      </div>
    );
  };

  return (
    <form className="form signin__form" noValidate onSubmit={(e) => void submit(e)}>
      <p>This server has no administrator yet. Create the first one: a site administrator, who can then create projects and invite their teams.</p>
      <ErrorSummary problems={problems} labels={LABELS} idFor={idFor} subject="the setup" />
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      {input(
        'token',
        'text',
        'off',
        <>
          The server printed it in its output (the terminal or log where it runs) when it started: a line beginning with <code>setup_</code>. It works
          once; each start before setup prints a new one and the older one stops working.
        </>,
      )}
      {input('email', 'email', 'username')}
      {input('name', 'text', 'name')}
      {input('password', 'password', 'new-password', `A long passphrase: at least ${PASSWORD_MIN_LENGTH} characters.`)}
      {input('repeat', 'password', 'new-password')}
      <button type="submit" className="button button--primary" disabled={busy}>
        Create administrator and sign in
      </button>
    </form>
  );
}
