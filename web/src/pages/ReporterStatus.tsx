import { Fragment, useState, type FormEvent } from 'react';
import { api, ApiError, type Deadline, type IntakeLimits, type ReporterView, type ThreadAttachment } from '../api.ts';
import { FilePicker, filesProblem } from '../components/FilePicker.tsx';
import { TableWrap } from '../components/TableWrap.tsx';
import { ProjectLayout } from '../components/PublicLayout.tsx';
import { ErrorMessage, Loading } from '../components/Status.tsx';
import { TableHead } from '../components/TableHead.tsx';
import { formatBytes, formatDate, formatRemaining, humanize } from '../format.ts';
import { useLoad, useTitle } from '../hooks.ts';
import { useLocation } from '../router.tsx';
import { coordinationApi } from '../api-coordination.ts';

/**
 * `/p/:slug/status#<token>`: the reporter's private page. The token travels in the fragment, so it never reaches
 * a server log or a Referer header; the page sends it only to the reporter API.
 */
export function ReporterStatus({ slug }: { slug: string }) {
  const token = useLocation().hash.replace(/^#/, '');
  const [data, reload] = useLoad(() => (token ? Promise.all([api.reporterView(token), api.intakeLimits()]) : Promise.reject(new Error('no token'))), [token]);
  useTitle(data.state === 'ready' ? `${data.data[0].tracking_id} status` : 'Report status');
  return (
    <ProjectLayout slug={slug}>
      {!token && (
        <>
          <h1>Report status</h1>
          <p>This page needs the private link you received when you sent your report (it ends with a long code after #).</p>
        </>
      )}
      {token && data.state === 'loading' && <Loading what="your report" />}
      {token && data.state === 'error' && (
        <>
          <h1>Report status</h1>
          {/* A cut-short link fails the token's format (400); a whole one that matches nothing is a 404: the same words. */}
          {data.error instanceof ApiError && (data.error.status === 404 || data.error.status === 400) ? (
            <div className="notice notice--error" role="alert">
              <p>No report matches this link. Check that you copied the whole link.</p>
            </div>
          ) : (
            <ErrorMessage error={data.error} title="Your report could not be loaded" />
          )}
        </>
      )}
      {token && data.state === 'ready' && <StatusView token={token} view={data.data[0]} limits={data.data[1]} onChange={reload} />}
    </ProjectLayout>
  );
}

const STATUS_TEXT: Record<string, string> = { pending: 'Open', met: 'Done', breached: 'Overdue', paused: 'Paused' };

function DeadlineRow({ d }: { d: Deadline }) {
  return (
    <tr>
      <th scope="row">{d.promise}</th>
      {/* One child per cell: a stacked cell on a phone is a grid of its label and its content. */}
      <td data-label="Due">
        <span>
          <time dateTime={d.due_at}>{formatDate(d.due_at)}</time>
          {d.remaining_ms !== null && d.status !== 'met' && <span className="muted"> ({formatRemaining(d.remaining_ms)})</span>}
        </span>
      </td>
      <td data-label="Status">
        <span>
          <span className={`badge badge--deadline-${d.status}`}>{STATUS_TEXT[d.status] ?? humanize(d.status)}</span>
          {d.met_at && (
            <>
              {' '}
              <time className="muted" dateTime={d.met_at}>
                {formatDate(d.met_at)}
              </time>
            </>
          )}
        </span>
      </td>
    </tr>
  );
}

function Files({ token, files }: { token: string; files: ThreadAttachment[] }) {
  if (!files.length) return null;
  return (
    <ul className="attachments">
      {files.map((a) => (
        <li key={a.id}>
          <a href={api.reporterAttachmentUrl(token, a.id)} download={a.filename}>
            {a.filename}
          </a>{' '}
          <span className="muted">({formatBytes(a.size)})</span>
        </li>
      ))}
    </ul>
  );
}

function StatusView({ token, view, limits, onChange }: { token: string; view: ReporterView; limits: IntakeLimits; onChange: () => void }) {
  const original = view.attachments.filter((a) => !a.message_id);
  const body = view.body;
  const details: [string, string | null][] = [
    ['Steps to reproduce', body.steps_to_reproduce],
    ['Impact', body.impact],
    ['Environment', body.environment],
    ['Proof of concept', body.proof_of_concept],
    ['Suggested fix', body.suggested_fix],
  ];
  return (
    <>
      <h1>
        <span className="tracking-id">{view.tracking_id}</span>: {view.title}
      </h1>
      <dl className="facts">
        <dt>Project</dt>
        <dd>{view.project.name}</dd>
        <dt>Status</dt>
        <dd>
          <span className={`badge badge--state-${view.state}`}>{humanize(view.state)}</span>
          {view.rejection_reason === 'wont-fix' ? ' (confirmed, but it will not be fixed)' : view.rejection_reason ? ` (${humanize(view.rejection_reason)})` : ''}
        </dd>
        {view.severity && (
          <>
            <dt>Severity</dt>
            <dd>{humanize(view.severity)}</dd>
          </>
        )}
        <dt>Sent</dt>
        <dd>
          <time dateTime={view.created_at}>{formatDate(view.created_at)}</time>
        </dd>
        {view.affected_version && (
          <>
            <dt>Affected version</dt>
            <dd>{view.affected_version}</dd>
          </>
        )}
        {[view.cvss.v4, view.cvss.v3].map(
          (c) =>
            c && (
              <Fragment key={c.vector}>
                <dt>CVSS</dt>
                <dd>
                  {c.score.toFixed(1)} ({humanize(c.severity)}) <code className="vector">{c.vector}</code>
                </dd>
              </Fragment>
            ),
        )}
        {view.advisory && (
          <>
            <dt>Advisory</dt>
            <dd>
              <a href={view.advisory.url}>
                {view.advisory.id}: {view.advisory.title}
              </a>
            </dd>
          </>
        )}
      </dl>
      <p className="notice notice--warning">Keep this page&apos;s address private: anyone with it can read your report.</p>

      <section aria-labelledby="owed">
        <h2 id="owed">What the team promised you</h2>
        {view.deadlines.length === 0 ? (
          <p>No deadline is open.</p>
        ) : (
          <TableWrap label="What the team promised you" stack>
            <table>
              <TableHead columns={['Promise', 'Due', 'Status']} />
              <tbody>
                {view.deadlines.map((d) => (
                  <DeadlineRow key={d.clock} d={d} />
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>

      <section aria-labelledby="thread">
        <h2 id="thread">Conversation</h2>
        {view.messages.length === 0 ? (
          <p>No messages yet. The team answers here; you can add information below at any time.</p>
        ) : (
          <ol className="thread">
            {view.messages.map((m) => (
              <li key={m.id} className={`message message--${m.author}`}>
                <article aria-label={`Message from ${m.author === 'reporter' ? 'you' : (m.author_name ?? 'the security team')}`}>
                  <header className="message__meta">
                    <strong>{m.author === 'reporter' ? 'You' : (m.author_name ?? 'Security team')}</strong>{' '}
                    <time dateTime={m.created_at}>{formatDate(m.created_at)}</time>
                  </header>
                  <p className="message__body">{m.body}</p>
                  <Files token={token} files={view.attachments.filter((a) => a.message_id === m.id)} />
                </article>
              </li>
            ))}
          </ol>
        )}
        <ReplyForm token={token} limits={limits} onSent={onChange} />
      </section>

      <section aria-labelledby="yours">
        <h2 id="yours">Your report</h2>
        <h3>Description</h3>
        <p className="message__body">{body.description}</p>
        {details
          .filter((d): d is [string, string] => !!d[1])
          .map(([label, value]) => (
            <div key={label}>
              <h3>{label}</h3>
              <p className="message__body">{value}</p>
            </div>
          ))}
        {original.length > 0 && (
          <>
            <h3>Files you sent</h3>
            <Files token={token} files={original} />
          </>
        )}
      </section>
      <ShareIdentity token={token} />
    </>
  );
}

/**
 * The reporter's consent that the organisations coordinating the fix (the case's parties) see their name and
 * address. Without it they never do; it can be withdrawn until a party was first shown it.
 */
function ShareIdentity({ token }: { token: string }) {
  const [loaded, reload] = useLoad(() => coordinationApi.identitySharing(token), [token]);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (loaded.state !== 'ready') return null;
  const s = loaded.data;
  const set = async (consent: boolean) => {
    setBusy(true);
    try {
      await coordinationApi.setIdentityConsent(token, consent);
      setProblem(null);
      reload();
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="identity">
      <h2 id="identity">Your name and the coordinating parties</h2>
      <p>
        The project may invite other organisations (vendors, upstreams, distributions) to coordinate the fix ({s.parties === 0 ? 'none so far' : `${s.parties} so far`}). They see
        the report&apos;s title, never your name or address unless you agree here.
      </p>
      <p role="status" data-testid="identity-state">
        {s.shared ? 'You agreed, and the parties have been shown your name and address.' : s.consent ? 'You agreed: parties will see your name and address.' : 'Parties do not see your name or address.'}
      </p>
      {problem && (
        <p className="notice notice--error" role="alert">
          {problem}
        </p>
      )}
      {!s.consent && (
        <button type="button" className="button" disabled={busy} onClick={() => void set(true)}>
          Let the parties see my name and address
        </button>
      )}
      {s.consent && !s.shared && (
        <button type="button" className="button" disabled={busy} onClick={() => void set(false)}>
          Withdraw: parties must not see my name and address
        </button>
      )}
    </section>
  );
}

function ReplyForm({ token, limits, onSent }: { token: string; limits: IntakeLimits; onSent: () => void }) {
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [sending, setSending] = useState(false);

  async function send(e: FormEvent) {
    e.preventDefault();
    setStatus('');
    const local = filesProblem(files, limits);
    setFileError(local);
    if (!body.trim()) setProblem('Message is required');
    else setProblem(null);
    if (local || !body.trim()) return;
    setSending(true);
    try {
      await api.reporterMessage(token, body, files);
      setBody('');
      setFiles([]);
      setStatus('Message sent.');
      onSent();
    } catch (err) {
      if (err instanceof ApiError && err.problems.length) {
        setProblem(err.problems.filter((p) => p.field === 'body').map((p) => `Message ${p.message}`).join('; ') || null);
        setFileError(err.problems.filter((p) => p.field.startsWith('attachments')).map((p) => p.message).join('; ') || null);
      } else if (err instanceof ApiError && err.code === 'payload_too_large') setFileError(`The server refused the files: ${err.message}`);
      else setProblem(err instanceof Error ? err.message : String(err));
    } finally {
      setSending(false);
    }
  }

  return (
    <form className="form" noValidate onSubmit={send} aria-labelledby="reply-title">
      <h3 id="reply-title">Add a message or a file</h3>
      <div className={`field${problem ? ' field--invalid' : ''}`}>
        <label htmlFor="reply-body">Message (required)</label>
        {problem && (
          <p className="field__error" id="reply-body-error" role="alert">
            <span className="visually-hidden">Error: </span>
            {problem}
          </p>
        )}
        <textarea
          id="reply-body"
          rows={5}
          required
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? 'reply-body-error' : undefined}
        />
      </div>
      <FilePicker id="reply-attachments" label="Files (optional)" files={files} onChange={setFiles} limits={limits} error={fileError} />
      <p>
        <button type="submit" className="button button--primary" disabled={sending}>
          {sending ? 'Sending…' : 'Send message'}
        </button>{' '}
        <span role="status">{status}</span>
      </p>
    </form>
  );
}
