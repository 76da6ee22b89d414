import { useState, type FormEvent } from 'react';
import { ApiError, type FieldProblem, type SessionUser } from '../../api.ts';
import { appApi, type DashboardProject, type SessionInfo } from '../../api-app.ts';
import { useLoad, useTitle } from '../../hooks.ts';
import { formatDate } from '../../format.ts';
import { ErrorSummary } from '../../components/FieldErrors.tsx';
import { ErrorMessage, Loading, OutcomeMessage } from '../../components/Status.tsx';
import { problemOf, TextField } from '../../components/TextField.tsx';
import { MaintainerLayout } from '../../components/app/MaintainerLayout.tsx';
import { ApiTokens } from '../../components/app/ApiTokens.tsx';
import { TwoFactorSettings } from '../../components/app/TwoFactor.tsx';
import { NotificationSettings } from '../../components/app/NotificationSettings.tsx';
import { PASSWORD_MIN_LENGTH } from '../../../../src/core/access/passwords.ts';

/**
 * `/app/account`: the signed-in user's second factors (components/app/TwoFactor.tsx), password (changing it signs
 * out their other sessions), sessions (end one or every other), API tokens (components/app/ApiTokens.tsx) and what
 * they are mailed (components/app/NotificationSettings.tsx).
 */
export function AccountPage() {
  return <MaintainerLayout>{({ user, projects }) => <Account user={user} projects={projects} />}</MaintainerLayout>;
}

function Account({ user, projects }: { user: SessionUser; projects: DashboardProject[] }) {
  useTitle('Your account');
  const [sessions, reloadSessions] = useLoad(() => appApi.sessions(), []);
  return (
    <>
      <h1>Your account</h1>
      <p>
        <strong>{user.name}</strong> <span className="muted">{user.email}</span>
        {user.site_admin && <span className="badge">site admin</span>}
      </p>
      <nav aria-label="On this page" className="page-toc">
        <a href="#password">Password</a> <a href="#two-factor">Two-factor</a> <a href="#sessions">Sessions</a> <a href="#tokens">API tokens</a> <a href="#notifications">Notifications</a>
      </nav>
      <section aria-labelledby="two-factor">
        <h2 id="two-factor">Two-factor authentication</h2>
        <TwoFactorSettings />
      </section>
      <section aria-labelledby="password">
        <h2 id="password">Password</h2>
        <PasswordChange onChanged={reloadSessions} />
      </section>
      <section aria-labelledby="sessions">
        <h2 id="sessions">Sessions</h2>
        {sessions.state === 'loading' && <Loading what="your sessions" />}
        {sessions.state === 'error' && <ErrorMessage error={sessions.error} />}
        {sessions.state === 'ready' && <Sessions sessions={sessions.data.sessions} onChange={reloadSessions} />}
      </section>
      <section aria-labelledby="tokens">
        <h2 id="tokens">API tokens</h2>
        <ApiTokens projects={projects} />
      </section>
      <section aria-labelledby="notifications">
        <h2 id="notifications">Notifications</h2>
        <NotificationSettings />
      </section>
    </>
  );
}

type PasswordField = 'current_password' | 'new_password' | 'repeat';
const LABELS: Record<PasswordField, string> = { current_password: 'Current password', new_password: 'New password', repeat: 'Repeat the new password' };
const idFor = (field: string) => `account-${field.replace('_', '-')}`;

function PasswordChange({ onChanged }: { onChanged: () => void }) {
  const [values, setValues] = useState<Record<PasswordField, string>>({ current_password: '', new_password: '', repeat: '' });
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (field: PasswordField) => (value: string) => setValues((v) => ({ ...v, [field]: value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    const local: FieldProblem[] = [];
    if (!values.current_password) local.push({ field: 'current_password', message: 'is required' });
    if (!values.new_password) local.push({ field: 'new_password', message: 'is required' });
    else if (values.new_password !== values.repeat) local.push({ field: 'repeat', message: 'differs from the new password' });
    setProblems(local);
    if (local.length) return;
    setBusy(true);
    try {
      await appApi.changePassword(values.current_password, values.new_password);
      setValues({ current_password: '', new_password: '', repeat: '' });
      setMessage({ ok: true, text: 'Your password was changed. Your other sessions were signed out; this one stays signed in.' });
      onChanged();
    } catch (err) {
      if (err instanceof ApiError && err.problems.length) setProblems(err.problems);
      else setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };
  const field = (name: PasswordField, autoComplete: string, hint?: string) => (
    <TextField id={idFor(name)} label={LABELS[name]} type="password" autoComplete={autoComplete} value={values[name]} onChange={set(name)} hint={hint} problem={problemOf(problems, name)} />
  );
  return (
    <form className="form account-form" noValidate onSubmit={(e) => void submit(e)} aria-labelledby="password">
      <ErrorSummary problems={problems} labels={LABELS} idFor={idFor} subject="the new password" />
      <OutcomeMessage outcome={message} />
      {field('current_password', 'current-password')}
      {field('new_password', 'new-password', `A long passphrase: at least ${PASSWORD_MIN_LENGTH} characters. Changing it signs out your other sessions.`)}
      {field('repeat', 'new-password')}
      <button type="submit" className="button button--primary" disabled={busy}>
        Change password
      </button>
    </form>
  );
}

function Sessions({ sessions, onChange }: { sessions: SessionInfo[]; onChange: () => void }) {
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const others = sessions.filter((s) => !s.current);
  // This browser's first, then the others newest first (the server's order).
  const ordered = [...sessions.filter((s) => s.current), ...others];
  const end = async (id: string | undefined, done: string) => {
    setBusy(true);
    setMessage(null);
    try {
      await appApi.endSessions(id);
      setMessage({ ok: true, text: done });
      onChange();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <p>Every browser signed in as you. Ending a session signs that browser out at its next step; its page asks for the password again.</p>
      <OutcomeMessage outcome={message} />
      <ul className="rows" aria-label="Sessions">
        {ordered.map((s) => (
          <li key={s.id} className="rows__item">
            <span>
              Signed in {formatDate(s.created_at)} {s.current && <span className="badge badge--active">this session</span>}
              <br />
              <span className="muted">until {formatDate(s.expires_at)}</span>
            </span>
            {!s.current && (
              <button type="button" className="button button--small button--danger" disabled={busy} onClick={() => void end(s.id, `The session signed in ${formatDate(s.created_at)} was ended.`)}>
                End session<span className="visually-hidden"> signed in {formatDate(s.created_at)}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      {others.length > 0 ? (
        <button type="button" className="button" disabled={busy} onClick={() => void end(undefined, 'Your other sessions were signed out.')}>
          Sign out other sessions ({others.length})
        </button>
      ) : (
        <p className="muted">This is your only session.</p>
      )}
    </>
  );
}
