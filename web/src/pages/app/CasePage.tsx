import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, type IntakeLimits } from '../../api.ts';
import { coordinationApi, VEX_JUSTIFICATIONS, type Case, type CaseMessage, type StatusInput, type VexJustification } from '../../api-coordination.ts';
import { useLoad, useTitle } from '../../hooks.ts';
import { PageLoadError, Loading, OutcomeMessage, type Outcome } from '../../components/Status.tsx';
import { MaintainerLayout } from '../../components/app/MaintainerLayout.tsx';
import { useNow } from '../../components/app/Countdown.tsx';
import { PartyTable } from '../../components/app/CaseParties.tsx';
import { formatBytes, formatRemaining } from '../../format.ts';
import { FilePicker, filesProblem } from '../../components/FilePicker.tsx';
import { UI_ROUTES } from '../../../../src/core/ui-paths.ts';

/** The party pages' navigation: a party has no queue, only its cases. */
export const PARTY_NAV = [{ to: UI_ROUTES.cases, label: 'My cases' }];

const problemText = (err: unknown) =>
  err instanceof ApiError && err.problems.length ? err.problems.map((p) => `${p.field} ${p.message}`).join('; ') : err instanceof Error ? err.message : String(err);

/**
 * One case as its parties (and maintainers) see it (issue 19): the shared embargo in UTC and in the viewer's own
 * time zone with a countdown, the party's statuses per product (VEX vocabulary), the parties, and the party thread
 * with the viewer's unread marker.
 */
export function CasePage({ caseId }: { caseId: string }) {
  useTitle('Case');
  return <MaintainerLayout nav={PARTY_NAV}>{() => <CaseView caseId={caseId} />}</MaintainerLayout>;
}

function CaseView({ caseId }: { caseId: string }) {
  const [loaded, reload] = useLoad(() => Promise.all([coordinationApi.case(caseId), api.intakeLimits()]), [caseId]);
  useTitle(loaded.state === 'ready' ? `Case ${loaded.data[0].tracking_id}` : 'Case');
  if (loaded.state === 'loading') return <Loading what="the case" />;
  if (loaded.state === 'error') return <PageLoadError heading="Case" error={loaded.error} title="The case could not be loaded" />;
  const [c, limits] = loaded.data;
  const own = c.parties.find((p) => p.id === c.viewer.party_id);
  return (
    <article className="case">
      <p className="muted">
        {c.project.name} · {c.tracking_id} · you are {c.viewer.kind === 'party' ? `a party (${c.viewer.role})` : `a maintainer (${c.viewer.role})`}
      </p>
      <h1>{c.title}</h1>
      <Embargo c={c} onAsked={reload} />
      <Reporter c={c} />
      {c.viewer.kind === 'party' && (
        <section aria-labelledby="case-status">
          <h2 id="case-status">Your status</h2>
          {own && own.statuses && own.statuses.length > 0 ? <PartyTable parties={[own]} /> : <p className="status status--unknown">Unknown: you have not answered yet.</p>}
          <StatusForm c={c} onSaved={reload} />
        </section>
      )}
      <section aria-labelledby="case-parties">
        <h2 id="case-parties">Parties</h2>
        {c.parties.length === 0 ? <p className="muted">No parties.</p> : <PartyTable parties={c.parties} />}
      </section>
      <CaseThread c={c} limits={limits} onPosted={reload} />
    </article>
  );
}

function Embargo({ c, onAsked }: { c: Case; onAsked: () => void }) {
  const now = useNow();
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const [until, setUntil] = useState('');
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<Outcome>(null);
  const ask = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await coordinationApi.askExtension(c.id, until, reason);
      setOutcome({ ok: true, text: 'Your request was sent to the maintainers.' });
      setReason('');
      onAsked();
    } catch (err) {
      setOutcome({ ok: false, text: problemText(err) });
    }
  };
  const at = c.embargo_until ? new Date(c.embargo_until) : null;
  const fmt = (timeZone: string) => (at ? new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone }).format(at) : '');
  return (
    <section aria-labelledby="case-embargo" className="case__embargo">
      <h2 id="case-embargo">Embargo</h2>
      {at ? (
        <dl className="facts">
          <dt>UTC</dt>
          <dd data-testid="embargo-utc">{fmt('UTC')} UTC</dd>
          <dt>Your time ({zone})</dt>
          <dd data-testid="embargo-local">{fmt(zone)}</dd>
          <dt>Countdown</dt>
          <dd data-testid="embargo-countdown">{at.getTime() > now ? formatRemaining(at.getTime() - now) : 'ended: the case may be published'}</dd>
        </dl>
      ) : (
        <p>No embargo date is agreed yet; you will be mailed when one is set or moved.</p>
      )}
      {c.extension_requests.length > 0 && (
        <ul className="plain">
          {c.extension_requests.map((r) => (
            <li key={r.id}>
              Extension to {new Date(r.requested_until).toUTCString()} — <strong>{r.state}</strong>: {r.reason}
              {c.viewer.kind === 'maintainer' && r.state === 'pending' && (
                <span className="actions">
                  {' '}
                  <button type="button" className="button" onClick={() => void coordinationApi.decideExtension(c.id, r.id, 'granted').then(onAsked)}>
                    Granted (after moving the embargo on the report)
                  </button>{' '}
                  <button type="button" className="button" onClick={() => void coordinationApi.decideExtension(c.id, r.id, 'declined').then(onAsked)}>
                    Declined
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {c.viewer.kind === 'party' && (
        <form className="form" onSubmit={(e) => void ask(e)}>
          <h3>Ask for an extension</h3>
          <div className="field">
            <label htmlFor="ext-until">New date (UTC, YYYY-MM-DD)</label>
            <input id="ext-until" value={until} onChange={(e) => setUntil(e.target.value)} placeholder="2026-07-31" />
          </div>
          <div className="field">
            <label htmlFor="ext-reason">Reason</label>
            <textarea id="ext-reason" value={reason} onChange={(e) => setReason(e.target.value)} rows={2} />
          </div>
          <OutcomeMessage outcome={outcome} />
          <button type="submit" className="button">
            Ask for an extension
          </button>
        </form>
      )}
    </section>
  );
}

function StatusForm({ c, onSaved }: { c: Case; onSaved: () => void }) {
  const [vulnerability, setVulnerability] = useState(c.vulnerabilities[0] ?? c.tracking_id);
  const [product, setProduct] = useState('');
  const [versions, setVersions] = useState('');
  const [status, setStatus] = useState<StatusInput['status']>('under_investigation');
  const [justification, setJustification] = useState<VexJustification>('component_not_present');
  const [fixed, setFixed] = useState('');
  const [statement, setStatement] = useState('');
  const [outcome, setOutcome] = useState<Outcome>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await coordinationApi.setStatus(c.id, {
        vulnerability,
        product: product.trim(),
        versions: versions.trim() || null,
        status,
        justification: status === 'not_affected' ? justification : null,
        fixed_versions: status === 'fixed' ? fixed.trim() : null,
        statement: statement.trim() || null,
      });
      setOutcome({ ok: true, text: `Saved: ${product.trim()} is ${status.replace(/_/g, ' ')}.` });
      onSaved();
    } catch (err) {
      setOutcome({ ok: false, text: problemText(err) });
    }
  };
  return (
    <form className="form" onSubmit={(e) => void save(e)}>
      <h3>State your status</h3>
      <div className="field">
        <label htmlFor="st-vuln">Vulnerability</label>
        <select id="st-vuln" value={vulnerability} onChange={(e) => setVulnerability(e.target.value)}>
          {c.vulnerabilities.map((v) => (
            <option key={v}>{v}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="st-product">Product (purl such as pkg:npm/name, or a product name)</label>
        <input id="st-product" value={product} onChange={(e) => setProduct(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="st-versions">Versions (optional, e.g. &gt;=3.0 &lt;3.4)</label>
        <input id="st-versions" value={versions} onChange={(e) => setVersions(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="st-status">Status</label>
        <select id="st-status" value={status} onChange={(e) => setStatus(e.target.value as StatusInput['status'])}>
          <option value="under_investigation">under investigation</option>
          <option value="affected">affected</option>
          <option value="not_affected">not affected</option>
          <option value="fixed">fixed</option>
        </select>
      </div>
      {status === 'not_affected' && (
        <div className="field">
          <label htmlFor="st-just">Justification</label>
          <select id="st-just" value={justification} onChange={(e) => setJustification(e.target.value as VexJustification)}>
            {VEX_JUSTIFICATIONS.map((j) => (
              <option key={j} value={j}>
                {j.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </div>
      )}
      {status === 'fixed' && (
        <div className="field">
          <label htmlFor="st-fixed">Fixed in versions</label>
          <input id="st-fixed" value={fixed} onChange={(e) => setFixed(e.target.value)} />
        </div>
      )}
      <div className="field">
        <label htmlFor="st-statement">Statement (private to the maintainers until the advisory is published)</label>
        <textarea id="st-statement" value={statement} onChange={(e) => setStatement(e.target.value)} rows={3} />
      </div>
      <OutcomeMessage outcome={outcome} />
      <button type="submit" className="button button--primary">
        Save status
      </button>
    </form>
  );
}

/** Who reported: only with the reporter's consent (given on their own page); otherwise parties are told it is not shared. */
function Reporter({ c }: { c: Case }) {
  if (c.viewer.kind === 'party' && !c.reporter) return null;
  return (
    <section aria-labelledby="case-reporter">
      <h2 id="case-reporter">Reporter</h2>
      {c.reporter ? (
        <p data-testid="case-reporter">
          {c.reporter.name ?? 'No name given'}
          {c.reporter.email && <> · {c.reporter.email}</>}
          {c.viewer.kind === 'maintainer' && <span className="muted"> (the reporter agreed that parties see this)</span>}
        </p>
      ) : (
        <p className="muted">The reporter has not agreed to show parties who they are; parties do not see it.</p>
      )}
    </section>
  );
}

function CaseThread({ c, limits, onPosted }: { c: Case; limits: IntakeLimits; onPosted: () => void }) {
  const [older, setOlder] = useState<CaseMessage[]>([]);
  const [hasOlder, setHasOlder] = useState(c.has_older_messages);
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const messages = [...older, ...c.messages];
  // What was unread when the page opened keeps its marker while the page is shown; the server's marker moves on.
  // Every reader has a marker of its own (a party's, each maintainer's); one's own messages are never unread.
  const [firstUnread] = useState(() => c.messages.find((m) => m.seq > c.last_read_seq && (c.viewer.kind === 'maintainer' || m.party_id !== c.viewer.party_id))?.seq ?? null);
  const newest = c.messages[c.messages.length - 1]?.seq;
  useEffect(() => {
    if (newest !== undefined && newest > c.last_read_seq) void coordinationApi.markRead(c.id, newest);
  }, [c.id, newest, c.last_read_seq]);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    const local = filesProblem(files, limits);
    setFileError(local);
    if (local) return;
    try {
      await coordinationApi.post(c.id, body, files);
      setBody('');
      setFiles([]);
      setError(null);
      onPosted();
    } catch (err) {
      if (err instanceof ApiError && err.problems.some((p) => p.field.startsWith('attachments'))) setFileError(err.problems.map((p) => p.message).join('; '));
      else if (err instanceof ApiError && err.code === 'payload_too_large') setFileError(`The server refused the files: ${err.message}`);
      else setError(problemText(err));
    }
  };
  const loadOlder = async () => {
    const first = messages[0]?.seq;
    if (first === undefined) return;
    const page = await coordinationApi.older(c.id, first);
    setOlder([...page.messages, ...older]);
    setHasOlder(page.has_older_messages);
  };
  return (
    <section aria-labelledby="case-thread">
      <h2 id="case-thread">
        Party thread {c.unread > 0 && <span className="badge" data-testid="unread">{c.unread} unread</span>}
      </h2>
      <p className="muted">Every party and the maintainers read this thread; the reporter does not.</p>
      {hasOlder && (
        <button type="button" className="button" onClick={() => void loadOlder()}>
          Show older messages
        </button>
      )}
      {messages.length === 0 ? (
        <p className="muted">No messages yet.</p>
      ) : (
        <ol className="thread">
          {messages.map((m) => (
            <li key={m.id} className="message">
              {m.seq === firstUnread && <p className="thread__new">New since your last visit</p>}
              <p className="muted">
                <strong>{m.author_name}</strong> · {new Date(m.created_at).toUTCString()}
              </p>
              <p className="message__body">{m.body}</p>
              {m.attachments.length > 0 && (
                <ul className="attachments">
                  {m.attachments.map((a) => (
                    <li key={a.id}>
                      <a href={coordinationApi.attachmentUrl(c.id, a.id)} download={a.filename}>
                        {a.filename}
                      </a>{' '}
                      <span className="muted">({formatBytes(a.size)})</span>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
      <form className="form" onSubmit={(e) => void send(e)}>
        <div className="field">
          <label htmlFor="case-message">Message to every party and the maintainers</label>
          <textarea id="case-message" value={body} onChange={(e) => setBody(e.target.value)} rows={3} />
        </div>
        <FilePicker id="case-attachments" label="Files (optional; every party and the maintainers can download them)" files={files} onChange={setFiles} limits={limits} error={fileError} />
        {error && (
          <p className="notice notice--error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button">
          Send to the case
        </button>
      </form>
    </section>
  );
}
