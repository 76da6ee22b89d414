import { useEffect, useRef, useState } from 'react';
import { appApi, type Assignee, type DashboardProject, type QueueFilter, type QueueItem } from '../../api-app.ts';
import { can } from '../../../../src/core/access/permissions.ts';
import { REJECTION_REASONS } from '../../../../src/core/reports/states.ts';
import { useLoad, useTitle } from '../../hooks.ts';
import { humanize, formatDate } from '../../format.ts';
import { Link } from '../../router.tsx';
import { UI_ROUTES } from '../../../../src/core/ui-paths.ts';
import { ErrorMessage, errorText, Loading } from '../../components/Status.tsx';
import { MaintainerLayout } from '../../components/app/MaintainerLayout.tsx';
import { Countdown, urgencyOf, useNow } from '../../components/app/Countdown.tsx';
import { SeverityBadge, StateBadge } from '../../components/app/Badges.tsx';
import { OPEN_STATES, REPORT_STATES } from '../../../../src/core/reports/states.ts';
import { SEVERITIES } from '../../../../src/core/severity.ts';
import { hasMore, showMore, startMerge, type FetchPage, type Merged } from '../../queue-merge.ts';

export function QueuePage() {
  return <MaintainerLayout>{({ user, projects }) => <Queue projects={projects} siteAdmin={user.site_admin} userId={user.id} />}</MaintainerLayout>;
}

/** Whether the signed-in user may triage this project's reports (the permission table, as the server applies it). */
const canTriage = (p: DashboardProject) => can(p.role, 'report:triage');

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
  /** Search words ('' for none): every word must occur in the title, body or a message. */
  q: string;
  assignee: string;
  flag: string;
  source: string;
  age: string;
}

const AGE_CHOICES: (readonly [string, string])[] = [
  ['any', 'Any age'],
  ['max:1', 'In the last day'],
  ['max:7', 'In the last week'],
  ['min:7', 'Older than a week'],
  ['min:30', 'Older than 30 days'],
  ['min:90', 'Older than 90 days'],
];

const FLAG_CHOICES: (readonly [string, string])[] = [
  ['any-value', 'Flagged or not'],
  ['any', 'Any flag'],
  ['version', 'Version flagged'],
  ['scope', 'Out of scope'],
  ['none', 'No flag'],
];

const SOURCE_CHOICES: (readonly [string, string])[] = [
  ['any', 'Any source'],
  ['web', 'Web form'],
  ['api', 'API'],
  ['email', 'Email'],
  ['scan', 'Dependency scan'],
];

const DUE_CHOICES: (readonly [string, string])[] = [
  ['any', 'Any time'],
  ['0', 'Overdue'],
  ['24', 'Due within a day'],
  ['168', 'Due within a week'],
];

/**
 * The queue across the chosen projects: each project's server sorts and pages its own queue (most urgent first),
 * and the pages are merged by `queue_order` (queue-merge.ts), fetching a project's next page only when needed.
 */
function queueSource(projects: DashboardProject[], f: Filter) {
  const bySlug = new Map(projects.map((p) => [p.slug, p]));
  const [ageKind, ageDays] = f.age.split(':');
  const filter: QueueFilter = {
    state: f.state === 'open' ? [...OPEN_STATES] : f.state === 'all' ? [] : [f.state],
    severity: f.severity === 'any' ? [] : [f.severity],
    dueWithinHours: f.due === 'any' ? null : Number(f.due),
    ...(f.q ? { q: f.q } : {}),
    ...(f.assignee !== 'any' ? { assignee: f.assignee } : {}),
    ...(f.flag !== 'any-value' ? { flag: f.flag as NonNullable<QueueFilter['flag']> } : {}),
    ...(f.source !== 'any' ? { source: [f.source] } : {}),
    ...(ageKind === 'min' ? { minAgeDays: Number(ageDays) } : ageKind === 'max' ? { maxAgeDays: Number(ageDays) } : {}),
  };
  const fetch: FetchPage<QueueRow> = async (slug, cursor) => {
    const page = await appApi.reports(slug, filter, { cursor, limit: PAGE });
    const project = bySlug.get(slug) as DashboardProject;
    return { items: page.reports.map((report) => ({ project, report })), next: page.next_cursor };
  };
  return { start: () => startMerge<QueueRow>(projects.map((p) => p.slug)), fetch };
}

const orderOf = (row: QueueRow) => row.report.queue_order;

function Queue({ projects, siteAdmin, userId }: { projects: DashboardProject[]; siteAdmin: boolean; userId: string }) {
  useTitle('Report queue');
  const [state, setState] = useState('open');
  const [severity, setSeverity] = useState('any');
  const [due, setDue] = useState('any');
  const [project, setProject] = useState('all');
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  const [assignee, setAssignee] = useState('any');
  const [flag, setFlag] = useState('any-value');
  const [from, setFrom] = useState('any');
  const [age, setAge] = useState('any');
  const chosen = project === 'all' ? projects : projects.filter((p) => p.slug === project);
  const source = queueSource(chosen, { state, severity, due, q, assignee, flag, source: from, age });
  // The words searched travel with their results: while the next search loads, the rows shown keep their own label.
  const [first, reload] = useLoad(
    async () => ({ merged: await showMore(source.start(), PAGE, orderOf, source.fetch), searched: q }),
    [state, severity, due, q, assignee, flag, from, age, project, projects],
  );
  // With one project chosen, its members can be picked by name (assignee filter and bulk assign).
  const single = chosen.length === 1 ? chosen[0] : undefined;
  const [members, setMembers] = useState<Assignee[]>([]);
  useEffect(() => {
    let current = true;
    setMembers([]);
    if (single) void appApi.assignees(single.slug).then((list) => current && setMembers(list.assignees), () => undefined);
    return () => {
      current = false;
    };
  }, [single?.slug]);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setSelected(new Set()), [first]);
  const triageable = projects.some(canTriage);
  const now = useNow();
  return (
    <>
      <h1>Report queue</h1>
      <form
        role="search"
        className="queue-search"
        aria-label="Search the reports"
        onSubmit={(e) => {
          e.preventDefault();
          setQ(typed.trim());
        }}
      >
        <label htmlFor="q-search">Search titles, reports and messages</label>
        <div className="queue-search__row">
          <input id="q-search" type="search" value={typed} maxLength={200} onChange={(e) => setTyped(e.target.value)} aria-describedby="q-search-help" />
          <button type="submit" className="button">
            Search
          </button>
          {q && (
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                setTyped('');
                setQ('');
              }}
            >
              Clear search
            </button>
          )}
        </div>
        <p id="q-search-help" className="field__hint">
          Whole words, any case; every word must occur. New reports and messages are found within a few seconds.
        </p>
      </form>
      <form className="filters" aria-label="Filter the queue" onSubmit={(e) => e.preventDefault()}>
        <FilterSelect
          id="q-state"
          label="State"
          value={state}
          onChange={setState}
          options={[['open', 'Open'], ['all', 'All states'], ...REPORT_STATES.map((s) => [s, humanize(s)] as const)]}
        />
        <FilterSelect id="q-severity" label="Severity" value={severity} onChange={setSeverity} options={[['any', 'Any severity'], ...[...SEVERITIES].reverse().map((s) => [s, humanize(s)] as const)]} />
        <FilterSelect id="q-due" label="Next deadline" value={due} onChange={setDue} options={DUE_CHOICES} />
        <FilterSelect id="q-project" label="Project" value={project} onChange={setProject} options={[['all', `All my projects (${projects.length})`], ...projects.map((p) => [p.slug, p.name] as const)]} />
        <FilterSelect
          id="q-assignee"
          label="Assignee"
          value={assignee}
          onChange={setAssignee}
          options={[['any', 'Anyone or nobody'], ['me', 'Assigned to me'], ['none', 'Nobody'], ...members.map((m) => [m.id, m.name] as const)]}
        />
        <FilterSelect id="q-flag" label="Flags" value={flag} onChange={setFlag} options={FLAG_CHOICES} />
        <FilterSelect id="q-source" label="Source" value={from} onChange={setFrom} options={SOURCE_CHOICES} />
        <FilterSelect id="q-age" label="Received" value={age} onChange={setAge} options={AGE_CHOICES} />
      </form>
      <ReviewCounts projects={projects.filter((p) => can(p.role, 'intake:review'))} />
      {triageable && first.state === 'ready' && (
        <BulkBar
          userId={userId}
          selected={selected}
          projects={projects}
          members={members}
          onDone={() => {
            // The changed rows may leave the list: clear the selection now, not when the reload lands.
            setSelected(new Set());
            reload();
          }}
        />
      )}
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
      {first.state === 'ready' && (
        <QueueList
          first={first.data.merged}
          fetch={source.fetch}
          now={now}
          searched={first.data.searched}
          selected={triageable ? selected : null}
          onSelect={(key, on) =>
            setSelected((prev) => {
              const next = new Set(prev);
              if (on) next.add(key);
              else next.delete(key);
              return next;
            })
          }
        />
      )}
    </>
  );
}

/** The rows shown so far, and "Show more" while any project has more. A new filter remounts it (a new `first`). */
interface QueueListProps {
  first: Merged<QueueRow>;
  fetch: FetchPage<QueueRow>;
  now: number;
  searched: string;
  /** The rows chosen for a bulk action (`slug/tracking ID`), or null when the user can triage no project. */
  selected: ReadonlySet<string> | null;
  onSelect(key: string, on: boolean): void;
}

function QueueList({ first, fetch, now, searched, selected, onSelect }: QueueListProps) {
  // What "Show more" added to this `first`; a new `first` (new filters) starts over in the same render, never
  // showing the previous filters' rows under the new label.
  const [grown, setGrown] = useState({ first, merged: first });
  const merged = grown.first === first ? grown.merged : first;
  const setMerged = (m: Merged<QueueRow>) => setGrown({ first, merged: m });
  const [more, setMore] = useState<{ state: 'idle' | 'loading' } | { state: 'error'; error: unknown }>({ state: 'idle' });
  useEffect(() => setMore({ state: 'idle' }), [first]);
  const rows = merged.shown;
  if (rows.length === 0) return <p role="status">{searched ? `No reports match “${searched}” with these filters.` : 'No reports match these filters.'}</p>;
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
        {complete ? `${rows.length} report${rows.length === 1 ? '' : 's'}` : `The first ${rows.length} reports`}
        {searched ? ` matching “${searched}”` : ''}, overdue and due soon first.
      </p>
      <ul className="queue" aria-label="Reports">
        {rows.map((row) => {
          const { project, report } = row;
          const next = report.next_deadline;
          const key = `${project.slug}/${report.tracking_id}`;
          return (
            <li key={key} className={`queue__item${next ? ` queue__item--${urgencyOf(next, now)}` : ''}${selected ? ' queue__item--selectable' : ''}`}>
              {selected && canTriage(project) && (
                <input
                  type="checkbox"
                  className="queue__select"
                  aria-label={`Select ${report.tracking_id}`}
                  checked={selected.has(key)}
                  onChange={(e) => onSelect(key, e.target.checked)}
                />
              )}
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
                <span className="muted">{report.assignee ? `Assigned to ${report.assignee.name}` : 'Unassigned'}</span>
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

type BulkChoice = 'assign-me' | 'unassign' | `assign:${string}` | `reject:${string}`;

/**
 * Acts on the selected reports, project by project (one request each): assign (to me, a member of the one chosen
 * project, or nobody) or reject with a reason. Its outcome is announced beside its button, which keeps focus.
 */
function BulkBar({ userId, selected, projects, members, onDone }: { userId: string; selected: ReadonlySet<string>; projects: DashboardProject[]; members: Assignee[]; onDone(): void }) {
  const [choice, setChoice] = useState<BulkChoice>('assign-me');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const bySlug = new Map<string, string[]>();
  for (const key of selected) {
    const [slug, id] = key.split('/') as [string, string];
    bySlug.set(slug, [...(bySlug.get(slug) ?? []), id]);
  }
  const apply = async () => {
    if (busy) return;
    if (selected.size === 0) return setOutcome({ ok: false, text: 'Tick at least one report in the list first.' });
    setBusy(true);
    setOutcome(null);
    let changed = 0;
    const refused: string[] = [];
    try {
      for (const [slug, ids] of bySlug) {
        if (!projects.some((p) => p.slug === slug && canTriage(p))) continue;
        const action =
          choice === 'assign-me' || choice === 'unassign' || choice.startsWith('assign:')
            ? { action: 'assign' as const, user_id: choice === 'unassign' ? null : choice === 'assign-me' ? userId : choice.slice('assign:'.length) }
            : { action: 'reject' as const, reason: choice.slice('reject:'.length) };
        const result = await appApi.bulk(slug, ids, action);
        for (const r of result.results) {
          if (r.ok) changed += 1;
          else refused.push(`${r.tracking_id}: ${r.error ?? 'not changed'}`);
        }
      }
      setOutcome({ ok: refused.length === 0, text: `${changed} report${changed === 1 ? '' : 's'} changed.${refused.length ? ` Not changed: ${refused.join('; ')}` : ''}` });
      onDone();
    } catch (e) {
      setOutcome({ ok: false, text: errorText(e) });
    } finally {
      setBusy(false);
      button.current?.focus();
    }
  };
  return (
    <form
      className="bulk"
      aria-label="Act on the selected reports"
      onSubmit={(e) => {
        e.preventDefault();
        void apply();
      }}
    >
      <div className="field">
        <label htmlFor="bulk-action">With the selected reports</label>
        <select id="bulk-action" value={choice} onChange={(e) => setChoice(e.target.value as BulkChoice)}>
          <option value="assign-me">Assign to me</option>
          {members.map((m) => (
            <option key={m.id} value={`assign:${m.id}`}>
              Assign to {m.name}
            </option>
          ))}
          <option value="unassign">Unassign</option>
          {REJECTION_REASONS.filter((r) => r !== 'duplicate').map((r) => (
            <option key={r} value={`reject:${r}`}>
              Reject: {humanize(r)}
            </option>
          ))}
        </select>
      </div>
      <div className="bulk__apply">
        {/* Never disabled: a disabled button drops the focus it must keep after the action. */}
        <button ref={button} type="submit" className="button" aria-disabled={busy} aria-describedby="bulk-outcome">
          {busy ? 'Applying…' : `Apply to ${selected.size} selected`}
        </button>
        <p id="bulk-outcome" role="status" className={outcome ? (outcome.ok ? 'bulk__ok' : 'bulk__error') : 'muted'}>
          {outcome?.text ?? (selected.size === 0 ? 'Tick reports in the list to act on several at once.' : '')}
        </p>
      </div>
    </form>
  );
}

/**
 * How many held submissions wait in each project's review queue (issue 18): a count and a link, the only sign of
 * them — they are not reports yet, so they are not in the list below and notified nobody.
 */
function ReviewCounts({ projects }: { projects: DashboardProject[] }) {
  const [counts, setCounts] = useState<{ slug: string; name: string; total: number }[]>([]);
  const slugs = projects.map((p) => p.slug).join(',');
  useEffect(() => {
    let current = true;
    void Promise.all(projects.map((p) => appApi.review(p.slug, { limit: 1 }).then((r) => ({ slug: p.slug, name: p.name, total: r.total }), () => ({ slug: p.slug, name: p.name, total: 0 })))).then(
      (all) => current && setCounts(all.filter((c) => c.total > 0)),
    );
    return () => {
      current = false;
    };
  }, [slugs]);
  if (!counts.length) return null;
  return (
    <ul className="notice review-counts" aria-label="Review queues">
      {counts.map((c) => (
        <li key={c.slug}>
          <Link to={`/app/p/${c.slug}/review`}>
            {c.total} held submission{c.total === 1 ? '' : 's'} to review in {c.name}
          </Link>
        </li>
      ))}
    </ul>
  );
}
