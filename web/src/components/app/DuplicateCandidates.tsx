import { useState } from 'react';
import { appApi, type ReportDetail } from '../../api-app.ts';
import { Link } from '../../router.tsx';

/**
 * Earlier reports of the project this one resembles (issue 18): each with its score and the reasons in words, and
 * a one-click rejection as its duplicate for whoever may triage. A suggestion only: nothing is done until a
 * maintainer clicks.
 */
export function DuplicateCandidates({ slug, report, mayReject, onChange }: { slug: string; report: ReportDetail; mayReject: boolean; onChange: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const candidates = report.duplicate_candidates;
  if (candidates.length === 0) return null;
  const canReject = mayReject && report.allowed_transitions.includes('rejected');
  const reject = async (of: string) => {
    setBusy(true);
    setError(null);
    try {
      await appApi.transition(slug, report.tracking_id, 'rejected', 'duplicate', of);
      onChange();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="notice notice--warning duplicates" aria-labelledby="duplicates-heading">
      <h2 id="duplicates-heading">Possible duplicate{candidates.length > 1 ? 's' : ''}</h2>
      <p>Earlier reports of this project that read alike. Compare them before you decide.</p>
      {error && (
        <p className="notice notice--error" role="alert">
          {error}
        </p>
      )}
      <ul className="duplicates__list">
        {candidates.map((c) => (
          <li key={c.tracking_id}>
            <p>
              <Link to={`/app/p/${slug}/reports/${c.tracking_id}`}>{c.tracking_id}</Link> <span className="badge">{Math.round(c.score * 100)}% alike</span>
            </p>
            <ul className="duplicates__reasons">
              {c.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
            {canReject && (
              <button type="button" className="button button--danger" disabled={busy} onClick={() => void reject(c.tracking_id)}>
                Reject as duplicate of {c.tracking_id}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
