import { useId, useState, type FormEvent } from 'react';
import type { ThreadAttachment, ThreadMessage } from '../../api.ts';
import { formatBytes, formatDate } from '../../format.ts';
import { errorText } from '../Status.tsx';

/**
 * The conversation with the reporter plus the team's internal notes. Notes are marked three ways (a label in
 * the text, the heading, and a distinct style), because they must never be mistaken for what the reporter reads.
 */
export function Thread({ messages, attachments }: { messages: ThreadMessage[]; attachments: ThreadAttachment[] }) {
  if (messages.length === 0) return <p className="muted">No messages yet.</p>;
  return (
    <ol className="thread" aria-label="Messages and internal notes">
      {messages.map((m) => {
        const files = attachments.filter((a) => a.message_id === m.id);
        const who = m.author === 'reporter' ? 'the reporter' : (m.author_name ?? m.author);
        const label = m.internal ? `Internal note by ${who}` : `Message from ${who}`;
        return (
          <li key={m.id}>
            <article className={`message message--${m.internal ? 'internal' : m.author === 'reporter' ? 'reporter' : 'maintainer'}`} aria-label={label}>
              <p className="message__meta">
                {m.internal && <span className="badge badge--internal">Internal note — not visible to the reporter</span>} <strong>{m.internal ? who : label}</strong> ·{' '}
                <time dateTime={m.created_at}>{formatDate(m.created_at)}</time>
              </p>
              <p className="message__body">{m.body}</p>
              {files.length > 0 && <AttachmentList attachments={files} />}
            </article>
          </li>
        );
      })}
    </ol>
  );
}

export function AttachmentList({ attachments }: { attachments: ThreadAttachment[] }) {
  return (
    <ul className="attachments">
      {attachments.map((a) => (
        <li key={a.id}>
          {a.url ? (
            <a href={a.url} download={a.filename}>
              {a.filename}
            </a>
          ) : (
            a.filename
          )}{' '}
          <span className="muted">
            ({formatBytes(a.size)}, {a.content_type}, SHA-256 <code className="hash">{a.sha256.slice(0, 16)}…</code>)
          </span>
        </li>
      ))}
    </ul>
  );
}

/** A reply to the reporter or an internal note: one textarea and a button, with the server's error shown. */
export function MessageForm({ internal, onSend }: { internal: boolean; onSend: (body: string) => Promise<void> }) {
  const id = useId();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);
  const label = internal ? 'Internal note' : 'Reply to the reporter';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    setSent(false);
    if (!body.trim()) {
      setError(`${label} is empty.`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSend(body);
      setBody('');
      setSent(true);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className={`form message-form${internal ? ' message-form--internal' : ''}`} noValidate onSubmit={(e) => void submit(e)}>
      <div className="field">
        <label htmlFor={`${id}-body`}>{label}</label>
        <p className="field__hint" id={`${id}-hint`}>
          {internal ? 'Only the project team sees notes; the reporter never does.' : 'The reporter reads this on their status page and by email.'}
        </p>
        {error && (
          <p className="field__error" id={`${id}-error`}>
            {error}
          </p>
        )}
        <textarea
          id={`${id}-body`}
          rows={4}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-hint ${id}-error` : `${id}-hint`}
        />
      </div>
      {/* Not disabled while sending: a disabled button would drop the focus it keeps after the send. */}
      <button type="submit" className="button button--primary" aria-disabled={busy}>
        {internal ? 'Add internal note' : 'Send reply'}
      </button>
      {sent && (
        <p role="status" className="notice notice--ok">
          {internal ? 'Note added.' : 'Reply sent.'}
        </p>
      )}
    </form>
  );
}
