import { useEffect, useRef, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { appApi, type Assignee, type DashboardProject, type ReportDetail } from '../../api-app.ts';
import { useLoad, useTitle } from '../../hooks.ts';
import { formatDate, humanize } from '../../format.ts';
import { Link, navigate } from '../../router.tsx';
import { errorText, Loading, PageLoadError } from '../../components/Status.tsx';
import { MemberProjectLayout } from '../../components/app/MaintainerLayout.tsx';
import { Countdown, useNow } from '../../components/app/Countdown.tsx';
import { SeverityBadge, StateBadge } from '../../components/app/Badges.tsx';
import { CvssCalculator } from '../../components/app/CvssCalculator.tsx';
import { AttachmentList, MessageForm, Thread } from '../../components/app/Thread.tsx';
import { AuditTrail } from '../../components/app/AuditTrail.tsx';
import { ConfirmButton } from '../../components/app/ConfirmButton.tsx';
import { expiryIn } from '../../components/app/SenderBlocks.tsx';
import { DuplicateCandidates } from '../../components/app/DuplicateCandidates.tsx';
import { KnownAdvisories } from '../../components/app/KnownAdvisories.tsx';
import { QualitySignals } from '../../components/app/QualitySignals.tsx';
import { CaseParties } from '../../components/app/CaseParties.tsx';
import { CraReporting } from '../../components/app/CraReporting.tsx';
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
  ['ai_disclosure', 'AI use (the reporter\'s answer)'],
];

/**
 * One report: what the reporter wrote and the thread in the main column; facts, deadlines and the actions the
 * user's role allows beside it. On a phone, one column: facts and deadlines, then the report and thread, then the
 * actions (the long triage panel does not push the report off the first screens). Every action keeps the focus on
 * its control and announces its outcome right beside it.
 */
function Report({ project, trackingId }: { project: DashboardProject; trackingId: string }) {
  const [detail, reload] = useLoad(() => appApi.report(project.slug, trackingId), [project.slug, trackingId]);
  useTitle(detail.state === 'ready' ? `${trackingId}: ${detail.data.title}` : trackingId);
  const now = useNow();
  if (detail.state === 'loading') return <Loading what={`report ${trackingId}`} />;
  if (detail.state === 'error') return <PageLoadError heading={`Report ${trackingId}`} error={detail.error} title="The report could not be loaded" />;
  const r = detail.data;
  const mayTriage = can(project.role, 'report:triage');
  const mayReply = can(project.role, 'report:reply');
  const mayNote = can(project.role, 'report:note');
  return (
    <article className="report">
      <p className="breadcrumbs">
        <Link to="/app">Queue</Link> › {project.name}
      </p>
      <h1>
        <span className="tracking-id">{r.tracking_id}</span>: {r.title}
      </h1>
      <div className="report__layout">
        <aside className="report__side report__facts" aria-label="Facts and deadlines">
          <Facts report={r} />
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
        </aside>
        <div className="report__main">
          <DuplicateCandidates slug={project.slug} report={r} mayReject={mayTriage} onChange={reload} />
          <KnownAdvisories report={r} />
          <QualitySignals report={r} />
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

          <h2>Thread</h2>
          <Thread messages={r.messages} attachments={r.attachments} />
          {mayReply || mayNote ? (
            <div className="message-forms">
              {mayReply && (
                <MessageForm
                  internal={false}
                  onSend={async (body) => {
                    await appApi.message(project.slug, r.tracking_id, body, false);
                    reload();
                  }}
                />
              )}
              {mayNote && (
                <MessageForm
                  internal
                  onSend={async (body) => {
                    await appApi.message(project.slug, r.tracking_id, body, true);
                    reload();
                  }}
                />
              )}
            </div>
          ) : (
            <p className="muted">Replies and internal notes are written by the project’s admins and triagers.</p>
          )}
          <CraReporting slug={project.slug} trackingId={r.tracking_id} mayTriage={mayTriage} version={r.updated_at} onChange={reload} />
          <CaseParties slug={project.slug} trackingId={r.tracking_id} mayManage={can(project.role, 'case:manage')} />
        </div>
        <aside className="report__side report__actions" aria-label="Actions">
          <h2>Actions</h2>
          {mayTriage ? (
            <TriagePanel project={project} report={r} onChange={reload} />
          ) : (
            <p className="notice">Your role on {project.name} ({project.role}) can read this report but not change it.</p>
          )}
        </aside>
      </div>
      {can(project.role, 'audit:read') && <AuditTrail slug={project.slug} trackingId={r.tracking_id} version={r.updated_at + r.messages.length + (r.assignee?.id ?? '')} />}
    </article>
  );
}

function Facts({ report: r }: { report: ReportDetail }) {
  const cls = r.classification;
  return (
    <>
      <h2 className="visually-hidden">Facts</h2>
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
        <dt>Assignee</dt>
        <dd>{r.assignee ? r.assignee.name : 'nobody'}</dd>
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
    </>
  );
}

type Outcome = { ok: boolean; text: string } | null;

/**
 * One action's state: busy, and its outcome, shown by <Outcome> right after its control. Controls are never
 * disabled while busy (a disabled button loses the focus); a second press while busy does nothing.
 */
function useAction(onChange: () => void) {
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const run = async (done: string, fn: () => Promise<unknown>) => {
    if (busy) return;
    setBusy(true);
    setOutcome(null);
    try {
      await fn();
      setOutcome({ ok: true, text: done });
      onChange();
    } catch (e) {
      setOutcome({ ok: false, text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };
  return { busy, outcome, setOutcome, run };
}

function OutcomeText({ outcome, id, focusRef }: { outcome: Outcome; id: string; focusRef?: RefObject<HTMLParagraphElement | null> }) {
  // Always in the page (empty when there is nothing to say), so screen readers announce the text when it appears.
  return (
    <p id={id} ref={focusRef} tabIndex={focusRef ? -1 : undefined} className={`outcome${outcome ? (outcome.ok ? ' outcome--ok' : ' outcome--error') : ''}`} role="status">
      {outcome?.text ?? ''}
    </p>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="triage__section" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

function TriagePanel({ project, report, onChange }: { project: DashboardProject; report: ReportDetail; onChange: () => void }) {
  // The server's list, cross-checked with the core's state machine (both must allow a move).
  const allowed = isReportState(report.state) ? report.allowed_transitions.filter((s) => (TRANSITIONS[report.state as keyof typeof TRANSITIONS] as readonly string[]).includes(s)) : [];
  const [reason, setReason] = useState('');
  const [duplicateOf, setDuplicateOf] = useState('');
  const [severity, setSeverity] = useState(report.severity ?? '');
  const [embargo, setEmbargo] = useState(report.embargo_until ? report.embargo_until.slice(0, 10) : '');
  const [assignee, setAssignee] = useState(report.assignee?.id ?? '');
  const [assignees, setAssignees] = useState<Assignee[] | null>(null);
  useEffect(() => {
    let current = true;
    void appApi.assignees(project.slug).then((l) => current && setAssignees(l.assignees), () => current && setAssignees([]));
    return () => {
      current = false;
    };
  }, [project.slug]);
  const moveAction = useAction(onChange);
  const assignAction = useAction(onChange);
  const severityAction = useAction(onChange);
  const embargoAction = useAction(onChange);
  const advisoryAction = useAction(() => undefined);
  // A move replaces the buttons it chose between: focus goes to its outcome, beside where the button was.
  const moveOutcome = useRef<HTMLParagraphElement>(null);

  const move = async (to: string) => {
    await moveAction.run(`Moved to ${humanize(to)}.`, () =>
      appApi.transition(project.slug, report.tracking_id, to, to === 'rejected' ? reason || null : null, to === 'rejected' && reason === 'duplicate' ? duplicateOf.trim() || null : null),
    );
    moveOutcome.current?.focus();
  };
  const saveAssignee = (e: FormEvent) => {
    e.preventDefault();
    const name = assignees?.find((a) => a.id === assignee)?.name;
    void assignAction.run(assignee ? `Assigned to ${name ?? 'them'}.` : 'Unassigned.', () => appApi.assign(project.slug, report.tracking_id, assignee || null));
  };
  const saveSeverity = (e: FormEvent) => {
    e.preventDefault();
    void severityAction.run('Severity saved.', () => appApi.setSeverity(project.slug, report.tracking_id, { severity: severity || null }));
  };
  const saveEmbargo = (e: FormEvent) => {
    e.preventDefault();
    void embargoAction.run(embargo ? 'Disclosure date saved.' : 'Disclosure date cleared.', () => appApi.setEmbargo(project.slug, report.tracking_id, embargo || null));
  };
  const draftAdvisory = () =>
    advisoryAction.run('Advisory drafted.', async () => {
      const view = await appApi.createAdvisory(project.slug, { report: report.tracking_id });
      navigate(`/app/p/${project.slug}/advisories/${view.advisory.id}`);
    });

  return (
    <div className="triage">
      <Section id="triage-state" title="Move the report">
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
                    {/* Work on a fix can only end as won't fix (the server's rule, core/reports/states.ts). */}
                    {REJECTION_REASONS.filter((r) => report.state !== 'fixing' || r === 'wont-fix').map((r) => (
                      <option key={r} value={r}>
                        {r === 'wont-fix' ? 'Won’t fix (confirmed, not to be fixed; the disclosure promise stays)' : humanize(r)}
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
                  <button type="button" className={`button${to === 'rejected' ? ' button--danger' : ''}`} disabled={to === 'rejected' && !reason} aria-disabled={moveAction.busy} aria-describedby="triage-state-outcome" onClick={() => void move(to)}>
                    Move to {humanize(to)}
                  </button>
                </li>
              ))}
            </ul>
          </>
        )}
        <OutcomeText outcome={moveAction.outcome} id="triage-state-outcome" focusRef={moveOutcome} />
      </Section>

      <form className="form triage__section" noValidate onSubmit={saveAssignee} aria-labelledby="triage-assignee">
        <h3 id="triage-assignee">Assignee</h3>
        <div className="field">
          <label htmlFor="t-assignee">Who has this report (admins and triagers of {project.name})</label>
          <select id="t-assignee" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
            <option value="">Nobody</option>
            {(assignees ?? (report.assignee ? [report.assignee] : [])).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button" aria-disabled={assignAction.busy} aria-describedby="triage-assignee-outcome">
          Save assignee
        </button>
        <OutcomeText outcome={assignAction.outcome} id="triage-assignee-outcome" />
      </form>

      <form className="form triage__section" noValidate onSubmit={saveSeverity} aria-labelledby="triage-severity">
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
        <button type="submit" className="button" aria-disabled={severityAction.busy} aria-describedby="triage-severity-outcome">
          Save severity
        </button>
        <OutcomeText outcome={severityAction.outcome} id="triage-severity-outcome" />
      </form>

      <form className="form triage__section" noValidate onSubmit={saveEmbargo} aria-labelledby="triage-embargo">
        <h3 id="triage-embargo">Disclosure date</h3>
        <div className="field">
          <label htmlFor="t-embargo">Agreed public disclosure date (empty to clear)</label>
          <input id="t-embargo" type="date" value={embargo} onChange={(e) => setEmbargo(e.target.value)} />
        </div>
        <button type="submit" className="button" aria-disabled={embargoAction.busy} aria-describedby="triage-embargo-outcome">
          Save date
        </button>
        <OutcomeText outcome={embargoAction.outcome} id="triage-embargo-outcome" />
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
        <Section id="triage-advisory" title="Advisory">
          <p>Start the public advisory from this report: title, CWE, CVSS, credit and the disclosure date are filled in. Its CVE section reserves a CVE ID (when the project is a CNA) or prefills the request to your CNA of last resort.</p>
          <button type="button" className="button" aria-disabled={advisoryAction.busy} aria-describedby="triage-advisory-outcome" onClick={() => void draftAdvisory()}>
            Draft advisory
          </button>
          <OutcomeText outcome={advisoryAction.outcome} id="triage-advisory-outcome" />
        </Section>
      )}

      {can(project.role, 'sender:block') && <BlockSender project={project} report={report} />}
    </div>
  );
}

/**
 * "Block this sender" (issue 18): blocks the address and OpenPGP keys the report came with, for this project,
 * without showing them; the sender's next submissions wait in the review queue.
 */
function BlockSender({ project, report }: { project: DashboardProject; report: ReportDetail }) {
  const action = useAction(() => undefined);
  const [days, setDays] = useState('0');
  const block = () =>
    action.run(`The sender of ${report.tracking_id} is blocked${days === '0' ? '' : ` for ${days} days`}: their next submissions wait in the review queue.`, () =>
      appApi.blockSender(project.slug, report.tracking_id, { expires_at: expiryIn(days), note: null }),
    );
  return (
    <Section id="triage-block" title="Sender">
      <p>Block whoever sent this report (by the address and OpenPGP key it came with) from reaching the queue. They are not told.</p>
      <div className="field">
        <label htmlFor="t-block-days">Block for</label>
        <select id="t-block-days" value={days} onChange={(e) => setDays(e.target.value)}>
          <option value="0">Indefinitely</option>
          <option value="7">7 days</option>
          <option value="30">30 days</option>
          <option value="365">1 year</option>
        </select>
      </div>
      <ConfirmButton
        label="Block this sender"
        question={<>Block the sender of {report.tracking_id}? You can lift it under Settings › Blocked senders.</>}
        confirmLabel="Block sender"
        onConfirm={block}
      />
      <OutcomeText outcome={action.outcome} id="triage-block-outcome" />
    </Section>
  );
}
