import { useState } from 'react';
import type { SessionUser } from '../../api.ts';
import { appApi, type TokenInfo, type UserListItem } from '../../api-app.ts';
import { useLoad, useTitle } from '../../hooks.ts';
import { formatDate } from '../../format.ts';
import { ErrorMessage, Loading, OutcomeMessage } from '../../components/Status.tsx';
import { MaintainerLayout } from '../../components/app/MaintainerLayout.tsx';
import { ConfirmButton } from '../../components/app/ConfirmButton.tsx';
import { ReporterErasure } from '../../components/app/ReporterErasure.tsx';
import { isLiveToken, TokenCard } from '../../components/app/ApiTokens.tsx';

/**
 * `/app/users` (site admins): every account, disabled and re-enabled here. Disabling ends the user's sessions and
 * revokes their tokens at once, which the confirmation says; the server refuses to disable yourself (409) and the
 * page shows its words. Each account's API tokens open below it, loaded when opened, each revocable on its own
 * (a leaked CI token, without locking its owner out).
 */
export function UsersPage() {
  return <MaintainerLayout>{({ user }) => (user.site_admin ? <Users me={user} /> : <NotSiteAdmin />)}</MaintainerLayout>;
}

function NotSiteAdmin() {
  useTitle('Users');
  return (
    <>
      <h1>Users</h1>
      <p className="notice">Only site administrators manage the accounts of this server.</p>
    </>
  );
}

function Users({ me }: { me: SessionUser }) {
  useTitle('Users');
  const [users, reload] = useLoad(() => appApi.users(), []);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const setDisabled = async (u: UserListItem, disabled: boolean) => {
    setMessage(null);
    try {
      await appApi.setUserDisabled(u.id, disabled);
      setMessage({
        ok: true,
        text: disabled
          ? `${u.name} (${u.email}) is disabled: their sessions ended and their API tokens were revoked.`
          : `${u.name} (${u.email}) can sign in again. Their old API tokens stay revoked.`,
      });
      reload();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  };
  const resetTwoFactor = async (u: UserListItem) => {
    setMessage(null);
    try {
      await appApi.resetTwoFactor(u.id);
      setMessage({ ok: true, text: `${u.name} (${u.email}) has no second factor now: they sign in with their password and enrol again.` });
      reload();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <>
      <h1>Users</h1>
      <RequireTwoFactor />
      <ReporterErasure />
      <p>Every account on this server. A disabled account cannot sign in and its API tokens no longer work; re-enabling it gives no token back.</p>
      <OutcomeMessage outcome={message} />
      {users.state === 'loading' && <Loading what="the accounts" />}
      {users.state === 'error' && <ErrorMessage error={users.error} />}
      {users.state === 'ready' && (
        <>
          <p className="muted">
            {users.data.users.length} account{users.data.users.length === 1 ? '' : 's'}, {users.data.users.filter((u) => u.disabled).length} disabled.
          </p>
          <ul className="rows" aria-label="Accounts">
            {users.data.users.map((u) => (
              <li key={u.id} className={`rows__item${u.disabled ? ' rows__item--disabled' : ''}`}>
                <span>
                  <strong>{u.name}</strong> <span className="muted">{u.email}</span>{' '}
                  <span className="badges">
                    {u.id === me.id && <span className="badge">you</span>}
                    {u.site_admin && <span className="badge">site admin</span>}
                    {u.disabled && <span className="badge badge--revoked">disabled</span>}
                    {u.two_factor ? <span className="badge badge--active">two-factor</span> : <span className="badge">no second factor</span>}
                  </span>
                  <br />
                  <span className="muted">created {formatDate(u.created_at)}</span>
                </span>
                <span className="rows__actions">
                {u.two_factor && u.id !== me.id && (
                  <ConfirmButton
                    label={
                      <>
                        Remove second factors<span className="visually-hidden"> of {u.email}</span>
                      </>
                    }
                    question={<>Remove every second factor of {u.name} ({u.email})? Do this only when they lost their phone and recovery codes and you have checked it is them; they sign in with the password and enrol again.</>}
                    confirmLabel={`Remove second factors of ${u.email}`}
                    onConfirm={() => resetTwoFactor(u)}
                  />
                )}{' '}
                {u.disabled ? (
                  <button type="button" className="button button--small" onClick={() => void setDisabled(u, false)}>
                    Re-enable<span className="visually-hidden"> {u.email}</span>
                  </button>
                ) : (
                  <ConfirmButton
                    label={
                      <>
                        Disable<span className="visually-hidden"> {u.email}</span>
                      </>
                    }
                    question={
                      <>
                        Disable {u.name} ({u.email})? Their sessions end and their API tokens are revoked at once; they cannot sign in until re-enabled.
                      </>
                    }
                    confirmLabel={`Disable ${u.email}`}
                    onConfirm={() => setDisabled(u, true)}
                  />
                )}
                </span>
                {u.id !== me.id && <UserTokens user={u} />}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

/** A user's API tokens, fetched when opened: the active ones with Revoke, and how many are revoked or expired. */
function UserTokens({ user }: { user: UserListItem }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="user-tokens" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        API tokens<span className="visually-hidden"> of {user.email}</span>
      </summary>
      {open && <UserTokenList user={user} />}
    </details>
  );
}

function UserTokenList({ user }: { user: UserListItem }) {
  const [tokens, reload] = useLoad(() => appApi.tokens(user.id), [user.id]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const revoke = async (t: TokenInfo) => {
    setMessage(null);
    try {
      await appApi.revokeToken(t.id);
      setMessage({ ok: true, text: `The token “${t.name}” of ${user.email} was revoked: it stops working at once. Their other tokens still work.` });
      reload();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  };
  if (tokens.state === 'loading') return <Loading what={`the tokens of ${user.email}`} />;
  if (tokens.state === 'error') return <ErrorMessage error={tokens.error} />;
  const now = Date.now();
  const live = tokens.data.tokens.filter((t) => isLiveToken(t, now));
  const gone = tokens.data.tokens.length - live.length;
  return (
    <>
      <OutcomeMessage outcome={message} />
      {live.length === 0 ? (
        <p>No active API token.</p>
      ) : (
        <ul className="card-list" aria-label={`Active tokens of ${user.email}`}>
          {live.map((t) => (
            <TokenCard key={t.id} token={t} now={now} owner={user.email} onRevoke={() => revoke(t)} />
          ))}
        </ul>
      )}
      {gone > 0 && <p className="muted">{gone} revoked or expired token{gone === 1 ? '' : 's'}.</p>}
    </>
  );
}

/** The site-wide switch: every user must have a second factor. Refused (and said why) while you have none yourself. */
function RequireTwoFactor() {
  const [settings, reload] = useLoad(() => appApi.siteSettings(), []);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  if (settings.state !== 'ready') return settings.state === 'error' ? <ErrorMessage error={settings.error} /> : null;
  const on = settings.data.require_two_factor;
  const toggle = async () => {
    setBusy(true);
    setMessage(null);
    try {
      await appApi.saveSiteSettings({ require_two_factor: !on });
      setMessage({ ok: true, text: on ? 'Two-factor authentication is no longer required.' : 'Every user now needs a second factor; those without one are asked to enrol when they next open a page.' });
      reload();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="site-two-factor" className="panel">
      <h2 id="site-two-factor">Two-factor authentication</h2>
      <p>
        {on ? 'Required of every user.' : 'Optional (projects may still require it of their members in their policy: access.require_two_factor).'}
        {' '}
        <button type="button" className="button button--small" disabled={busy} onClick={() => void toggle()}>
          {on ? 'Stop requiring it' : 'Require it of everyone'}
        </button>
      </p>
      <OutcomeMessage outcome={message} />
    </section>
  );
}
