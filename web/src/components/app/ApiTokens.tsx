import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError, type FieldProblem } from '../../api.ts';
import { appApi, type DashboardProject, type TokenCreated, type TokenInfo, type TokenScope } from '../../api-app.ts';
import { useLoad } from '../../hooks.ts';
import { formatDate } from '../../format.ts';
import { endOfDayUtc, expiryChoices } from '../../token-expiry.ts';
import { ErrorSummary, FieldError } from '../FieldErrors.tsx';
import { CopyButton } from '../CopyButton.tsx';
import { ErrorMessage, Loading, OutcomeMessage } from '../Status.tsx';
import { problemOf, TextField } from '../TextField.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';
import { TOKEN_SCOPES } from '../../../../src/core/access/permissions.ts';
import { TOKEN_DEFAULT_DAYS } from '../../../../src/core/access/tokens.ts';

/**
 * The account page's API tokens: create one (name, expiry date, optional projects, scopes), see its secret once,
 * list them (never a secret) and revoke with a confirmation. The server enforces every limit; the form offers the
 * same ones up front.
 */

/** What each scope lets a token do (core/access/permissions.ts SCOPE_OF), within its owner's role. */
const SCOPE_TEXT: Record<TokenScope, string> = {
  read: 'read reports, deadlines, advisories and scans',
  triage: 'triage and answer reports, add internal notes, edit advisories, run scans',
  publish: 'publish advisories',
  admin: 'change policies, members and keys, read audit trails, award bounties; on a site admin’s token without a project limit, also run the site',
};

const LABELS = { name: 'Name', expires_at: 'Expires on', projects: 'Projects', scopes: 'Scopes' };
const ID = { name: 'token-name', expires_at: 'token-expires', projects: 'token-projects', scopes: 'token-scopes' };
const idFor = (field: string) => (ID as Record<string, string>)[field] ?? ID.name;

export function ApiTokens({ projects }: { projects: DashboardProject[] }) {
  const [tokens, reload] = useLoad(() => appApi.tokens(), []);
  const [created, setCreated] = useState<{ name: string; token: TokenCreated } | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const revoke = async (t: TokenInfo) => {
    setMessage(null);
    try {
      await appApi.revokeToken(t.id);
      setMessage({ ok: true, text: `The token “${t.name}” was revoked: it stops working at once.` });
      reload();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  };
  const now = Date.now();
  const live = tokens.state === 'ready' ? tokens.data.tokens.filter((t) => isLiveToken(t, now)) : [];
  const gone = tokens.state === 'ready' ? tokens.data.tokens.filter((t) => !live.includes(t)) : [];
  return (
    <>
      <p>
        A token lets a script, a CI job or the <code>embargo</code> CLI use the API as you. It never exceeds your own role, and works only within the
        scopes and projects you give it, until it expires or you revoke it.
      </p>
      {created ? (
        <NewSecret name={created.name} created={created.token} onDone={() => setCreated(null)} />
      ) : (
        <NewTokenForm
          projects={projects}
          onCreated={(name, token) => {
            setMessage(null);
            setCreated({ name, token });
            reload();
          }}
        />
      )}
      <h3>Your tokens</h3>
      <OutcomeMessage outcome={message} />
      {tokens.state === 'loading' && <Loading what="your tokens" />}
      {tokens.state === 'error' && <ErrorMessage error={tokens.error} />}
      {tokens.state === 'ready' && (
        <>
          {live.length === 0 ? (
            <p>You have no active API token.</p>
          ) : (
            <ul className="card-list" aria-label="Active tokens">
              {live.map((t) => (
                <TokenCard key={t.id} token={t} now={now} onRevoke={() => revoke(t)} />
              ))}
            </ul>
          )}
          {gone.length > 0 && (
            <details className="gone-tokens">
              <summary>Revoked and expired tokens ({gone.length})</summary>
              <ul className="card-list" aria-label="Revoked and expired tokens">
                {gone.map((t) => (
                  <TokenCard key={t.id} token={t} now={now} onRevoke={() => revoke(t)} />
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </>
  );
}

/** Neither revoked nor expired at `now`. */
export const isLiveToken = (t: TokenInfo, now: number): boolean => !t.revoked_at && Date.parse(t.expires_at) > now;

/** One token: what it may do, when it was used, when it ends; revoked with a confirmation. `owner` names whose it is when it is not yours. */
export function TokenCard({ token: t, now, onRevoke, owner }: { token: TokenInfo; now: number; onRevoke: () => Promise<void>; owner?: string }) {
  const expired = Date.parse(t.expires_at) <= now;
  const whose = owner ? ` of ${owner}` : '';
  const state = t.revoked_at ? 'revoked' : expired ? 'expired' : 'active';
  return (
    <li className="card">
      <h4 className="card__title token__title">
        <span className="token__name">{t.name}</span> <span className={`badge badge--${state}`}>{state === 'revoked' ? 'Revoked' : expired ? 'Expired' : 'Active'}</span>
      </h4>
      <dl className="facts">
        <dt>Scopes</dt>
        <dd>{t.scopes.join(', ')}</dd>
        <dt>Projects</dt>
        <dd>{t.projects ? t.projects.join(', ') : owner ? 'All of theirs' : 'All of yours'}</dd>
        <dt>Created</dt>
        <dd>{formatDate(t.created_at)}</dd>
        <dt>Last used</dt>
        <dd>{t.last_used_at ? formatDate(t.last_used_at) : 'Never'}</dd>
        <dt>{expired ? 'Expired' : 'Expires'}</dt>
        <dd>{formatDate(t.expires_at)}</dd>
        {t.revoked_at && (
          <>
            <dt>Revoked</dt>
            <dd>{formatDate(t.revoked_at)}</dd>
          </>
        )}
      </dl>
      {!t.revoked_at && (
        <ConfirmButton
          label={
            <>
              Revoke<span className="visually-hidden"> the token “{t.name}”{whose}</span>
            </>
          }
          question={<>Revoke the token “{t.name}”{whose}? Anything using it is refused (401) from its next request. This cannot be undone.</>}
          confirmLabel={`Revoke “${t.name}”${whose}`}
          onConfirm={onRevoke}
        />
      )}
    </li>
  );
}

function NewTokenForm({ projects, onCreated }: { projects: DashboardProject[]; onCreated: (name: string, token: TokenCreated) => void }) {
  const choices = useMemo(() => expiryChoices(new Date()), []);
  const [name, setName] = useState('');
  const [expires, setExpires] = useState(choices.initial);
  const [limitTo, setLimitTo] = useState<string[]>([]);
  const [scopes, setScopes] = useState<TokenScope[]>(['read']);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const toggle = <T,>(list: T[], item: T, on: boolean) => (on ? [...list, item] : list.filter((x) => x !== item));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const expiresAt = endOfDayUtc(expires);
    const local: FieldProblem[] = [];
    if (!name.trim()) local.push({ field: 'name', message: 'is required' });
    // The server's own words for the same limits.
    if (!expiresAt) local.push({ field: 'expires_at', message: 'must be a date' });
    else if (expires < choices.min) local.push({ field: 'expires_at', message: 'must be in the future' });
    else if (expires > choices.max) local.push({ field: 'expires_at', message: 'must be at most a year ahead' });
    if (!scopes.length) local.push({ field: 'scopes', message: 'must name at least one scope' });
    setProblems(local);
    if (local.length || !expiresAt) return;
    setBusy(true);
    try {
      const ordered = TOKEN_SCOPES.filter((s) => scopes.includes(s));
      const token = await appApi.createToken({ name: name.trim(), expires_at: expiresAt, scopes: ordered, ...(limitTo.length ? { projects: limitTo } : {}) });
      onCreated(name.trim(), token);
    } catch (err) {
      if (err instanceof ApiError && err.problems.length) setProblems(err.problems);
      else setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  const scopesProblem = problemOf(problems, 'scopes');
  const projectsProblem = problemOf(problems, 'projects');
  return (
    <form className="form token-form" noValidate onSubmit={(e) => void submit(e)} aria-labelledby="new-token-heading">
      <h3 id="new-token-heading">Create a token</h3>
      <ErrorSummary problems={problems} labels={LABELS} idFor={idFor} subject="the new token" />
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <TextField id={ID.name} label={LABELS.name} value={name} onChange={setName} autoComplete="off" hint="What uses it, e.g. “CI scanner”: shown in the list below and in the audit log." problem={problemOf(problems, 'name')} />
      <TextField
        id={ID.expires_at}
        label={LABELS.expires_at}
        type="date"
        value={expires}
        onChange={setExpires}
        min={choices.min}
        max={choices.max}
        hint={`It stops working at the end of that day (UTC). Default: ${TOKEN_DEFAULT_DAYS} days from today; at most a year ahead.`}
        problem={problemOf(problems, 'expires_at')}
      />
      {projects.length > 0 && (
        <fieldset className={`checkboxes${projectsProblem ? ' field--invalid' : ''}`} id={ID.projects} aria-describedby={`token-projects-hint${projectsProblem ? ' token-projects-error' : ''}`}>
          <legend>Projects (optional)</legend>
          <p className="field__hint" id="token-projects-hint">
            Leave all unticked for every project of yours, including those you join later.
          </p>
          <FieldError id={ID.projects} problem={projectsProblem} label={LABELS.projects} />
          {projects.map((p) => (
            <div className="checkbox" key={p.slug}>
              <input id={`token-project-${p.slug}`} type="checkbox" checked={limitTo.includes(p.slug)} onChange={(e) => setLimitTo(toggle(limitTo, p.slug, e.target.checked))} />
              <label htmlFor={`token-project-${p.slug}`}>
                {p.name} <span className="muted">({p.slug}, you are {p.role})</span>
              </label>
            </div>
          ))}
        </fieldset>
      )}
      <fieldset className={`checkboxes${scopesProblem ? ' field--invalid' : ''}`} id={ID.scopes} aria-describedby={`token-scopes-hint${scopesProblem ? ' token-scopes-error' : ''}`}>
        <legend>Scopes</legend>
        <p className="field__hint" id="token-scopes-hint">
          Tick only what it needs. Whatever you tick, it can do no more than your role on each project allows.
        </p>
        <FieldError id={ID.scopes} problem={scopesProblem} label={LABELS.scopes} />
        {TOKEN_SCOPES.map((s) => (
          <div className="checkbox" key={s}>
            <input id={`token-scope-${s}`} type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes(toggle(scopes, s, e.target.checked))} />
            <label htmlFor={`token-scope-${s}`}>
              <strong>{s}</strong>: {SCOPE_TEXT[s]}
            </label>
          </div>
        ))}
      </fieldset>
      <button type="submit" className="button button--primary" disabled={busy}>
        Create token
      </button>
    </form>
  );
}

/** The secret, once: copy it now, with what it can do and what to do if it leaks. */
function NewSecret({ name, created, onDone }: { name: string; created: TokenCreated; onDone: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), []);
  return (
    <div className="notice notice--warning" role="note" aria-labelledby="new-token-title" tabIndex={-1} ref={box}>
      <h3 id="new-token-title">Copy your new token “{name}” now</h3>
      <p>
        <strong>It is shown only this once.</strong> Embargo keeps only a hash of it and cannot show it again: store it where the program that uses it
        keeps its secrets (a CI secret, a password manager). If it is lost, revoke it and create another.
      </p>
      <p>
        Anyone who has it acts as you, within its scopes, until {formatDate(created.expires_at)}. Never paste it into a report, a chat or a repository.
      </p>
      <div className="field">
        <label htmlFor="new-token-secret">Your new token</label>
        <textarea id="new-token-secret" className="private-link" readOnly rows={2} value={created.token} onFocus={(e) => e.currentTarget.select()} />
      </div>
      <p>
        <CopyButton text={created.token} what="token" />
      </p>
      <p className="field__hint">
        Send it as <code>Authorization: Bearer …</code>, or set it as <code>EMBARGO_TOKEN</code> for the <code>embargo</code> CLI.
      </p>
      <p>
        <button type="button" className="button button--primary" onClick={onDone}>
          I have stored it: hide the token
        </button>
      </p>
    </div>
  );
}
