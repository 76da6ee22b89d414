import { useState } from 'react';
import { appApi } from '../../api-app.ts';
import { OutcomeMessage } from '../Status.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';

/**
 * Site admins: erase one reporter's personal data on their request (docs/retention.md). Their reports stay; their
 * address, uncredited name, key, mails and held mail go, in every project. Asked once more before it runs.
 */
export function ReporterErasure() {
  const [email, setEmail] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const address = email.trim();
  const erase = async () => {
    setMessage(null);
    try {
      const done = await appApi.eraseReporter(address);
      setMessage({
        ok: true,
        text: done.reports.length
          ? `Erased ${address} from ${done.reports.join(', ')} (${done.outbox_rows} mail${done.outbox_rows === 1 ? '' : 's'}, ${done.quarantine_rows} held message${done.quarantine_rows === 1 ? '' : 's'}).`
          : `No report holds ${address} any more (${done.quarantine_rows} held message${done.quarantine_rows === 1 ? '' : 's'} erased).`,
      });
      setEmail('');
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  };
  return (
    <section aria-labelledby="reporter-erasure" className="panel">
      <h2 id="reporter-erasure">Erase a reporter&apos;s data</h2>
      <p>
        On a reporter&apos;s request: their address, their name unless they are credited, their OpenPGP key, the mails to them and mail held from them are
        erased from every report they sent, in every project. The reports and their threads stay; the audit log records the erasure, not the data.
        Closed reports are erased automatically after the policy&apos;s retention period.
      </p>
      <div className="form inline-fields">
        <div className="field field--grow">
          <label htmlFor="erase-email">Reporter&apos;s email address</label>
          <input id="erase-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        </div>
        {address.includes('@') && (
          <ConfirmButton
            label="Erase this reporter's data"
            question={<>Erase everything about {address} from every report they sent? This cannot be undone.</>}
            confirmLabel={`Erase ${address}`}
            onConfirm={erase}
          />
        )}
      </div>
      <OutcomeMessage outcome={message} />
    </section>
  );
}
