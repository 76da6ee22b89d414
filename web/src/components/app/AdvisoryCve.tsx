import { useState } from 'react';
import { ApiError } from '../../api.ts';
import { appApi, type AdvisoryCve as AdvisoryCveData, type CvePublication, type ProjectRole } from '../../api-app.ts';
import { useLoad } from '../../hooks.ts';
import { formatDate } from '../../format.ts';
import { ErrorMessage, Loading, OutcomeMessage } from '../Status.tsx';
import { can } from '../../../../src/core/access/permissions.ts';
import type { AdvisoryState } from '../../../../src/core/advisories/types.ts';

/**
 * The CVE section of an advisory (issue 20, docs/cve.md). A project that is a CNA reserves an ID here and sees its
 * record's publication at CVE Services: pending, retrying (with CVE Services' error and the next try), published or
 * failed. A project that is not gets the request for its CNA of last resort, prefilled, and marks it sent.
 */
const STATUS_TEXT: Record<CvePublication['status'], string> = {
  pending: 'pending',
  retrying: 'retrying',
  sending: 'sending',
  published: 'published',
  failed: 'failed',
};
const ACTION_TEXT: Record<CvePublication['action'], string> = { publish: 'Publish the record', update: 'Update the record', reject: 'Reject the ID' };

/** `onAdvisoryChanged`: the advisory itself changed (a reserved ID was written into it); the page reloads it and shows the text. */
export function AdvisoryCve({ slug, id, role, state, revision, onAdvisoryChanged }: { slug: string; id: string; role: ProjectRole | null; state: AdvisoryState; revision: number; onAdvisoryChanged: (text: string) => void }) {
  const [data, reload] = useLoad(() => appApi.advisoryCve(slug, id), [slug, id, revision]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (done: string, fn: () => Promise<AdvisoryCveData>, reloadAdvisory = false) => {
    setBusy(true);
    setMessage(null);
    try {
      await fn();
      if (reloadAdvisory) return onAdvisoryChanged(done);
      setMessage({ ok: true, text: done });
      reload();
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError && e.problems.length ? e.problems.map((p) => `${p.field}: ${p.message}`).join('; ') : e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="cve-section" aria-labelledby="cve-h">
      <h2 id="cve-h">CVE</h2>
      <OutcomeMessage outcome={message} />
      {data.state === 'loading' && <Loading what="the CVE status" />}
      {data.state === 'error' && <ErrorMessage error={data.error} />}
      {data.state === 'ready' && <CveBody slug={slug} id={id} role={role} state={state} cve={data.data} busy={busy} run={run} reload={reload} />}
    </section>
  );
}

interface BodyProps {
  slug: string;
  id: string;
  role: ProjectRole | null;
  state: AdvisoryState;
  cve: AdvisoryCveData;
  busy: boolean;
  run: (done: string, fn: () => Promise<AdvisoryCveData>, reloadAdvisory?: boolean) => Promise<void>;
  reload: () => void;
}

function CveBody({ slug, id, role, state, cve, busy, run, reload }: BodyProps) {
  const mayReserve = can(role, 'cve:reserve') && can(role, 'advisory:edit') && (state === 'draft' || state === 'in-review');
  return (
    <>
      <dl className="facts">
        <dt>CVE ID</dt>
        <dd>{cve.cve_id ? <code>{cve.cve_id}</code> : 'none yet'}</dd>
        {cve.reserved && (
          <>
            <dt>Reserved</dt>
            <dd>
              {formatDate(cve.reserved.reserved_at)} by {cve.reserved.reserved_by_name ?? cve.reserved.reserved_by} · at CVE Services: {cve.reserved.state.toLowerCase()}
            </dd>
          </>
        )}
      </dl>
      {cve.is_cna && !cve.cve_id && mayReserve && (
        <p>
          <button type="button" className="button" disabled={busy} onClick={() => void run('A CVE ID was reserved and written into the advisory.', () => appApi.reserveCve(slug, id), true)}>
            Reserve a CVE ID
          </button>{' '}
          <span className="muted">From your CNA’s quota at CVE Services; the record is published when the advisory is.</span>
        </p>
      )}
      {cve.is_cna && cve.cve_id && cve.publications.length === 0 && <p className="muted">The CVE record is published through CVE Services when this advisory is published (after its embargo).</p>}
      {cve.publications.length > 0 && <Publications slug={slug} id={id} role={role} items={cve.publications} busy={busy} run={run} reload={reload} />}
      {cve.request && <LastResort slug={slug} id={id} role={role} request={cve.request} hasId={Boolean(cve.cve_id)} busy={busy} run={run} />}
    </>
  );
}

function Publications({ slug, id, role, items, busy, run, reload }: { slug: string; id: string; role: ProjectRole | null; items: CvePublication[]; busy: boolean; run: BodyProps['run']; reload: () => void }) {
  const latest = items[0];
  const mayRetry = can(role, 'advisory:publish') && latest && (latest.status === 'failed' || latest.status === 'retrying');
  return (
    <>
      <h3>Publication at CVE Services</h3>
      <ul className="card-list" aria-label="CVE publications">
        {items.map((p) => (
          <li key={p.id} className="card">
            <p className="card__title">
              {ACTION_TEXT[p.action]}: <span className={`badge badge--${p.status}`}>{STATUS_TEXT[p.status]}</span>
            </p>
            <dl className="facts">
              <dt>Queued</dt>
              <dd>{formatDate(p.created_at)}</dd>
              <dt>Attempts</dt>
              <dd>{p.attempts}</dd>
              {p.last_error && (
                <>
                  <dt>Last error</dt>
                  <dd className="cve-error">{p.last_error}</dd>
                </>
              )}
              {p.next_attempt_at && (
                <>
                  <dt>Next try</dt>
                  <dd>{formatDate(p.next_attempt_at)}</dd>
                </>
              )}
              {p.done_at && (
                <>
                  <dt>{p.status === 'published' ? 'Done' : 'Given up'}</dt>
                  <dd>{formatDate(p.done_at)}</dd>
                </>
              )}
            </dl>
          </li>
        ))}
      </ul>
      <p className="inline-form">
        <button type="button" className="button button--small" onClick={reload}>
          Refresh status
        </button>
        {mayRetry && (
          <button type="button" className="button button--small" disabled={busy} onClick={() => void run('Queued again: it is sent within a few seconds.', () => appApi.retryCve(slug, id))}>
            Retry now
          </button>
        )}
      </p>
    </>
  );
}

function LastResort({ slug, id, role, request, hasId, busy, run }: { slug: string; id: string; role: ProjectRole | null; request: NonNullable<AdvisoryCveData['request']>; hasId: boolean; busy: boolean; run: BodyProps['run'] }) {
  const [copied, setCopied] = useState(false);
  const mayMark = can(role, 'advisory:edit');
  const copy = async () => {
    await navigator.clipboard?.writeText(request.text).catch(() => undefined);
    setCopied(true);
  };
  return (
    <>
      <h3>Request an ID from your CNA of last resort</h3>
      <p>
        This project is not a CVE Numbering Authority here. Ask {request.cna} through its form at{' '}
        <a href={request.form_url} rel="noreferrer noopener" target="_blank">
          {request.form_url}
        </a>{' '}
        with the text below (paste field by field), then write the ID you get into the advisory. A project admin who is a CNA sets CVE Services credentials in the project settings
        instead.
      </p>
      <ol className="steps" aria-label="CVE request steps">
        <li className={request.requested_at ? 'steps__done' : ''}>{request.requested_at ? `Requested ${formatDate(request.requested_at)} by ${request.requested_by ?? 'someone'}` : 'Send the request'}</li>
        <li className={hasId ? 'steps__done' : ''}>{hasId ? 'The ID is in the advisory' : 'Write the ID into the advisory'}</li>
      </ol>
      <details>
        <summary>Form fields</summary>
        <dl className="facts cve-request">
          {request.fields.map((f) => (
            <div key={f.label}>
              <dt>{f.label}</dt>
              <dd>
                <pre className="cve-request__value">{f.value}</pre>
              </dd>
            </div>
          ))}
        </dl>
      </details>
      <h4 id="cve-request-text-h">Request text</h4>
      {/* Text to copy, not a field: nothing here is edited in Embargo. */}
      <pre className="export__json cve-request__text" tabIndex={0} aria-labelledby="cve-request-text-h">
        {request.text}
      </pre>
      <p className="inline-form">
        <button type="button" className="button button--small" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy the text'}
        </button>
        {mayMark && !request.requested_at && (
          <button type="button" className="button button--small" disabled={busy} onClick={() => void run('Marked as requested.', () => appApi.markCveRequested(slug, id, true))}>
            Mark as requested
          </button>
        )}
        {mayMark && request.requested_at && !hasId && (
          <button type="button" className="button button--small" disabled={busy} onClick={() => void run('The request step was cleared.', () => appApi.markCveRequested(slug, id, false))}>
            Not requested after all
          </button>
        )}
      </p>
    </>
  );
}
