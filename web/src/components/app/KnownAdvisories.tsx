import type { ReportDetail } from '../../api-app.ts';

/**
 * Imported OSV advisories the report names or describes (issue 18): "already public as …", each with how sure
 * (1 when the report names the id or an alias) and why. The maintainer decides what it means for the report.
 */
export function KnownAdvisories({ report }: { report: ReportDetail }) {
  const found = report.known_advisories;
  if (found.length === 0) return null;
  return (
    <section className="notice notice--warning duplicates" aria-labelledby="known-advisories-heading">
      <h2 id="known-advisories-heading">Already public?</h2>
      <p>Imported advisories this report names or reads like.</p>
      <ul className="duplicates__list">
        {found.map((a) => (
          <li key={a.id}>
            <p>
              {/* The id as text, not a link: the dashboard sends nobody to a third party, even by a click. */}
              <code>{a.id}</code>{' '}
              <span className="badge">{a.score === 1 ? 'named' : `${Math.round(a.score * 100)}% alike`}</span>
            </p>
            <ul className="duplicates__reasons">
              {a.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
