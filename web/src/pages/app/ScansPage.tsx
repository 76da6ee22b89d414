import { useState } from 'react';
import { appApi, type DashboardProject, type Finding, type Issue, type Scan, type ScanSummary } from '../../api-app.ts';
import { useLoad, useTitle } from '../../hooks.ts';
import { formatDate } from '../../format.ts';
import { Link } from '../../router.tsx';
import { ErrorMessage, errorText, Loading, OutcomeMessage } from '../../components/Status.tsx';
import { MemberProjectLayout } from '../../components/app/MaintainerLayout.tsx';
import { can } from '../../../../src/core/access/permissions.ts';

/**
 * A project's scans (docs/scanner.md): dependency findings of a lockfile or SBOM, hygiene findings of a zip of a
 * tree (secrets — only ever the redacted prefix, length and hash the API gives — and model files), imported SARIF
 * results, and what an earlier scan of the same kind found that this one no longer has. Admins and triagers turn
 * a finding into an internal report.
 */
export function ScansPage({ slug }: { slug: string }) {
  return <MemberProjectLayout slug={slug}>{(project) => <Scans project={project} />}</MemberProjectLayout>;
}

const KIND_TEXT: Record<string, string> = { dependency: 'dependencies', hygiene: 'hygiene', sarif: 'SARIF' };

function Scans({ project }: { project: DashboardProject }) {
  useTitle(`Scans of ${project.name}`);
  const [list] = useLoad(() => appApi.scans(project.slug), [project.slug]);
  return (
    <>
      <p className="breadcrumbs">
        <Link to="/app/projects">Projects</Link> › <Link to={`/app/p/${project.slug}/settings`}>{project.name}</Link> › Scans
      </p>
      <h1>Scans of {project.name}</h1>
      <p>
        Scans run from the command line or the API (<code>embargo scan</code>, <code>embargo hygiene</code>, a SARIF upload). Open one to see its
        findings; a finding becomes an internal report in the queue once.
      </p>
      {list.state === 'loading' && <Loading what="the scans" />}
      {list.state === 'error' && <ErrorMessage error={list.error} />}
      {list.state === 'ready' && (
        <>
          <p role="status">{list.data.scans.length === 0 ? 'No scan yet.' : `${list.data.scans.length} scan${list.data.scans.length === 1 ? '' : 's'}, newest first.`}</p>
          <ul className="card-list card-list--wide" aria-label="Scans">
            {list.data.scans.map((s) => (
              <ScanCard key={s.id} project={project} summary={s} />
            ))}
          </ul>
        </>
      )}
    </>
  );
}

function ScanCard({ project, summary }: { project: DashboardProject; summary: ScanSummary }) {
  const [open, setOpen] = useState(false);
  return (
    <li className="card">
      <h2 className="card__title break-anywhere">
        {summary.filename} <span className="badge">{KIND_TEXT[summary.kind] ?? summary.kind}</span>
      </h2>
      <dl className="facts">
        <dt>Scanned</dt>
        <dd>
          {formatDate(summary.created_at)} by {summary.created_by}
        </dd>
        {summary.tool && (
          <>
            <dt>Tool</dt>
            <dd className="break-anywhere">{summary.tool}</dd>
          </>
        )}
        <dt>Findings</dt>
        <dd>{summary.findings}</dd>
      </dl>
      <p className="inline-form">
        <button type="button" className="button button--small" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? 'Hide findings' : 'Show findings'}
          <span className="visually-hidden"> of {summary.filename}</span>
        </button>
      </p>
      {open && <ScanDetail project={project} id={summary.id} />}
    </li>
  );
}

function ScanDetail({ project, id }: { project: DashboardProject; id: string }) {
  const [scan, reload] = useLoad(() => appApi.scan(project.slug, id), [project.slug, id]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const mayReport = can(project.role, 'scan:create');
  const report = async (findingId: string) => {
    setMessage(null);
    try {
      const made = await appApi.reportFinding(project.slug, id, findingId);
      setMessage({ ok: true, text: made.created ? `Report ${made.tracking_id} was made: it is in the queue.` : `This finding already is report ${made.tracking_id}.` });
      reload();
    } catch (err) {
      setMessage({ ok: false, text: errorText(err) });
    }
  };
  if (scan.state === 'loading') return <Loading what="the findings" />;
  if (scan.state === 'error') return <ErrorMessage error={scan.error} />;
  const s: Scan = scan.data;
  const none = s.findings.length === 0 && s.issues.length === 0;
  return (
    <div className="break-anywhere">
      <OutcomeMessage outcome={message} />
      {none && <p>No finding in this scan.</p>}
      {s.findings.length > 0 && (
        <>
          <h3>Vulnerable dependencies</h3>
          <ul className="card-list" aria-label={`Vulnerable dependencies of ${s.filename}`}>
            {s.findings.map((f) => (
              <DependencyFinding key={f.id} slug={project.slug} finding={f} mayReport={mayReport} onReport={() => report(f.id)} />
            ))}
          </ul>
        </>
      )}
      {s.issues.length > 0 && (
        <>
          <h3>{s.kind === 'sarif' ? 'SARIF results' : 'Hygiene findings'}</h3>
          <ul className="card-list" aria-label={`Findings of ${s.filename}`}>
            {s.issues.map((i) => (
              <IssueFinding key={i.id} slug={project.slug} issue={i} mayReport={mayReport} onReport={() => report(i.id)} />
            ))}
          </ul>
        </>
      )}
      {s.unchecked.length > 0 && <p className="muted">{s.unchecked.length} dependencies were not checked (see the API or the CLI for why).</p>}
      {s.resolved.length > 0 && (
        <>
          <h3>Resolved since the previous scan</h3>
          <ul aria-label={`Resolved since the previous scan of ${s.filename}`}>
            {s.resolved.map((r) => (
              <li key={r.fingerprint}>
                {r.rule} <span className="badge badge--signal-good">resolved</span>
                {r.report_tracking_id && (
                  <>
                    {' '}
                    (report <Link to={`/app/p/${project.slug}/reports/${r.report_tracking_id}`}>{r.report_tracking_id}</Link>)
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function ReportControl({ slug, trackingId, label, mayReport, onReport }: { slug: string; trackingId: string | null; label: string; mayReport: boolean; onReport: () => Promise<void> }) {
  if (trackingId) {
    return (
      <p>
        Report <Link to={`/app/p/${slug}/reports/${trackingId}`}>{trackingId}</Link>
      </p>
    );
  }
  if (!mayReport) return null;
  return (
    <p className="inline-form">
      <button type="button" className="button button--small" onClick={() => void onReport()}>
        Make a report<span className="visually-hidden"> of {label}</span>
      </button>
    </p>
  );
}

function DependencyFinding({ slug, finding: f, mayReport, onReport }: { slug: string; finding: Finding; mayReport: boolean; onReport: () => Promise<void> }) {
  return (
    <li className="card">
      <h4 className="card__title">
        {f.package} {f.version} {f.severity && <span className="badge">{f.severity}</span>}
      </h4>
      <dl className="facts">
        <dt>Advisory</dt>
        <dd>{[f.advisory, ...f.aliases].join(', ')}</dd>
        <dt>Summary</dt>
        <dd>{f.summary}</dd>
        {f.fixed.length > 0 && (
          <>
            <dt>Fixed in</dt>
            <dd>{f.fixed.join(', ')}</dd>
          </>
        )}
      </dl>
      <ReportControl slug={slug} trackingId={f.report_tracking_id} label={`${f.advisory} in ${f.package}`} mayReport={mayReport} onReport={onReport} />
    </li>
  );
}

function IssueFinding({ slug, issue: i, mayReport, onReport }: { slug: string; issue: Issue; mayReport: boolean; onReport: () => Promise<void> }) {
  const where = i.line === null ? i.file : `${i.file}:${i.line}`;
  return (
    <li className="card">
      <h4 className="card__title">
        <code>{where}</code> {i.severity && <span className="badge">{i.severity}</span>}
      </h4>
      <dl className="facts">
        <dt>Check</dt>
        <dd>{i.check}</dd>
        <dt>Rule</dt>
        <dd>{i.rule}</dd>
        <dt>Found</dt>
        <dd>{i.message}</dd>
      </dl>
      <ReportControl slug={slug} trackingId={i.report_tracking_id} label={`${i.rule} at ${where}`} mayReport={mayReport} onReport={onReport} />
    </li>
  );
}
