import { useEffect, useState } from 'react';
import { appApi, type DashboardProject, type Finding, type Issue, type Scan, type ScanList, type ScanSummary } from '../../api-app.ts';
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
      {list.state === 'ready' && <ScanPages key={project.slug} project={project} first={list.data} />}
    </>
  );
}

/**
 * The first page of scans, then "Show more scans" while the server has more (keyset pages: each after the cursor of
 * the last). The button keeps focus while pages remain (never disabled: that would drop it); when the last page
 * takes it away, focus goes to the first scan that page added. The status line says how many are shown.
 */
function ScanPages({ project, first }: { project: DashboardProject; first: ScanList }) {
  // Pages after `first`, appended by "Show more scans"; a new first page (another project) starts over.
  const [grown, setGrown] = useState<{ first: ScanList; scans: ScanSummary[]; cursor: string | null } | null>(null);
  const more = grown?.first === first ? grown : null;
  const [loading, setLoading] = useState<{ state: 'idle' | 'loading' } | { state: 'error'; error: unknown }>({ state: 'idle' });
  const [focusId, setFocusId] = useState<string | null>(null);
  useEffect(() => {
    if (!focusId) return;
    document.getElementById(titleId(focusId))?.focus();
    setFocusId(null);
  }, [focusId]);
  const scans = more ? [...first.scans, ...more.scans] : first.scans;
  const cursor = more ? more.cursor : first.next_cursor;
  const showMore = async () => {
    if (!cursor || loading.state === 'loading') return;
    setLoading({ state: 'loading' });
    try {
      const next = await appApi.scans(project.slug, { cursor });
      setGrown({ first, scans: [...(more?.scans ?? []), ...next.scans], cursor: next.next_cursor });
      setLoading({ state: 'idle' });
      // The last page takes the button away: focus its first scan rather than losing focus to the page.
      if (!next.next_cursor && next.scans[0]) setFocusId(next.scans[0].id);
    } catch (error) {
      setLoading({ state: 'error', error });
    }
  };
  const n = scans.length;
  return (
    <>
      <p role="status">
        {n === 0 ? 'No scan yet.' : cursor ? `The newest ${n} scans are shown, newest first; there are more.` : `${n} scan${n === 1 ? '' : 's'}, newest first.`}
      </p>
      <ul className="card-list card-list--wide" aria-label="Scans">
        {scans.map((s) => (
          <ScanCard key={s.id} project={project} summary={s} />
        ))}
      </ul>
      {loading.state === 'error' && <ErrorMessage error={loading.error} title="More scans could not be loaded" />}
      {cursor && (
        <p>
          <button type="button" className="button" aria-disabled={loading.state === 'loading'} onClick={() => void showMore()}>
            {loading.state === 'loading' ? 'Loading more scans…' : 'Show more scans'}
          </button>
        </p>
      )}
    </>
  );
}

/** The id of a scan card's title (focused when the last page added it). */
const titleId = (scanId: string) => `scan-title-${scanId}`;

function ScanCard({ project, summary }: { project: DashboardProject; summary: ScanSummary }) {
  const [open, setOpen] = useState(false);
  return (
    <li className="card">
      <h2 className="card__title break-anywhere" id={titleId(summary.id)} tabIndex={-1}>
        {summary.filename} <span className="badge">{KIND_TEXT[summary.kind] ?? summary.kind}</span>
      </h2>
      <dl className="facts">
        <dt>Scanned</dt>
        <dd>
          {formatDate(summary.created_at)} by {summary.created_by_name}
        </dd>
        {summary.tool && (
          <>
            <dt>Tool</dt>
            <dd className="break-anywhere">{summary.tool}</dd>
          </>
        )}
        <dt>Findings</dt>
        <dd>{summary.findings}</dd>
        {summary.unchecked > 0 && (
          <>
            <dt>Not checked</dt>
            <dd>{summary.unchecked}</dd>
          </>
        )}
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
      {none && (s.unchecked.length === 0 ? <p>No finding in this scan.</p> : <p>No finding among the dependencies that were checked; {s.unchecked.length} were not checked (below).</p>)}
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
      <Unchecked scan={s} />
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

/** Why a dependency was not checked, in words (reasons other than missing OSV data; docs/scanner.md). */
const UNCHECKED_TEXT: Record<string, string> = {
  unpinned: 'no single version pinned',
  'non-registry': 'from git, a URL, a local archive or another registry',
  'no-purl': 'an SBOM component without a package URL',
  'invalid-purl': 'a package URL that cannot be read',
  'unsupported-type': 'a package URL of an ecosystem Embargo does not check',
};

/** osv.dev's export of one ecosystem, which the OSV import reads (docs/scanner.md). */
const osvExport = (ecosystem: string) => `https://osv-vulnerabilities.storage.googleapis.com/${encodeURIComponent(ecosystem)}/all.zip`;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * The dependencies a scan could not check, and why: above all the ecosystems the server had no OSV data for (the
 * scan's `missing_ecosystems`), whose packages were not looked up at all, so "no finding" there does not mean clean.
 */
function Unchecked({ scan: s }: { scan: Scan }) {
  if (s.unchecked.length === 0) return null;
  const noData = s.unchecked.filter((u) => u.reason === 'no-osv-data');
  const others = new Map<string, number>();
  for (const u of s.unchecked) if (u.reason !== 'no-osv-data') others.set(u.reason, (others.get(u.reason) ?? 0) + 1);
  const labelId = `missing-osv-${s.id}`;
  return (
    <>
      {s.missing_ecosystems.length > 0 && (
        <section className="notice notice--warning" aria-labelledby={labelId}>
          <h3 id={labelId}>Not checked: no OSV data</h3>
          <ul>
            {s.missing_ecosystems.map((e) => {
              const n = noData.filter((u) => u.ecosystem === e).length;
              return (
                <li key={e}>
                  No OSV data for {e}: its {plural(n, 'dependency was', 'dependencies were')} not checked. Download:{' '}
                  <a href={osvExport(e)}>{e}/all.zip</a>
                </li>
              );
            })}
          </ul>
          {s.osv_data_help && <p>{s.osv_data_help}</p>}
          <p>The scanner documentation (docs/scanner.md) explains the import. Scan again once the data is in.</p>
        </section>
      )}
      {others.size > 0 && (
        <p className="muted">
          {plural([...others.values()].reduce((a, b) => a + b, 0), noData.length ? 'other dependency was' : 'dependency was', noData.length ? 'other dependencies were' : 'dependencies were')} not checked:{' '}
          {[...others].map(([reason, n]) => `${n} ${UNCHECKED_TEXT[reason] ?? reason}`).join('; ')}.
        </p>
      )}
    </>
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
