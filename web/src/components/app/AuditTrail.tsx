import { useState } from 'react';
import { appApi, type AuditEntry } from '../../api-app.ts';
import { useLoad } from '../../hooks.ts';
import { formatDate, humanize } from '../../format.ts';
import { ErrorMessage, Loading } from '../Status.tsx';

/**
 * One report's audit entries (project admins), oldest first, collapsed until opened (and only then loaded):
 * who by name, what in words, and the recorded details as short "name: value" pairs. The raw actor label and
 * data stay what the hash chain covers; this is only how they read. `version` reloads it after a change.
 */
export function AuditTrail({ slug, trackingId, version }: { slug: string; trackingId: string; version: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="audit-trail" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>
        <h2>Audit trail</h2>
      </summary>
      {open && <Entries slug={slug} trackingId={trackingId} version={version} />}
    </details>
  );
}

function Entries({ slug, trackingId, version }: { slug: string; trackingId: string; version: string }) {
  const [trail] = useLoad(() => appApi.reportAudit(slug, trackingId), [slug, trackingId, version]);
  if (trail.state === 'loading') return <Loading what="the audit trail" />;
  if (trail.state === 'error') return <ErrorMessage error={trail.error} title="The audit trail could not be loaded" />;
  return (
    <ol className="audit-list" aria-label={`Audit trail of ${trackingId}`}>
      {trail.data.entries.map((e) => {
        const details = detailsOf(e);
        return (
          <li key={e.seq}>
            <p className="audit-list__head">
              <time dateTime={e.at}>{formatDate(e.at)}</time> · <strong>{who(e)}</strong> {ACTIONS[e.action] ?? humanize(e.action.replace(/^report\./, ''))}
              <span className="muted"> #{e.seq}</span>
            </p>
            {details.length > 0 && (
              <dl className="audit-list__data">
                {details.map(([k, v]) => (
                  <div key={k}>
                    <dt>{k}</dt>
                    <dd>{v}</dd>
                  </div>
                ))}
              </dl>
            )}
          </li>
        );
      })}
    </ol>
  );
}

const ACTIONS: Record<string, string> = {
  'report.submitted': 'submitted the report',
  'report.created-internal': 'created the report',
  'report.body-read': 'read the report',
  'report.attachment-read': 'downloaded an attachment',
  'report.transition': 'changed the state',
  'report.severity': 'set the severity',
  'report.embargo': 'set the disclosure date',
  'report.reply-sent': 'replied to the reporter',
  'report.note-added': 'added an internal note',
  'report.reporter-message': 'sent a message',
  'report.assigned': 'changed the assignee',
  'advisory.create': 'drafted an advisory',
  'bounty.proposed': 'proposed a bounty',
  'bounty.awarded': 'awarded a bounty',
  'bounty.cancelled': 'cancelled a bounty',
};

function who(e: AuditEntry): string {
  if (e.actor_name) return e.actor_name;
  if (e.actor === 'reporter') return 'The reporter';
  if (e.actor.startsWith('user:')) return 'A former user';
  return humanize(e.actor);
}

/** Ids that only the names beside them make readable. */
const HIDDEN = new Set(['assignee', 'previous', 'message']);
const LABELS: Record<string, string> = { assignee_name: 'assignee', previous_name: 'previous assignee', duplicate_of: 'duplicate of', tracking_id: 'tracking ID' };

function detailsOf(e: AuditEntry): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(e.data)) {
    if (HIDDEN.has(k) || v === null || v === undefined || v === '') continue;
    const label = LABELS[k] ?? humanize(k);
    if (k === 'assignee_name' || k === 'previous_name') out.push([label, String(v)]);
    else if (typeof v === 'string') out.push([label, /^[a-z]+(-[a-z]+)*$/.test(v) ? humanize(v) : v]);
    else if (typeof v === 'number' || typeof v === 'boolean') out.push([label, String(v)]);
    else out.push([label, JSON.stringify(v, null, 1).replace(/\s*\n\s*/g, ' ')]);
  }
  if (e.action === 'report.assigned' && !e.data.assignee_name) out.unshift(['assignee', 'nobody']);
  return out;
}
