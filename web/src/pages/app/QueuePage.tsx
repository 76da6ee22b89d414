import { useState } from 'react';
import { appApi, type DashboardProject, type ReportSummary, type SlaEntry } from '../../api-app.ts';
import { useLoad, useTitle } from '../../hooks.ts';
import { humanize, formatDate } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { MaintainerLayout } from '../../components/app/MaintainerLayout.tsx';
import { Countdown, remainingAt, urgencyOf, useNow, type Urgency } from '../../components/app/Countdown.tsx';
import { SeverityBadge, StateBadge } from '../../components/app/Badges.tsx';
import { OPEN_STATES, REPORT_STATES } from '../../../../src/core/reports/states.ts';
import { SEVERITIES, severityRank, type Severity } from '../../../../src/core/severity.ts';
import { UI_ROUTES } from '../../../../src/core/ui-paths.ts';

export function QueuePage() {
  return <MaintainerLayout>{({ user, projects }) => <Queue projects={projects} siteAdmin={user.site_admin} />}</MaintainerLayout>;
}

interface QueueRow {
  project: DashboardProject;
  report: ReportSummary;
  /** The most pressing outstanding deadline from the project's SLA view, if any. */
  next: SlaEntry | null;
}

const URGENCY_ORDER: Record<Urgency, number> = { breached: 0, soon: 1, later: 2, paused: 3, met: 4 };

/** Breached first, then due soonest, then the worst severity, then the newest. */
export function sortQueue(rows: QueueRow[], now: number): QueueRow[] {
  const rank = (r: QueueRow) => (r.next ? URGENCY_ORDER[urgencyOf(r.next, now)] : 5);
  return [...rows].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.next && b.next ? remainingAt(a.next, now) - remainingAt(b.next, now) : 0) ||
      severityRank(b.report.severity as Severity | null) - severityRank(a.report.severity as Severity | null) ||
      b.report.created_at.localeCompare(a.report.created_at),
  );
}

async function loadQueue(projects: DashboardProject[], state: string, severity: string): Promise<QueueRow[]> {
  const filter = {
    state: state === 'open' ? [...OPEN_STATES] : state === 'all' ? [] : [state],
    severity: severity === 'any' ? [] : [severity],
  };
  const perProject = await Promise.all(
    projects.map(async (project) => {
      const [{ reports }, sla] = await Promise.all([appApi.reports(project.slug, filter), appApi.sla(project.slug)]);
      // The SLA view lists outstanding deadlines most pressing first; the first one per report is its next.
      const next = new Map<string, SlaEntry>();
      for (const d of sla.deadlines) if (!next.has(d.tracking_id)) next.set(d.tracking_id, d);
      return reports.map((report) => ({ project, report, next: next.get(report.tracking_id) ?? null }));
    }),
  );
  return perProject.flat();
}

function Queue({ projects, siteAdmin }: { projects: DashboardProject[]; siteAdmin: boolean }) {
  useTitle('Report queue');
  const [state, setState] = useState('open');
  const [severity, setSeverity] = useState('any');
  const [project, setProject] = useState('all');
  const chosen = project === 'all' ? projects : projects.filter((p) => p.slug === project);
  const [rows] = useLoad(() => loadQueue(chosen, state, severity), [state, severity, project, projects]);
  const now = useNow();
  return (
    <>
      <h1>Report queue</h1>
      <form className="filters" aria-label="Filter the queue" onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          id="q-state"
          label="State"
          value={state}
          onChange={setState}
          options={[['open', 'Open (not closed, rejected or disclosed)'], ['all', 'All states'], ...REPORT_STATES.map((s) => [s, humanize(s)] as const)]}
        />
        <FilterSelect id="q-severity" label="Severity" value={severity} onChange={setSeverity} options={[['any', 'Any severity'], ...[...SEVERITIES].reverse().map((s) => [s, humanize(s)] as const)]} />
        <FilterSelect id="q-project" label="Project" value={project} onChange={setProject} options={[['all', `All my projects (${projects.length})`], ...projects.map((p) => [p.slug, p.name] as const)]} />
      </form>
      {projects.length === 0 &&
        (siteAdmin ? (
          <p>
            No project exists yet. <Link to={UI_ROUTES.newProject}>Create the first project</Link> from its policy YAML.
          </p>
        ) : (
          <p>You are not a member of any project yet. A project admin can add you.</p>
        ))}
      {rows.state === 'loading' && <Loading what="the queue" />}
      {rows.state === 'error' && <ErrorMessage error={rows.error} title="The queue could not be loaded" />}
      {rows.state === 'ready' && <QueueTable rows={sortQueue(rows.data, now)} now={now} />}
    </>
  );
}

/** One filter of the queue: a labelled select of [value, text] choices. */
function FilterSelect({ id, label, value, onChange, options }: { id: string; label: string; value: string; onChange: (value: string) => void; options: (readonly [string, string])[] }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

function QueueTable({ rows, now }: { rows: QueueRow[]; now: number }) {
  if (rows.length === 0) return <p role="status">No reports match these filters.</p>;
  return (
    <>
      <p role="status" className="muted">
        {rows.length} report{rows.length === 1 ? '' : 's'}, overdue and due soon first.
      </p>
      <ul className="queue" aria-label="Reports">
        {rows.map(({ project, report, next }) => (
          <li key={`${project.slug}/${report.tracking_id}`} className={`queue__item${next ? ` queue__item--${urgencyOf(next, now)}` : ''}`}>
            <p className="queue__title">
              <Link to={`/app/p/${project.slug}/reports/${report.tracking_id}`}>
                <span className="tracking-id">{report.tracking_id}</span> {report.title}
              </Link>
            </p>
            <p className="queue__meta">
              <span>{project.name}</span>
              <StateBadge state={report.state} />
              <SeverityBadge severity={report.severity} />
              {report.classification.flags.map((f) => (
                <span key={f} className="badge badge--flag">
                  {humanize(f)}
                </span>
              ))}
              <span className="muted">Received {formatDate(report.created_at)}</span>
            </p>
            <p className="queue__deadline">{next ? <Countdown deadline={next} now={now} /> : <span className="muted">No open deadline</span>}</p>
          </li>
        ))}
      </ul>
    </>
  );
}
