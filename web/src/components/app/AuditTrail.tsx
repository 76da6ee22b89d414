import { appApi } from '../../api-app.ts';
import { useLoad } from '../../hooks.ts';
import { formatDate } from '../../format.ts';
import { ErrorMessage, Loading } from '../Status.tsx';
import { TableHead } from '../TableHead.tsx';

/** One report's audit entries (project admins), oldest first; `version` reloads it after a change on the page. */
export function AuditTrail({ slug, trackingId, version }: { slug: string; trackingId: string; version: string }) {
  const [trail] = useLoad(() => appApi.reportAudit(slug, trackingId), [slug, trackingId, version]);
  if (trail.state === 'loading') return <Loading what="the audit trail" />;
  if (trail.state === 'error') return <ErrorMessage error={trail.error} title="The audit trail could not be loaded" />;
  return (
    <div className="table-wrap table-wrap--contain" tabIndex={0} role="region" aria-label={`Audit trail of ${trackingId} (scrolls sideways)`}>
      <table className="audit">
        <caption className="visually-hidden">Audit trail of {trackingId}</caption>
        <TableHead columns={['#', 'When', 'Who', 'What', 'Details']} />
        <tbody>
          {trail.data.entries.map((e) => (
            <tr key={e.seq}>
              <td>{e.seq}</td>
              <td>{formatDate(e.at)}</td>
              <td className="wrap">{e.actor}</td>
              <td>{e.action}</td>
              <td className="wrap">
                <code>{JSON.stringify(e.data)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
