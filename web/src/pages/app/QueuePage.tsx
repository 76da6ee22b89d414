import { useEffect, useState } from 'react';
import { appApi, type DashboardProject, type QueueItem } from '../../api-app.ts';
import { useLoad, useTitle } from '../../hooks.ts';
import { humanize, formatDate } from '../../format.ts';
import { Link } from '../../router.tsx';
import { UI_ROUTES } from '../../../../src/core/ui-paths.ts';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { MaintainerLayout } from '../../components/app/MaintainerLayout.tsx';
import { Countdown, urgencyOf, useNow } from '../../components/app/Countdown.tsx';
import { SeverityBadge, StateBadge } from '../../components/app/Badges.tsx';
import { OPEN_STATES, REPORT_STATES } from '../../../../src/core/reports/states.ts';
import { SEVERITIES } from '../../../../src/core/severity.ts';
import { hasMore, showMore, startMerge, type FetchPage, type Merged } from '../../queue-merge.ts';

export function QueuePage() {
  return <MaintainerLayout>{({ user, projects }) => <Queue projects={projects} siteAdmin={user.site_admin} />}</MaintainerLayout>;
}

interface QueueRow {
  project: DashboardProject;
  report: QueueItem;
}

/** Rows shown at first and added by each "Show more". */
const PAGE = 50;

interface Filter {
  state: string;
  severity: string;
  due: string;
}

const DUE_CHOICES: (readonly [string, string])[] = [
  ['any', 'Any time'],
  ['0', 'Overdue'],
  ['24', 'Overdue or due within a day'],
  ['168', 'Overdue or due within a week'],
];

/**
 * The queue across the chosen projects: each project's server sorts and pages its own queue (most urgent first),
 * and the pages are merged by `queue_order` (queue-merge.ts), fetching a project's next page only when needed.
 */
function queueSource(projects: DashboardProject[], f: Filter) {
  const bySlug = new Map(projects.map((p) => [p.slug, p]));
  const filter = {
    state: f.state === 'open' ? [...OPEN_STATES] : f.state === 'all' ? [] : [f.state],
    severity: f.severity === 'any' ? [] : [f.severity],
    dueWithinHours: f.due === 'any' ? null : Number(f.due),
  };
  const fetch: FetchPage<QueueRow> = async (slug, cursor) => {
    const page = await appApi.reports(slug, filter, { cursor, limit: PAGE });
    const project = bySlug.get(slug) as DashboardProject;
    return { items: page.reports.map((report) => ({ project, report })), next: page.next_cursor };
  };
  return { start: () => startMerge<QueueRow>(projects.map((p) => p.slug)), fetch };
}

const orderOf = (row: QueueRow) => row.report.queue_order;

function Queue({ projects, siteAdmin }: { projects: DashboardProject[]; siteAdmin: boolean }) {
  useTitle('Report queue');
  const [state, setState] = useState('open');
  const [severity, setSeverity] = useState('any');
  const [due, setDue] = useState('any');
  const [project, setProject] = useState('all');
  const chosen = project === 'all' ? projects : projects.filter((p) => p.slug === project);
  const source = queueSource(chosen, { state, severity, due });
  const [first] = useLoad(() => showMore(source.start(), PAGE, orderOf, source.fetch), [state, severity, due, project, projects]);
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
        <FilterSelect id="q-due" label="Next deadline" value={due} onChange={setDue} options={DUE_CHOICES} />
        <FilterSelect id="q-project" label="Project" value={project} onChange={setProject} options={[['all', `All my projects (${projects.length})`], ...projects.map((p) => [p.slug, p.name] as const)]} />
      </form>
      {projects.length === 0 &&
        (siteAdmin ? (
          <p>
            No project exists yet. <Link to={UI_ROUTES.newProject}>Create the first project</Link> from its policy YAML.
          </p>
        ) : (
          <p>
            You are not a member of any project yet. A project admin can add you. If you were invited into a case as a party, it is under{' '}
            <Link to={UI_ROUTES.cases}>My cases</Link>.
          </p>
        ))}
      {first.state === 'loading' && <Loading what="the queue" />}
      {first.state === 'error' && <ErrorMessage error={first.error} title="The queue could not be loaded" />}
      {first.state === 'ready' && <QueueList first={first.data} fetch={source.fetch} now={now} />}
    </>
  );
}

/** The rows shown so far, and "Show more" while any project has more. A new filter remounts it (a new `first`). */
function QueueList({ first, fetch, now }: { first: Merged<QueueRow>; fetch: FetchPage<QueueRow>; now: number }) {
  const [merged, setMerged] = useState(first);
  const [more, setMore] = useState<{ state: 'idle' | 'loading' } | { state: 'error'; error: unknown }>({ state: 'idle' });
  useEffect(() => {
    setMerged(first);
    setMore({ state: 'idle' });
  }, [first]);
  const rows = merged.shown;
  if (rows.length === 0) return <p role="status">No reports match these filters.</p>;
  const complete = !hasMore(merged);
  const showNext = async () => {
    setMore({ state: 'loading' });
    try {
      setMerged(await showMore(merged, PAGE, orderOf, fetch));
      setMore({ state: 'idle' });
    } catch (error) {
      setMore({ state: 'error', error });
    }
  };
  return (
    <>
      <p role="status" className="muted">
        {complete ? `${rows.length} report${rows.length === 1 ? '' : 's'}` : `The first ${rows.length} reports`}, overdue and due soon first.
      </p>
      <ul className="queue" aria-label="Reports">
        {rows.map(({ project, report }) => {
          const next = report.next_deadline;
          return (
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
          );
        })}
      </ul>
      {more.state === 'error' && <ErrorMessage error={more.error} title="More reports could not be loaded" />}
      {!complete && (
        <button type="button" className="button" disabled={more.state === 'loading'} onClick={() => void showNext()}>
          {more.state === 'loading' ? 'Loading more reports…' : `Show ${PAGE} more reports`}
        </button>
      )}
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
