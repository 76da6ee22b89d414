import { useState, type FormEvent, type ReactNode } from 'react';
import { encode } from 'uqr';
import { ApiError } from '../../api.ts';
import { appApi, type TwoFactorStatus } from '../../api-app.ts';
import { useLoad } from '../../hooks.ts';
import { ErrorMessage, Loading } from '../Status.tsx';
import { CopyButton } from '../CopyButton.tsx';
import { refreshSession } from './session.ts';

type Note = { ok: boolean; text: string } | null;
const FIELDS: Record<string, string> = { code: 'The code', password: 'The password' };
/** The server's words: its field problems ("The code is not the current code …") rather than "Invalid input". */
const errorText = (err: unknown) =>
  err instanceof ApiError && err.problems.length ? err.problems.map((p) => `${FIELDS[p.field] ?? p.field} ${p.message}.`).join(' ') : err instanceof Error ? err.message : String(err);

/**
 * The account page's two-factor section: why it is required (site or project policy), the authenticator app
 * (enrol with a QR code or the secret, confirm with a code, turn off with the password), and recovery codes
 * (shown once, renewable). `extra` renders the passkeys beside it.
 */
export function TwoFactorSettings({ extra }: { extra?: (status: TwoFactorStatus, reload: () => void) => ReactNode }) {
  const [status, reload] = useLoad(() => appApi.twoFactor(), []);
  const changed = () => {
    reload();
    void refreshSession();
  };
  if (status.state === 'loading') return <Loading what="your second factors" />;
  if (status.state === 'error') return <ErrorMessage error={status.error} />;
  const s = status.data;
  const enrolled = s.totp || s.passkeys > 0;
  return (
    <>
      {!enrolled && (s.required_by_site || s.required_by_projects.length > 0) && (
        <p className="notice notice--error" role="alert">
          {s.required_by_site ? 'This server requires two-factor authentication.' : `Your project${s.required_by_projects.length === 1 ? '' : 's'} ${s.required_by_projects.join(', ')} require${s.required_by_projects.length === 1 ? 's' : ''} two-factor authentication.`}{' '}
          Add an authenticator app or a passkey below; until then, only this page is open to you.
        </p>
      )}
      <p>
        With two-factor on, signing in asks for a code from your phone (or your passkey) after the password, so a leaked password alone opens nothing.
      </p>
      <h3>Authenticator app</h3>
      {s.totp ? <TotpOn status={s} onChange={changed} /> : <TotpEnrol onChange={changed} />}
      {extra?.(s, changed)}
    </>
  );
}

/** A QR code drawn as SVG squares (no image data URLs, so the CSP stays strict). */
function QrCode({ text, label }: { text: string; label: string }) {
  const { data, size } = encode(text, { ecc: 'M', border: 2 });
  const cells: string[] = [];
  data.forEach((row, y) => row.forEach((on, x) => on && cells.push(`M${x} ${y}h1v1h-1z`)));
  return (
    <svg className="qr" role="img" aria-label={label} viewBox={`0 0 ${size} ${size}`} width={200} height={200} shapeRendering="crispEdges">
      <rect width={size} height={size} fill="#fff" />
      <path d={cells.join('')} fill="#000" />
    </svg>
  );
}

function TotpEnrol({ onChange }: { onChange: () => void }) {
  const [enrolment, setEnrolment] = useState<{ secret: string; otpauth_uri: string } | null>(null);
  const [code, setCode] = useState('');
  const [note, setNote] = useState<Note>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const start = async () => {
    setBusy(true);
    setNote(null);
    try {
      setEnrolment(await appApi.startTotp());
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    if (!/^\d{6}$/.test(code.replace(/\s+/g, ''))) {
      setNote({ ok: false, text: 'Enter the 6-digit code your app shows now.' });
      return;
    }
    setBusy(true);
    setNote(null);
    try {
      setCodes((await appApi.confirmTotp(code.replace(/\s+/g, ''))).recovery_codes);
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  if (codes) return <RecoveryCodesShown codes={codes} intro="Two-factor authentication is on." onDone={onChange} />;
  return (
    <>
      {note && (
        <p className={note.ok ? 'notice notice--ok' : 'notice notice--error'} role={note.ok ? 'status' : 'alert'}>
          {note.text}
        </p>
      )}
      {!enrolment ? (
        <>
          <p className="muted">Off. Any app that shows time-based codes works: FreeOTP, Aegis, Google Authenticator, 1Password, Bitwarden…</p>
          <button type="button" className="button" disabled={busy} onClick={() => void start()}>
            Set up an authenticator app
          </button>
        </>
      ) : (
        <form className="form account-form" noValidate onSubmit={(e) => void confirm(e)} aria-label="Confirm the authenticator app">
          <ol className="steps">
            <li>
              Scan this code with the app:
              <br />
              <QrCode text={enrolment.otpauth_uri} label="QR code of the authenticator secret" />
            </li>
            <li>
              Or type this key into it: <code className="secret" data-testid="totp-secret">{enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}</code> <CopyButton text={enrolment.secret} what="key" />
            </li>
            <li>
              <label htmlFor="totp-confirm-code">Enter the 6-digit code the app shows now</label>
              <input id="totp-confirm-code" type="text" inputMode="numeric" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
            </li>
          </ol>
          <button type="submit" className="button button--primary" disabled={busy}>
            Turn on two-factor
          </button>
        </form>
      )}
    </>
  );
}

/** Recovery codes, shown once; the user confirms they kept them before the page goes on. */
function RecoveryCodesShown({ codes, intro, onDone }: { codes: string[]; intro: string; onDone: () => void }) {
  return (
    <div className="notice notice--ok" role="status">
      <p>
        <strong>{intro}</strong> Save these recovery codes somewhere safe (a password manager). Each signs you in once if you lose your phone; they are not shown again.
      </p>
      <ul className="recovery-codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <p>
        <CopyButton text={codes.join('\n')} what="recovery codes" />
      </p>
      <button type="button" className="button" onClick={onDone}>
        I have saved them
      </button>
    </div>
  );
}

function TotpOn({ status, onChange }: { status: TwoFactorStatus; onChange: () => void }) {
  const [action, setAction] = useState<'off' | 'codes' | null>(null);
  const [password, setPassword] = useState('');
  const [note, setNote] = useState<Note>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!password) {
      setNote({ ok: false, text: 'Enter your password.' });
      return;
    }
    setBusy(true);
    setNote(null);
    try {
      if (action === 'off') {
        await appApi.disableTotp(password);
        onChange();
      } else {
        setCodes((await appApi.newRecoveryCodes(password)).recovery_codes);
      }
      setAction(null);
      setPassword('');
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  if (codes) return <RecoveryCodesShown codes={codes} intro="New recovery codes: the old ones no longer work." onDone={() => { setCodes(null); onChange(); }} />;
  return (
    <>
      <p>
        <span className="badge badge--active">on</span> {status.recovery_codes_left} recovery code{status.recovery_codes_left === 1 ? '' : 's'} left.
      </p>
      {note && (
        <p className="notice notice--error" role="alert">
          {note.text}
        </p>
      )}
      {action ? (
        <form className="form account-form" noValidate onSubmit={(e) => void submit(e)} aria-label={action === 'off' ? 'Turn the authenticator app off' : 'New recovery codes'}>
          <div className="field">
            <label htmlFor="two-factor-password">Your password</label>
            <input id="two-factor-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </div>
          <button type="submit" className={action === 'off' ? 'button button--danger' : 'button button--primary'} disabled={busy}>
            {action === 'off' ? 'Turn off the authenticator app' : 'Make new recovery codes'}
          </button>{' '}
          <button type="button" className="button button--secondary" onClick={() => setAction(null)}>
            Cancel
          </button>
        </form>
      ) : (
        <p>
          <button type="button" className="button" onClick={() => setAction('codes')}>
            New recovery codes
          </button>{' '}
          <button type="button" className="button button--danger" onClick={() => setAction('off')}>
            Turn off…
          </button>
        </p>
      )}
    </>
  );
}
