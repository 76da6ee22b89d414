import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api.ts';
import { appApi, type DashboardProject, type ReportDetail } from '../../api-app.ts';
import { useLoad, useTitle } from '../../hooks.ts';
import { formatDate, humanize } from '../../format.ts';
import { Link, navigate } from '../../router.tsx';
import { Loading, PageLoadError } from '../../components/Status.tsx';
import { MemberProjectLayout } from '../../components/app/MaintainerLayout.tsx';
import { Countdown, useNow } from '../../components/app/Countdown.tsx';
import { SeverityBadge, StateBadge } from '../../components/app/Badges.tsx';
import { CvssCalculator } from '../../components/app/CvssCalculator.tsx';
import { AttachmentList, MessageForm, Thread } from '../../components/app/Thread.tsx';
import { AuditTrail } from '../../components/app/AuditTrail.tsx';
import { CaseParties } from '../../components/app/CaseParties.tsx';
import { can } from '../../../../src/core/access/permissions.ts';
import { isReportState, REJECTION_REASONS, TRANSITIONS } from '../../../../src/core/reports/states.ts';
import { SEVERITIES } from '../../../../src/core/severity.ts';

export function ReportPage({ slug, trackingId }: { slug: string; trackingId: string }) {
  return <MemberProjectLayout slug={slug}>{(project) => <Report project={project} trackingId={trackingId} />}</MemberProjectLayout>;
}

const BODY_FIELDS: [keyof ReportDetail['body'], string][] = [
  ['description', 'Description'],
  ['steps_to_reproduce', 'Steps to reproduce'],
  ['impact', 'Impact'],
  ['environment', 'Environment'],
  ['proof_of_concept', 'Proof of concept'],
  ['suggested_fix', 'Suggested fix'],
];

function Report({ project, trackingId }: { project: DashboardProject; trackingId: string }) {
  const [detail, reload] = useLoad(() => appApi.report(project.slug, trackingId), [project.slug, trackingId]);
  useTitle(detail.state === 'ready' ? `${trackingId}: ${detail.data.title}` : trackingId);
  const now = useNow();
  if (detail.state === 'loading') return <Loading what={`report ${trackingId}`} />;
  if (detail.state === 'error') return <PageLoadError heading={`Report ${trackingId}`} error={detail.error} title="The report could not be loaded" />;
  const r = detail.data;
  const mayTriage = can(project.role, 'report:triage');
  const mayReply = can(project.role, 'report:reply');
  const cls = r.classification;
  return (
    <article className="report">
      <p className="breadcrumbs">
        <Link to="/app">Queue</Link> › {project.name}
      </p>
      <h1>
        <span className="tracking-id">{r.tracking_id}</span>: {r.title}
      </h1>
      <dl className="facts">
        <dt>State</dt>
        <dd>
          <StateBadge state={r.state} />
          {r.rejection_reason && <> ({humanize(r.rejection_reason)}{r.duplicate_of ? ` of ${r.duplicate_of}` : ''})</>}
        </dd>
        <dt>Severity</dt>
        <dd>
          <SeverityBadge severity={r.severity} />
          {r.cvss.v3 && <span className="cvss-inline"> CVSS v{r.cvss.v3.version} {r.cvss.v3.score.toFixed(1)} <code>{r.cvss.v3.vector}</code></span>}
          {r.cvss.v4 && <span className="cvss-inline"> CVSS v4.0 {r.cvss.v4.score.toFixed(1)} <code>{r.cvss.v4.vector}</code></span>}
        </dd>
        <dt>Received</dt>
        <dd>
          {formatDate(r.created_at)} via {r.source}
        </dd>
        <dt>Category</dt>
        <dd>{r.category ? humanize(r.category) : 'not given'}</dd>
        <dt>Affected version</dt>
        <dd>
          {r.affected_version ?? 'not given'} — {humanize(cls.version_status)}
          {cls.version_matched ? ` (${cls.version_matched})` : ''}
        </dd>
        <dt>Scope</dt>
        <dd>{humanize(cls.scope_status)}</dd>
        <dt>Flags</dt>
        <dd>
          {cls.flags.length === 0
            ? 'none'
            : cls.flags.map((f) => (
                <span key={f} className="badge badge--flag">
                  {humanize(f)}
                </span>
              ))}
        </dd>
        <dt>Disclosure date</dt>
        <dd>{r.embargo_until ? formatDate(r.embargo_until) : 'not agreed (the policy’s default applies)'}</dd>
        <dt>Credit</dt>
        <dd>{r.credit_choice === 'anonymous' ? 'anonymous' : (r.body.credit_name ?? r.body.reporter_name ?? 'not given')}</dd>
      </dl>

      <h2>Deadlines</h2>
      {r.deadlines.length === 0 ? (
        <p className="muted">No deadlines.</p>
      ) : (
        <ul className="deadlines">
          {r.deadlines.map((d) => (
            <li key={d.clock}>
              <Countdown deadline={d} now={now} /> <span className="muted">({d.promise})</span>
            </li>
          ))}
        </ul>
      )}

      <h2>Report</h2>
      {BODY_FIELDS.map(([key, label]) => {
        const text = r.body[key];
        return text ? (
          <section key={key} className="report__field">
            <h3>{label}</h3>
            <p className="message__body">{text}</p>
          </section>
        ) : null;
      })}
      <h3>Attachments</h3>
      {r.attachments.length === 0 ? <p className="muted">None.</p> : <AttachmentList attachments={r.attachments} />}

      <h2>Triage</h2>
      {mayTriage ? (
        <TriagePanel project={project} report={r} onChange={reload} />
      ) : (
        <p className="notice">Your role on {project.name} ({project.role}) can read this report but not triage it.</p>
      )}

      <h2>Thread</h2>
      <Thread messages={r.messages} attachments={r.attachments} />
      {mayReply && (
        <div className="message-forms">
          <MessageForm
            internal={false}
            onSend={async (body) => {
              await appApi.message(project.slug, r.tracking_id, body, false);
              reload();
            }}
          />
          <MessageForm
            internal
            onSend={async (body) => {
              await appApi.message(project.slug, r.tracking_id, body, true);
              reload();
            }}
          />
        </div>
      )}

      <CaseParties slug={project.slug} trackingId={r.tracking_id} mayManage={can(project.role, 'case:manage')} />

      {can(project.role, 'audit:read') && (
        <>
          <h2>Audit trail</h2>
          <AuditTrail slug={project.slug} trackingId={r.tracking_id} version={r.updated_at + r.messages.length} />
        </>
      )}
    </article>
  );
}

function errorText(e: unknown): string {
  if (e instanceof ApiError && e.problems.length) return e.problems.map((p) => `${humanize(p.field)} ${p.message}`).join('; ');
  return e instanceof Error ? e.message : String(e);
}

function TriagePanel({ project, report, onChange }: { project: DashboardProject; report: ReportDetail; onChange: () => void }) {
  // The server's list, cross-checked with the core's state machine (both must allow a move).
  const allowed = isReportState(report.state) ? report.allowed_transitions.filter((s) => (TRANSITIONS[report.state as keyof typeof TRANSITIONS] as readonly string[]).includes(s)) : [];
  const [reason, setReason] = useState('');
  const [duplicateOf, setDuplicateOf] = useState('');
  const [severity, setSeverity] = useState(report.severity ?? '');
  const [embargo, setEmbargo] = useState(report.embargo_until ? report.embargo_until.slice(0, 10) : '');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (what: string, fn: () => Promise<unknown>) => {
    setBusy(true);
    setMessage(null);
    try {
      await fn();
      setMessage({ ok: true, text: what });
      onChange();
    } catch (e) {
      setMessage({ ok: false, text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };
  const move = (to: string) =>
    run(`Moved to ${humanize(to)}.`, () => appApi.transition(project.slug, report.tracking_id, to, to === 'rejected' ? reason || null : null, to === 'rejected' && reason === 'duplicate' ? duplicateOf.trim() || null : null));
  const saveSeverity = (e: FormEvent) => {
    e.preventDefault();
    void run('Severity saved.', () => appApi.setSeverity(project.slug, report.tracking_id, { severity: severity || null }));
  };
  const saveEmbargo = (e: FormEvent) => {
    e.preventDefault();
    void run(embargo ? 'Disclosure date saved.' : 'Disclosure date cleared.', () => appApi.setEmbargo(project.slug, report.tracking_id, embargo || null));
  };
  const draftAdvisory = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const view = await appApi.createAdvisory(project.slug, { report: report.tracking_id });
      navigate(`/app/p/${project.slug}/advisories/${view.advisory.id}`);
    } catch (e) {
      setMessage({ ok: false, text: errorText(e) });
      setBusy(false);
    }
  };

  return (
    <div className="triage">
      {message && (
        <p className={message.ok ? 'notice notice--ok' : 'notice notice--error'} role={message.ok ? 'status' : 'alert'}>
          {message.text}
        </p>
      )}
      <section aria-labelledby="triage-state">
        <h3 id="triage-state">Move the report</h3>
        {allowed.length === 0 ? (
          <p className="muted">No further states: the report is {humanize(report.state)}.</p>
        ) : (
          <>
            {allowed.includes('rejected') && (
              <div className="inline-fields">
                <div className="field">
                  <label htmlFor="t-reason">Rejection reason (needed to reject)</label>
                  <select id="t-reason" value={reason} onChange={(e) => setReason(e.target.value)}>
                    <option value="">Choose…</option>
                    {REJECTION_REASONS.map((r) => (
                      <option key={r} value={r}>
                        {humanize(r)}
                      </option>
                    ))}
                  </select>
                </div>
                {reason === 'duplicate' && (
                  <div className="field">
                    <label htmlFor="t-dup">Duplicate of (tracking ID)</label>
                    <input id="t-dup" type="text" value={duplicateOf} onChange={(e) => setDuplicateOf(e.target.value)} />
                  </div>
                )}
              </div>
            )}
            <ul className="actions" aria-label="Allowed next states">
              {allowed.map((to) => (
                <li key={to}>
                  <button type="button" className={`button${to === 'rejected' ? ' button--danger' : ''}`} disabled={busy || (to === 'rejected' && !reason)} onClick={() => void move(to)}>
                    Move to {humanize(to)}
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>

      <form className="form inline-form" noValidate onSubmit={saveSeverity} aria-labelledby="triage-severity">
        <h3 id="triage-severity">Severity</h3>
        <div className="field">
          <label htmlFor="t-severity">Severity (set by hand; a saved CVSS vector sets it from the score)</label>
          <select id="t-severity" value={severity} onChange={(e) => setSeverity(e.target.value)}>
            <option value="">Not set</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button" disabled={busy}>
          Save severity
        </button>
      </form>

      <form className="form inline-form" noValidate onSubmit={saveEmbargo} aria-labelledby="triage-embargo">
        <h3 id="triage-embargo">Disclosure date</h3>
        <div className="field">
          <label htmlFor="t-embargo">Agreed public disclosure date (empty to clear)</label>
          <input id="t-embargo" type="date" value={embargo} onChange={(e) => setEmbargo(e.target.value)} />
        </div>
        <button type="submit" className="button" disabled={busy}>
          Save date
        </button>
      </form>

      <CvssCalculator
        initialV3={report.cvss.v3?.vector ?? null}
        initialV4={report.cvss.v4?.vector ?? null}
        onSave={async (version, vector) => {
          await appApi.setSeverity(project.slug, report.tracking_id, version === '4.0' ? { cvss_v4_vector: vector } : { cvss_v3_vector: vector });
          onChange();
        }}
      />

      {can(project.role, 'advisory:edit') && (
        <section aria-labelledby="triage-advisory">
          <h3 id="triage-advisory">Advisory</h3>
          <p>Start the public advisory from this report: title, CWE, CVSS, credit and the disclosure date are filled in.</p>
          <button type="button" className="button" disabled={busy} onClick={() => void draftAdvisory()}>
            Draft advisory
          </button>
        </section>
      )}
    </div>
  );
}
