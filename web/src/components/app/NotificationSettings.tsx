import { useState, type FormEvent } from 'react';
import { appApi, type NotificationLevel, type NotificationSetting } from '../../api-app.ts';
import { useLoad } from '../../hooks.ts';
import { formatDate } from '../../format.ts';
import { ErrorMessage, Loading, OutcomeMessage } from '../Status.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';

/**
 * The account page's notifications: per project, which events are mailed to you (all, high and critical only,
 * none) and whether a report's title may appear in the mail; and the OpenPGP key your notifications are
 * encrypted to.
 */
const LEVEL_TEXT: Record<NotificationLevel, string> = {
  all: 'All events',
  assigned: 'Reports assigned to me',
  high: 'High and critical only',
  none: 'None',
};
/** What each level mails, shown under the choice (an option's own text must stay short enough to show whole). */
const LEVEL_HINT: Record<NotificationLevel, string> = {
  all: 'New reports, reporter replies, deadlines, advisories, held mail and serious scan findings.',
  assigned: 'Replies, deadlines and advisories of the reports assigned to you.',
  high: 'Only high and critical reports and scan findings.',
  none: 'No mail about this project.',
};

export function NotificationSettings() {
  const [settings, reload] = useLoad(() => appApi.notificationSettings(), []);
  return (
    <>
      <p>Mails never contain a report's text or who reported it; the title only where you allow it (never in the subject).</p>
      {settings.state === 'loading' && <Loading what="your notification settings" />}
      {settings.state === 'error' && <ErrorMessage error={settings.error} />}
      {settings.state === 'ready' &&
        (settings.data.projects.length === 0 ? (
          <p>You are not a member of any project.</p>
        ) : (
          <ul className="card-list" aria-label="Notifications per project">
            {settings.data.projects.map((s) => (
              <ProjectSetting key={s.project} setting={s} onSaved={reload} />
            ))}
          </ul>
        ))}
      <h3>Encryption</h3>
      <MyKey />
    </>
  );
}

function ProjectSetting({ setting: s, onSaved }: { setting: NotificationSetting; onSaved: () => void }) {
  const [level, setLevel] = useState<NotificationLevel>(s.level);
  const [titles, setTitles] = useState(s.include_titles);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await appApi.setNotificationSetting({ project: s.project, level, include_titles: titles });
      setMessage({ ok: true, text: `Saved for ${s.project_name}.` });
      onSaved();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  };
  const id = `notify-${s.project}`;
  return (
    <li className="card">
      <form className="form" noValidate onSubmit={(e) => void save(e)}>
        <h4 className="card__title">
          {s.project_name} <span className="badge">{s.role}</span> {s.default && <span className="muted">(default for your role)</span>}
        </h4>
        <div className="field">
          <label htmlFor={`${id}-level`}>Mail me about {s.project_name}</label>
          <select id={`${id}-level`} value={level} aria-describedby={`${id}-level-hint`} onChange={(e) => setLevel(e.target.value as NotificationLevel)}>
            {(Object.keys(LEVEL_TEXT) as NotificationLevel[]).map((l) => (
              <option key={l} value={l}>
                {LEVEL_TEXT[l]}
              </option>
            ))}
          </select>
          <p id={`${id}-level-hint`} className="field__hint">
            {LEVEL_HINT[level]}
          </p>
        </div>
        <div className="checkbox">
          <input id={`${id}-titles`} type="checkbox" checked={titles} onChange={(e) => setTitles(e.target.checked)} />
          <label htmlFor={`${id}-titles`}>Include report titles in the mail body</label>
        </div>
        <OutcomeMessage outcome={message} />
        <button type="submit" className="button">
          Save<span className="visually-hidden"> notifications for {s.project_name}</span>
        </button>
      </form>
    </li>
  );
}

function MyKey() {
  const [key, reload] = useLoad(() => appApi.myKey(), []);
  const [armored, setArmored] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const k = await appApi.setMyKey(armored);
      setArmored('');
      setMessage({ ok: true, text: `Key ${k.fingerprint} registered: your notifications are encrypted to it.` });
      reload();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    }
  };
  const remove = async () => {
    await appApi.removeMyKey();
    setMessage({ ok: true, text: 'Key removed: notifications are sent in clear again.' });
    reload();
  };
  return (
    <>
      <OutcomeMessage outcome={message} />
      {key.state === 'loading' && <Loading what="your OpenPGP key" />}
      {key.state === 'error' && <ErrorMessage error={key.error} />}
      {key.state === 'ready' && key.data.key && (
        <p>
          Your notifications are encrypted to <code>{key.data.key.fingerprint}</code>
          {key.data.key.expires_at ? `, which expires ${formatDate(key.data.key.expires_at)}` : ''}.{' '}
          <ConfirmButton label="Remove key" question={<>Remove your OpenPGP key? Notifications are then sent in clear.</>} confirmLabel="Remove key" onConfirm={remove} />
        </p>
      )}
      <form className="form" noValidate onSubmit={(e) => void save(e)}>
        <div className="field">
          <label htmlFor="my-pgp-key">{key.state === 'ready' && key.data.key ? 'Replace with another public key' : 'Your OpenPGP public key (ASCII armor)'}</label>
          <textarea id="my-pgp-key" rows={6} value={armored} onChange={(e) => setArmored(e.target.value)} spellCheck={false} />
        </div>
        <button type="submit" className="button" disabled={!armored.trim()}>
          Register key
        </button>
      </form>
    </>
  );
}
