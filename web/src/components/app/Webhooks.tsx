import { useState, type FormEvent } from 'react';
import { ApiError, type FieldProblem } from '../../api.ts';
import { appApi, type Delivery, type EventType, type Webhook, type WebhookFormat } from '../../api-app.ts';
import { useLoad } from '../../hooks.ts';
import { formatDate } from '../../format.ts';
import { ErrorSummary, FieldError } from '../FieldErrors.tsx';
import { ErrorMessage, Loading, OutcomeMessage } from '../Status.tsx';
import { problemOf, TextField } from '../TextField.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';
import { WEBHOOK_EVENTS } from '../../../../src/core/notifications/events.ts';

/**
 * A project's webhooks on its settings page (project admins): add an endpoint (URL, secret, events, format),
 * delete it, see its deliveries with each attempt, and redeliver one. The secret is never shown again.
 */
const EVENT_TEXT: Record<EventType, string> = {
  'report.created': 'a new report',
  'report.state_changed': 'a report changed state',
  'report.message_created': 'the reporter replied',
  'report.deadline_due': 'a deadline is due soon',
  'report.deadline_missed': 'a deadline was missed',
  'advisory.published': 'an advisory was published',
  'scan.finding': 'a scan found vulnerable packages',
  'mail.quarantined': 'a mail was held in quarantine',
  'case.party_status_changed': 'a party of a case changed its status',
  'case.message_created': 'a message in a case thread',
};
const FORMAT_TEXT: Record<WebhookFormat, string> = { json: 'JSON event (signed)', slack: 'Slack-compatible ({text})', matrix: 'Matrix-compatible (hookshot)' };
const LABELS = { url: 'Payload URL', secret: 'Secret', events: 'Events', format: 'Format' };
const ID = { url: 'webhook-url', secret: 'webhook-secret', events: 'webhook-events', format: 'webhook-format' };
const idFor = (field: string) => (ID as Record<string, string>)[field] ?? ID.url;

export function Webhooks({ slug }: { slug: string }) {
  const [hooks, reload] = useLoad(() => appApi.webhooks(slug), [slug]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const remove = async (h: Webhook) => {
    setMessage(null);
    try {
      await appApi.deleteWebhook(slug, h.id);
      setMessage({ ok: true, text: `The webhook to ${h.url} was deleted.` });
      reload();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <>
      <p>
        Each event is POSTed as JSON with <code>X-Embargo-Event</code>, <code>X-Embargo-Delivery</code> and <code>X-Embargo-Signature-256</code> (HMAC-SHA256 of the
        body with your secret, as GitHub signs). Payloads carry ids, states and links, never report contents or reporters.
      </p>
      <OutcomeMessage outcome={message} />
      {hooks.state === 'loading' && <Loading what="webhooks" />}
      {hooks.state === 'error' && <ErrorMessage error={hooks.error} />}
      {hooks.state === 'ready' &&
        (hooks.data.webhooks.length === 0 ? (
          <p>No webhooks yet.</p>
        ) : (
          <ul className="card-list card-list--wide" aria-label="Webhooks">
            {hooks.data.webhooks.map((h) => (
              <WebhookCard key={h.id} slug={slug} hook={h} onDelete={() => remove(h)} />
            ))}
          </ul>
        ))}
      <NewWebhookForm
        slug={slug}
        onCreated={(h) => {
          setMessage({ ok: true, text: `Webhook to ${h.url} added. Its secret is not shown again.` });
          reload();
        }}
      />
    </>
  );
}

function WebhookCard({ slug, hook: h, onDelete }: { slug: string; hook: Webhook; onDelete: () => Promise<void> }) {
  const [open, setOpen] = useState(false);
  return (
    <li className="card">
      <h4 className="card__title">
        <code>{h.url}</code> <span className="badge">{h.format}</span>
      </h4>
      <dl className="facts">
        <dt>Events</dt>
        <dd>{h.events.join(', ')}</dd>
        <dt>Added</dt>
        <dd>{formatDate(h.created_at)}</dd>
      </dl>
      <p className="inline-form">
        <button type="button" className="button button--small" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide deliveries' : 'Show deliveries'}
        </button>
        <ConfirmButton
          label={
            <>
              Delete<span className="visually-hidden"> the webhook to {h.url}</span>
            </>
          }
          question={<>Delete the webhook to {h.url} and its delivery log? Deliveries still queued are dropped.</>}
          confirmLabel="Delete webhook"
          onConfirm={onDelete}
        />
      </p>
      {open && <Deliveries slug={slug} hookId={h.id} />}
    </li>
  );
}

function Deliveries({ slug, hookId }: { slug: string; hookId: string }) {
  const [list, reload] = useLoad(() => appApi.deliveries(slug, hookId), [slug, hookId]);
  const [message, setMessage] = useState<string | null>(null);
  const again = async (d: Delivery) => {
    try {
      const made = await appApi.redeliver(slug, hookId, d.id);
      setMessage(`Queued again as delivery ${made.id}.`);
      reload();
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    }
  };
  if (list.state === 'loading') return <Loading what="deliveries" />;
  if (list.state === 'error') return <ErrorMessage error={list.error} />;
  return (
    <>
      {message && (
        <p className="notice" role="status">
          {message}
        </p>
      )}
      <button type="button" className="button button--small" onClick={reload}>
        Refresh deliveries
      </button>
      {list.data.deliveries.length === 0 ? (
        <p>No deliveries yet.</p>
      ) : (
        <div className="table-wrap">
          <table aria-label="Deliveries">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Queued</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.deliveries.map((d) => (
                <tr key={d.id}>
                  <td>
                    {d.event}
                    <br />
                    <code className="muted">{d.id}</code>
                  </td>
                  <td>
                    <span className={`badge badge--${d.status}`}>{d.status}</span>
                    {d.next_attempt_at && <span className="muted"> next try {formatDate(d.next_attempt_at)}</span>}
                  </td>
                  <td>
                    {d.attempts.length === 0
                      ? 'none yet'
                      : d.attempts.map((a) => (
                          <div key={a.attempt}>
                            #{a.attempt}: {a.status_code ?? 'no answer'} in {a.duration_ms} ms{a.error ? ` (${a.error})` : ''}
                          </div>
                        ))}
                  </td>
                  <td>{formatDate(d.created_at)}</td>
                  <td>
                    <button type="button" className="button button--small" onClick={() => void again(d)}>
                      Redeliver<span className="visually-hidden"> {d.id}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function NewWebhookForm({ slug, onCreated }: { slug: string; onCreated: (h: Webhook) => void }) {
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState('');
  const [events, setEvents] = useState<EventType[]>(['report.created', 'report.message_created']);
  const [format, setFormat] = useState<WebhookFormat>('json');
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const local: FieldProblem[] = [];
    if (!/^https?:\/\/\S+$/.test(url.trim())) local.push({ field: 'url', message: 'must be an http:// or https:// URL' });
    if (secret.length < 16) local.push({ field: 'secret', message: 'must be at least 16 characters' });
    if (!events.length) local.push({ field: 'events', message: 'name at least one event type' });
    setProblems(local);
    if (local.length) return;
    setBusy(true);
    try {
      const made = await appApi.createWebhook(slug, { url: url.trim(), secret, events: WEBHOOK_EVENTS.filter((ev) => events.includes(ev)), format });
      setUrl('');
      setSecret('');
      onCreated(made);
    } catch (err) {
      if (err instanceof ApiError && err.problems.length) setProblems(err.problems);
      else setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const eventsProblem = problemOf(problems, 'events');
  return (
    <form className="form" noValidate onSubmit={(e) => void submit(e)} aria-labelledby="new-webhook-heading">
      <h3 id="new-webhook-heading">Add a webhook</h3>
      <ErrorSummary problems={problems} labels={LABELS} idFor={idFor} subject="the webhook" />
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <TextField id={ID.url} label={LABELS.url} value={url} onChange={setUrl} autoComplete="off" hint="http or https; addresses on this machine or private networks are refused." problem={problemOf(problems, 'url')} />
      <TextField id={ID.secret} label={LABELS.secret} type="password" value={secret} onChange={setSecret} autoComplete="new-password" hint="16 characters or more; verify X-Embargo-Signature-256 with it. Shown only now." problem={problemOf(problems, 'secret')} />
      <div className="field">
        <label htmlFor={ID.format}>{LABELS.format}</label>
        <select id={ID.format} value={format} onChange={(e) => setFormat(e.target.value as WebhookFormat)}>
          {(Object.keys(FORMAT_TEXT) as WebhookFormat[]).map((f) => (
            <option key={f} value={f}>
              {FORMAT_TEXT[f]}
            </option>
          ))}
        </select>
      </div>
      <fieldset className={`checkboxes${eventsProblem ? ' field--invalid' : ''}`} id={ID.events}>
        <legend>{LABELS.events}</legend>
        <FieldError id={ID.events} problem={eventsProblem} label={LABELS.events} />
        {WEBHOOK_EVENTS.map((ev) => (
          <div className="checkbox" key={ev}>
            <input id={`webhook-event-${ev}`} type="checkbox" checked={events.includes(ev)} onChange={(e) => setEvents(e.target.checked ? [...events, ev] : events.filter((x) => x !== ev))} />
            <label htmlFor={`webhook-event-${ev}`}>
              <code>{ev}</code>: {EVENT_TEXT[ev]}
            </label>
          </div>
        ))}
      </fieldset>
      <button type="submit" className="button button--primary" disabled={busy}>
        Add webhook
      </button>
    </form>
  );
}
