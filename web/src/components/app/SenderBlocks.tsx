import { useState, type FormEvent } from 'react';
import { appApi, type SenderBlock } from '../../api-app.ts';
import { useLoad } from '../../hooks.ts';
import { formatDate } from '../../format.ts';
import { ErrorMessage, errorText, Loading, OutcomeMessage } from '../Status.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';

/**
 * A project's blocked senders on its settings page (admins and triagers): block an address, an OpenPGP key
 * fingerprint or a network (IP or CIDR), for some days or indefinitely; lift a block. A blocked sender's
 * submissions wait in the review queue (docs/triage.md). Blocks made from a report show the report, not the sender.
 */
const KIND_TEXT: Record<SenderBlock['kind'], string> = { email: 'Email address', pgp: 'OpenPGP key fingerprint', network: 'Network (IP or CIDR)' };
const DURATIONS: (readonly [string, string])[] = [['0', 'Indefinitely'], ['1', '1 day'], ['7', '7 days'], ['30', '30 days'], ['365', '1 year']];

export const expiryIn = (days: string): string | null => (days === '0' ? null : new Date(Date.now() + Number(days) * 86_400_000).toISOString());


export function SenderBlocks({ slug }: { slug: string }) {
  const [blocks, reload] = useLoad(() => appApi.blocks(slug), [slug]);
  const [kind, setKind] = useState<SenderBlock['kind']>('email');
  const [value, setValue] = useState('');
  const [days, setDays] = useState('0');
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setMessage(null);
    if (!value.trim()) {
      setMessage({ ok: false, text: `Enter the ${KIND_TEXT[kind].toLowerCase()} to block.` });
      return;
    }
    try {
      const made = await appApi.createBlock(slug, { kind, value: value.trim(), expires_at: expiryIn(days), note: note.trim() || null });
      setMessage({ ok: true, text: `${made.value ?? 'The sender'} is blocked${made.expires_at ? ` until ${formatDate(made.expires_at)}` : ''}. Their submissions wait in the review queue.` });
      setValue('');
      setNote('');
      reload();
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) });
    }
  };
  const lift = async (b: SenderBlock) => {
    setMessage(null);
    try {
      await appApi.liftBlock(slug, b.id);
      setMessage({ ok: true, text: 'The block was lifted.' });
      reload();
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) });
    }
  };
  const label = (b: SenderBlock) => b.value ?? `the sender of ${b.from_report ?? 'a report'} (${KIND_TEXT[b.kind].toLowerCase()})`;
  return (
    <>
      <p>
        Submissions from a blocked sender are not dropped: they wait in the review queue, where you release or discard them. The sender is answered as
        for any report and is not told.
      </p>
      <OutcomeMessage outcome={message} />
      {blocks.state === 'loading' && <Loading what="blocked senders" />}
      {blocks.state === 'error' && <ErrorMessage error={blocks.error} />}
      {blocks.state === 'ready' &&
        (blocks.data.blocks.length === 0 ? (
          <p>No sender is blocked.</p>
        ) : (
          <ul className="members" aria-label="Blocked senders">
            {blocks.data.blocks.map((b) => (
              <li key={b.id} className="members__item">
                <span>
                  <strong className="break-anywhere">{label(b)}</strong> {b.active ? <span className="badge">active</span> : <span className="badge">{b.lifted_at ? 'lifted' : 'expired'}</span>}
                  <br />
                  <span className="muted">
                    {b.value ? KIND_TEXT[b.kind] : 'From a report'}, by {b.created_by} on {formatDate(b.created_at)}, {b.expires_at ? `until ${formatDate(b.expires_at)}` : 'indefinitely'}
                    {b.note ? ` — ${b.note}` : ''}
                  </span>
                </span>
                {b.active && (
                  <ConfirmButton
                    label={
                      <>
                        Lift<span className="visually-hidden"> the block of {label(b)}</span>
                      </>
                    }
                    question={<>Lift the block of {label(b)}? Their next submissions go to the queue as usual.</>}
                    confirmLabel="Lift block"
                    onConfirm={() => lift(b)}
                  />
                )}
              </li>
            ))}
          </ul>
        ))}
      <form className="form inline-fields" noValidate onSubmit={(e) => void add(e)} aria-label="Block a sender">
        <div className="field">
          <label htmlFor="block-kind">Block by</label>
          <select id="block-kind" value={kind} onChange={(e) => setKind(e.target.value as SenderBlock['kind'])}>
            {Object.entries(KIND_TEXT).map(([k, t]) => (
              <option key={k} value={k}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--grow">
          <label htmlFor="block-value">{KIND_TEXT[kind]}</label>
          <input id="block-value" value={value} maxLength={400} onChange={(e) => setValue(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="block-days">For</label>
          <select id="block-days" value={days} onChange={(e) => setDays(e.target.value)}>
            {DURATIONS.map(([d, t]) => (
              <option key={d} value={d}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--grow">
          <label htmlFor="block-note">Note (optional)</label>
          <input id="block-note" value={note} maxLength={500} onChange={(e) => setNote(e.target.value)} />
        </div>
        <button type="submit" className="button">
          Block sender
        </button>
      </form>
    </>
  );
}
