import { useState, type FormEvent } from 'react';
import { encode } from 'uqr';
import { ApiError } from '../../api.ts';
import { appApi, type Passkey, type TwoFactorStatus } from '../../api-app.ts';
import { formatDate } from '../../format.ts';
import { useLoad } from '../../hooks.ts';
import { ErrorMessage, Loading, OutcomeMessage, type Outcome } from '../Status.tsx';
import { CopyButton } from '../CopyButton.tsx';
import { refreshSession } from './session.ts';

const FIELDS: Record<string, string> = { code: 'The code', password: 'The password' };
/** The server's words: its field problems ("The code is not the current code …") rather than "Invalid input". */
const errorText = (err: unknown) =>
  err instanceof ApiError && err.problems.length ? err.problems.map((p) => `${FIELDS[p.field] ?? p.field} ${p.message}.`).join(' ') : err instanceof Error ? err.message : String(err);

/**
 * The account page's two-factor section: why it is required (site or project policy), the authenticator app
 * (enrol with a QR code or the secret, confirm with a code, turn off with the password), and recovery codes
 * (shown once, renewable), and passkeys (added with the browser's prompt, removed with the password).
 */
export function TwoFactorSettings() {
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
      <h3>Passkeys</h3>
      <Passkeys onChange={changed} />
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
  const [note, setNote] = useState<Outcome>(null);
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
      <OutcomeMessage outcome={note} />
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
  const [note, setNote] = useState<Outcome>(null);
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
      <OutcomeMessage outcome={note} />
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

/** What the browser's passkey prompt failing means, in words (cancelled, timed out, or not possible here). */
export function passkeyErrorText(err: unknown): string {
  if (err instanceof Error && (err.name === 'NotAllowedError' || err.name === 'AbortError')) return 'The passkey prompt was cancelled or timed out.';
  if (err instanceof Error && err.name === 'InvalidStateError') return 'This device already holds a passkey for your account.';
  return errorText(err);
}

function Passkeys({ onChange }: { onChange: () => void }) {
  const [list, reload] = useLoad(() => appApi.passkeys(), []);
  const [name, setName] = useState('');
  const [note, setNote] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<Passkey | null>(null);
  const [password, setPassword] = useState('');
  const supported = typeof window !== 'undefined' && typeof window.PublicKeyCredential === 'function';
  const changed = () => {
    reload();
    onChange();
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setNote(null);
    try {
      const { startRegistration } = await import('@simplewebauthn/browser');
      const options = await appApi.passkeyOptions();
      const response = await startRegistration({ optionsJSON: options });
      const added = await appApi.addPasskey(name.trim() || 'Passkey', response);
      setName('');
      setNote({ ok: true, text: `Passkey “${added.name}” added: you can sign in with it instead of your password.` });
      changed();
    } catch (err) {
      setNote({ ok: false, text: passkeyErrorText(err) });
    } finally {
      setBusy(false);
    }
  };
  const remove = async (e: FormEvent) => {
    e.preventDefault();
    if (!removing) return;
    setBusy(true);
    setNote(null);
    try {
      await appApi.removePasskey(removing.id, password);
      setNote({ ok: true, text: `Passkey “${removing.name}” removed.` });
      setRemoving(null);
      setPassword('');
      changed();
    } catch (err) {
      setNote({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <p>A passkey signs you in with your device's fingerprint, face or PIN instead of a password and code; it only works on this server's address, so it cannot be phished.</p>
      <OutcomeMessage outcome={note} />
      {list.state === 'loading' && <Loading what="your passkeys" />}
      {list.state === 'error' && <ErrorMessage error={list.error} />}
      {list.state === 'ready' && list.data.passkeys.length > 0 && (
        <ul className="rows" aria-label="Passkeys">
          {list.data.passkeys.map((p) => (
            <li key={p.id} className="rows__item">
              <span>
                <strong>{p.name}</strong>
                <br />
                <span className="muted">
                  added {formatDate(p.created_at)}, {p.last_used_at ? `last used ${formatDate(p.last_used_at)}` : 'not used yet'}
                </span>
              </span>
              <button type="button" className="button button--small button--danger" onClick={() => setRemoving(p)}>
                Remove<span className="visually-hidden"> passkey {p.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {removing && (
        <form className="form account-form" noValidate onSubmit={(e) => void remove(e)} aria-label={`Remove passkey ${removing.name}`}>
          <div className="field">
            <label htmlFor="passkey-remove-password">Your password, to remove “{removing.name}”</label>
            <input id="passkey-remove-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
          </div>
          <button type="submit" className="button button--danger" disabled={busy}>
            Remove passkey
          </button>{' '}
          <button type="button" className="button button--secondary" onClick={() => setRemoving(null)}>
            Cancel
          </button>
        </form>
      )}
      {supported ? (
        <form className="form account-form" noValidate onSubmit={(e) => void add(e)} aria-label="Add a passkey">
          <div className="field">
            <label htmlFor="passkey-name">Name of the new passkey</label>
            <p className="field__hint" id="passkey-name-hint">
              So you can tell them apart, e.g. “Work laptop” or “YubiKey”.
            </p>
            <input id="passkey-name" type="text" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} aria-describedby="passkey-name-hint" />
          </div>
          <button type="submit" className="button" disabled={busy}>
            Add a passkey
          </button>
        </form>
      ) : (
        <p className="muted">This browser cannot use passkeys.</p>
      )}
    </>
  );
}
