import type { ReportDetail } from '../../api-app.ts';

const LABEL: Record<string, string> = { good: 'Good', missing: 'Missing', warning: 'Check', info: 'Note' };

/** The report's quality signals (issue 18), each with its reason: a reading aid, never a score. */
export function QualitySignals({ report }: { report: ReportDetail }) {
  if (report.quality_signals.length === 0) return null;
  return (
    <section aria-labelledby="quality-heading">
      <h2 id="quality-heading">Quality signals</h2>
      <ul className="quality-signals">
        {report.quality_signals.map((q) => (
          <li key={q.key}>
            <span className={`badge badge--signal-${q.status}`}>{LABEL[q.status] ?? q.status}</span> {q.text}
          </li>
        ))}
      </ul>
    </section>
  );
}
