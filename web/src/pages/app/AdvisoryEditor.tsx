import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api.ts';
import { appApi, type AdvisoryPatch, type AdvisoryView, type DashboardProject, type ExportFormat } from '../../api-app.ts';
import { useLoad, useTitle } from '../../hooks.ts';
import { formatDate, formatRemaining, humanize } from '../../format.ts';
import { mergeDraft } from '../../draft-merge.ts';
import { Link } from '../../router.tsx';
import { ErrorMessage, Loading, PageLoadError, OutcomeMessage } from '../../components/Status.tsx';
import { AdvisoryCve } from '../../components/app/AdvisoryCve.tsx';
import { Markdown } from '../../components/Markdown.tsx';
import { MemberProjectLayout } from '../../components/app/MaintainerLayout.tsx';
import { AffectedEditor, CreditsEditor, ReferencesEditor } from '../../components/app/AdvisoryLists.tsx';
import { tryScore } from '../../components/app/CvssCalculator.tsx';
import { can } from '../../../../src/core/access/permissions.ts';
import { allowedAdvisoryTransitions, EDITABLE_STATES } from '../../../../src/core/advisories/states.ts';
import type { AdvisoryState } from '../../../../src/core/advisories/types.ts';

/** States in which the advisory has a public page. */
const PUBLIC_STATES = new Set(['published', 'amended', 'withdrawn']);

export function AdvisoryEditorPage({ slug, id }: { slug: string; id: string }) {
  return <MemberProjectLayout slug={slug}>{(project) => <Editor project={project} id={id} />}</MemberProjectLayout>;
}

const PUBLISH_STATES: readonly AdvisoryState[] = ['scheduled', 'published', 'withdrawn', 'amended'];

function Editor({ project, id }: { project: DashboardProject; id: string }) {
  const [loaded, reload] = useLoad(() => Promise.all([appApi.advisory(project.slug, id), api.project(project.slug)]), [project.slug, id]);
  // Kept here, not in the form: the outcome must outlive a form that a new advisory id remounts.
  const [flash, setFlash] = useState<Flash>(null);
  useTitle(`Advisory ${id}`);
  if (loaded.state === 'loading') return <Loading what={`advisory ${id}`} />;
  if (loaded.state === 'error') return <PageLoadError heading={`Advisory ${id}`} error={loaded.error} title="The advisory could not be loaded" />;
  const [view, info] = loaded.data;
  const branches = info.policy.supported_versions.map((v) => v.label);
  // Keyed by the advisory alone: a new revision or state updates the form in place (see mergeDraft), never remounts it.
  return <EditorForm key={view.advisory.id} project={project} view={view} branches={branches} onChange={reload} message={flash} setMessage={setFlash} />;
}

function draftOf(view: AdvisoryView) {
  const a = view.advisory;
  return {
    title: a.title,
    summary: a.summary,
    details: a.details,
    cwe: a.cwe_ids.join(', '),
    v3: a.cvss.v3 ?? '',
    v4: a.cvss.v4 ?? '',
    cve: a.cve_id ?? '',
    // A datetime-local value, read as UTC (the server keeps whole seconds in UTC).
    embargo: a.embargo_until ? a.embargo_until.slice(0, 16) : '',
    affected: a.affected,
    references: a.references,
    credits: a.credits,
  };
}
type Draft = ReturnType<typeof draftOf>;

function patchOf(d: Draft): AdvisoryPatch {
  return {
    title: d.title,
    summary: d.summary,
    details: d.details,
    cwe_ids: d.cwe
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    cvss: { v3: d.v3.trim() || null, v4: d.v4.trim() || null },
    cve_id: d.cve.trim() || null,
    embargo_until: d.embargo ? `${d.embargo}:00Z` : null,
    affected: d.affected,
    references: d.references,
    credits: d.credits,
  };
}

/** An outcome and the control it answers, so it shows beside that control (`top`: under the heading). */
type Flash = { ok: boolean; text: string; at?: 'top' | 'workflow' | 'embargo' | 'save' } | null;

interface EditorFormProps {
  project: DashboardProject;
  view: AdvisoryView;
  branches: string[];
  onChange: () => void;
  message: Flash;
  setMessage: (m: Flash) => void;
}

function EditorForm({ project, view, branches, onChange, message, setMessage }: EditorFormProps) {
  const a = view.advisory;
  const [draft, setDraft] = useState<Draft>(() => draftOf(view));
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  // The server's draft last shown, and what the last save sent: what mergeDraft needs when a new view arrives.
  const shown = useRef<Draft>(draftOf(view));
  const sent = useRef<Draft | null>(null);
  useEffect(() => {
    const server = draftOf(view);
    setDraft((current) => mergeDraft(current, shown.current, sent.current, server));
    shown.current = server;
    sent.current = null;
  }, [view]);
  const mayEdit = can(project.role, 'advisory:edit');
  const editable = EDITABLE_STATES.includes(a.state);
  const amendment = !editable && (a.state === 'published' || a.state === 'amended');
  // The server's rules (services/advisories): drafts are edited with advisory:edit; amending what is public needs
  // advisory:publish. A role that cannot save reads the advisory as text, with no form at all.
  const readOnly = editable ? !mayEdit : amendment ? !can(project.role, 'advisory:publish') : true;
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));

  const run = async (what: string, at: NonNullable<Flash>['at'], fn: () => Promise<unknown>) => {
    if (busy) return;
    setBusy(true);
    setMessage(null);
    try {
      await fn();
      setMessage({ ok: true, text: what, at });
      setBusy(false);
      onChange();
    } catch (e) {
      const text = e instanceof ApiError && e.problems.length ? e.problems.map((p) => `${p.field}: ${p.message}`).join('; ') : e instanceof Error ? e.message : String(e);
      setMessage({ ok: false, text, at });
      setBusy(false);
    }
  };
  const outcomeAt = (at: NonNullable<Flash>['at']) => (message && (message.at ?? 'top') === at ? <OutcomeMessage outcome={message} /> : null);
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const patch = patchOf(draft);
    // Only a date the editor changed is sent: the field shows minutes, and sending the same date back would still
    // drop its seconds and make a followed date the advisory's own. Published: the embargo is history.
    if (amendment || draft.embargo === draftOf(view).embargo) delete patch.embargo_until;
    sent.current = draft;
    void run('Saved.', 'save', async () => {
      await appApi.saveAdvisory(project.slug, a.id, patch, amendment ? note : null);
      if (amendment) setNote('');
    });
  };
  const mayPublish = can(project.role, 'advisory:publish');
  const embargo = useEmbargo(a.embargo_until);
  // Only moves the server takes (services/advisories moveAdvisory): before the embargo date it refuses to publish
  // (409 "under embargo": schedule instead), and it schedules only for a date still to come.
  const moves = allowedAdvisoryTransitions(a.state).filter(
    (to) => (PUBLISH_STATES.includes(to) ? mayPublish : mayEdit) && to !== 'amended' && !(to === 'published' && embargo.active) && !(to === 'scheduled' && !embargo.active),
  );
  const moveLabel = (to: AdvisoryState) =>
    to === 'scheduled' && a.embargo_until ? (
      <>
        Schedule publication for <time dateTime={a.embargo_until}>{formatDate(a.embargo_until)}</time>
      </>
    ) : (
      `Move to ${humanize(to)}`
    );
  const movedText = (to: AdvisoryState) => (to === 'scheduled' && a.embargo_until ? `Scheduled: published automatically at ${formatDate(a.embargo_until)}.` : `Moved to ${humanize(to)}.`);
  // Withdrawing needs a public summary (it becomes the withdrawal's revision note).
  const [withdrawal, setWithdrawal] = useState('');

  return (
    <>
      <p className="breadcrumbs">
        <Link to="/app/advisories">Advisories</Link> › {project.name}
        {view.report_tracking_id && (
          <>
            {' '}
            › from <Link className="tracking-id" to={`/app/p/${project.slug}/reports/${view.report_tracking_id}`}>{view.report_tracking_id}</Link>
          </>
        )}
      </p>
      <h1>
        <span className="tracking-id">{a.id}</span>: {a.title}
      </h1>
      <p>
        <span className={`badge state state--${a.state}`}>{humanize(a.state)}</span> <span className="muted">revision {view.revision}</span>
        {PUBLIC_STATES.has(a.state) && (
          <>
            {' · '}
            {/* A page the server renders: a plain link, not routed in the browser. */}
            <a href={`/projects/${encodeURIComponent(project.slug)}/advisories/${encodeURIComponent(a.id)}`}>Public page</a>
          </>
        )}
      </p>
      {outcomeAt('top')}
      {view.problems.length > 0 && (
        <div className="notice notice--warning">
          <h2>Still to do before review</h2>
          <ul aria-label="Problems">
            {view.problems.map((p, i) => (
              <li key={i}>
                <code>{p.field}</code> {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {moves.length > 0 && (
        <ul className="actions" aria-label="Advisory workflow">
          {moves.map((to) => (
            <li key={to}>
              {to === 'withdrawn' && (
                <div className="field">
                  <label htmlFor="a-withdrawal">Why it is withdrawn (public)</label>
                  <textarea id="a-withdrawal" rows={2} value={withdrawal} onChange={(e) => setWithdrawal(e.target.value)} aria-describedby="a-withdrawal-hint" />
                  <p className="field__hint" id="a-withdrawal-hint">
                    Shown on the public page and in the exports as the withdrawal’s note.
                  </p>
                </div>
              )}
              <button
                type="button"
                className="button"
                disabled={busy || (to === 'withdrawn' && !withdrawal.trim())}
                onClick={() => void run(movedText(to), 'workflow', () => appApi.moveAdvisory(project.slug, a.id, to, to === 'withdrawn' ? withdrawal.trim() : null))}
              >
                {moveLabel(to)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {embargo.active && mayPublish && a.embargo_until && (a.state === 'in-review' || a.state === 'scheduled') && (
        <p className="notice" id="a-embargo-why">
          {a.state === 'scheduled'
            ? `Published automatically at ${formatDate(a.embargo_until)} (${formatRemaining(embargo.remaining)}), the end of its embargo: it cannot be published before then.`
            : `Under embargo until ${formatDate(a.embargo_until)} (${formatRemaining(embargo.remaining)}): it cannot be published before then. Schedule it, and it is published automatically at that date.`}
        </p>
      )}
      {outcomeAt('workflow')}

      {readOnly ? (
        <ReadOnlyAdvisory view={view} why={whyReadOnly(project, a.state, editable)} />
      ) : (
      <form className="form" noValidate onSubmit={save}>
        <fieldset>
          <legend>Advisory</legend>
          <TextField id="a-title" label="Title" value={draft.title} onChange={(v) => set('title', v)} />
          <TextField id="a-summary" label="Summary (one line, up to 160 characters)" value={draft.summary} onChange={(v) => set('summary', v)} />
          <div className="field">
            <label htmlFor="a-details">Details (Markdown)</label>
            <textarea id="a-details" rows={8} value={draft.details} onChange={(e) => set('details', e.target.value)} />
          </div>
          <section className="preview" aria-labelledby="a-details-preview">
            <h3 id="a-details-preview">Details preview</h3>
            {draft.details.trim() ? <Markdown source={draft.details} /> : <p className="muted">Nothing yet.</p>}
          </section>
          <TextField id="a-cwe" label="CWE IDs (comma-separated, e.g. CWE-79)" value={draft.cwe} onChange={(v) => set('cwe', v)} />
          <TextField id="a-cve" label="CVE ID (once assigned)" value={draft.cve} onChange={(v) => set('cve', v)} />
          <div className="field">
            <label htmlFor="a-embargo">Embargo date (UTC)</label>
            <input id="a-embargo" type="datetime-local" value={draft.embargo} disabled={amendment} onChange={(e) => set('embargo', e.target.value)} aria-describedby="a-embargo-hint" />
            <p className="field__hint" id="a-embargo-hint">
              {!editable && a.state !== 'scheduled'
                ? 'The embargo this advisory was published under.'
                : view.embargo_follows_report && view.report_tracking_id
                ? `Follows the disclosure date of report ${view.report_tracking_id}: it moves when the report’s does. Empty: no embargo, it may be published at once.`
                : view.report_tracking_id
                  ? 'Set on this advisory: the report’s date no longer moves it.'
                  : 'Not before this instant: scheduling publishes it then. Empty: no embargo.'}
            </p>
            {!view.embargo_follows_report && view.report_tracking_id && editable && !readOnly && (
              <button type="button" className="button button--small" disabled={busy} onClick={() => void run('Following the report’s date.', 'embargo', () => appApi.saveAdvisory(project.slug, a.id, { embargo_follows_report: true }))}>
                Follow the report’s date
              </button>
            )}
            {outcomeAt('embargo')}
          </div>
          <VectorField id="a-v3" label="CVSS v3.1 vector" value={draft.v3} onChange={(v) => set('v3', v)} />
          <VectorField id="a-v4" label="CVSS v4.0 vector" value={draft.v4} onChange={(v) => set('v4', v)} />
        </fieldset>
        <AffectedEditor value={draft.affected} branches={branches} disabled={false} onChange={(v) => set('affected', v)} />
        <ReferencesEditor value={draft.references} disabled={false} onChange={(v) => set('references', v)} />
        <CreditsEditor value={draft.credits} disabled={false} onChange={(v) => set('credits', v)} />
        {amendment && <TextField id="a-note" label="What changed (required for an amendment)" value={note} onChange={setNote} />}
        {/* aria-disabled, not disabled: a disabled button drops the focus, which must stay on it (run() ignores a second press). */}
        <button type="submit" className="button button--primary" aria-disabled={busy}>
          {amendment ? 'Save amendment' : 'Save draft'}
        </button>
        {outcomeAt('save')}
      </form>
      )}
      <AdvisoryCve slug={project.slug} id={a.id} role={project.role} state={a.state} revision={view.revision} onAdvisoryChanged={(text) => {
          setMessage({ ok: true, text });
          onChange();
        }} />
      <ExportPreview slug={project.slug} id={a.id} revision={view.revision} />
    </>
  );
}

/**
 * Whether the embargo date is still to come, by this browser's clock, and how long until then. The page renders
 * again when the date passes, so the moves offered change with it (publish now instead of schedule).
 */
function useEmbargo(until: string | null): { active: boolean; remaining: number } {
  const at = until ? Date.parse(until) : Number.NaN;
  const [tick, setTick] = useState(0);
  const remaining = Number.isNaN(at) ? 0 : at - Date.now();
  useEffect(() => {
    const left = Number.isNaN(at) ? 0 : at - Date.now();
    if (left <= 0) return;
    // setTimeout takes at most 2^31-1 ms (about 24.8 days): a later date waits again after each tick.
    const timer = setTimeout(() => setTick((n) => n + 1), Math.min(left + 1000, 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [at, tick]);
  return { active: remaining > 0, remaining };
}

function whyReadOnly(project: DashboardProject, state: AdvisoryState, editable: boolean): string {
  if (editable) return `Your role on ${project.name} (${project.role}) can read advisories but not edit them.`;
  if (state === 'published' || state === 'amended') return `Published: only a project admin can amend it. Your role on ${project.name} is ${project.role}.`;
  if (state === 'scheduled') return 'Scheduled: it is not edited while it waits for its date. Move it back to in review to change it.';
  return `This advisory is ${humanize(state)}: it is no longer edited.`;
}

/** The embargo in words: the instant, what it follows, and what it means in this state. */
function embargoText(view: AdvisoryView): string {
  const a = view.advisory;
  if (!a.embargo_until) return a.state === 'published' || a.state === 'amended' || a.state === 'withdrawn' ? 'none (published at once)' : 'none: it may be published at once';
  const follows = view.embargo_follows_report && view.report_tracking_id ? `, follows the disclosure date of report ${view.report_tracking_id}` : view.report_tracking_id ? ', set on this advisory' : '';
  const then = a.state === 'scheduled' ? '; it is published automatically then' : PUBLIC_STATES.has(a.state) ? ' (the embargo it was published under)' : '';
  return `${formatDate(a.embargo_until)}${follows}${then}`;
}

/** The advisory as text, for a role or a state that cannot change it: no form, no controls that do nothing. */
function ReadOnlyAdvisory({ view, why }: { view: AdvisoryView; why: string }) {
  const a = view.advisory;
  return (
    <section className="advisory-read" aria-labelledby="a-read-h">
      <h2 id="a-read-h">Advisory</h2>
      <p className="notice">{why}</p>
      <dl className="facts">
        <dt>Title</dt>
        <dd>{a.title}</dd>
        <dt>Summary</dt>
        <dd>{a.summary || <span className="muted">none</span>}</dd>
        <dt>CWE IDs</dt>
        <dd>{a.cwe_ids.length ? a.cwe_ids.join(', ') : <span className="muted">none</span>}</dd>
        <dt>CVE ID</dt>
        <dd>{a.cve_id ?? <span className="muted">none</span>}</dd>
        <dt>Embargo date</dt>
        <dd>{embargoText(view)}</dd>
        <dt>CVSS</dt>
        <dd>{[a.cvss.v3, a.cvss.v4].filter(Boolean).map((v) => <code key={v}>{v} </code>)}{!a.cvss.v3 && !a.cvss.v4 && <span className="muted">none</span>}</dd>
      </dl>
      <h3>Details</h3>
      {a.details.trim() ? <Markdown source={a.details} /> : <p className="muted">None.</p>}
      <h3>Affected</h3>
      {a.affected.length === 0 ? (
        <p className="muted">None listed.</p>
      ) : (
        <ul>
          {a.affected.map((p) => (
            <li key={`${p.ecosystem}/${p.package}`}>
              {p.ecosystem} <code>{p.package}</code>:{' '}
              {p.branches.map((b) => `${b.branch} ${humanize(b.status)}${b.fixed ? ` (fixed in ${b.fixed})` : ''}${b.last_affected ? ` (last affected ${b.last_affected})` : ''}`).join('; ')}
            </li>
          ))}
        </ul>
      )}
      <h3>References</h3>
      {a.references.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul>
          {a.references.map((r) => (
            <li key={r.url}>
              {humanize(r.type)}: {r.url}
            </li>
          ))}
        </ul>
      )}
      <h3>Credits</h3>
      {a.credits.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul>
          {a.credits.map((c, i) => (
            <li key={i}>
              {c.name ?? 'Anonymous'} ({c.type})
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function TextField({ id, label, value, onChange }: { id: string; label: string; value: string; onChange: (v: string) => void }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="text" value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

/** A vector with its live score (the core's scorer in the browser) or what is wrong with it. */
function VectorField({ id, label, value, onChange }: { id: string; label: string; value: string; onChange: (v: string) => void }) {
  const scored = value.trim() ? tryScore(value.trim()) : null;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="text" value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={scored && 'error' in scored ? true : undefined} aria-describedby={`${id}-score`} />
      <p className="field__hint" id={`${id}-score`} aria-live="polite">
        {scored === null ? 'Empty: not scored.' : 'result' in scored ? `Score ${scored.result.score.toFixed(1)} (${humanize(scored.result.severity)})` : <span className="field__error">{scored.error}</span>}
      </p>
    </div>
  );
}

const FORMATS: { key: ExportFormat; label: string }[] = [
  { key: 'osv', label: 'OSV' },
  { key: 'cve', label: 'CVE JSON 5' },
  { key: 'csaf', label: 'CSAF 2.0' },
];

/** The saved advisory as each export format renders it (the server's exporter, not a copy of it). */
function ExportPreview({ slug, id, revision }: { slug: string; id: string; revision: number }) {
  const [format, setFormat] = useState<ExportFormat>('osv');
  const [doc] = useLoad(() => appApi.exportAdvisory(slug, id, format), [slug, id, format, revision]);
  return (
    <section className="export" aria-labelledby="export-h">
      <h2 id="export-h">Export preview</h2>
      <p className="muted">Of the last saved revision.</p>
      <fieldset className="radios export__formats">
        <legend>Format</legend>
        {FORMATS.map((f) => (
          <div className="radios__item" key={f.key}>
            <input type="radio" id={`export-${f.key}`} name="export-format" checked={format === f.key} onChange={() => setFormat(f.key)} />
            <label htmlFor={`export-${f.key}`}>{f.label}</label>
          </div>
        ))}
      </fieldset>
      {doc.state === 'loading' && <Loading what="the export" />}
      {doc.state === 'error' && <ErrorMessage error={doc.error} title="This export is not available yet" />}
      {doc.state === 'ready' && (
        <pre className="export__json" tabIndex={0} aria-label={`${format.toUpperCase()} export`}>
          {typeof doc.data === 'string' ? doc.data : JSON.stringify(doc.data, null, 2)}
        </pre>
      )}
    </section>
  );
}
