import { lazy, Suspense, type ReactNode } from 'react';
import { api, type Policy, type ProjectInfo } from '../api.ts';

type ProjectKey = NonNullable<ProjectInfo['pgp_key']>;
import { TableWrap } from '../components/TableWrap.tsx';
import { ProjectLayout } from '../components/PublicLayout.tsx';
import { ErrorMessage, Loading } from '../components/Status.tsx';
import { TableHead } from '../components/TableHead.tsx';
import { formatDuration, humanize, safeHref } from '../format.ts';
import { useLoad, useTitle } from '../hooks.ts';
import { Link } from '../router.tsx';

// markdown-it is most of the bundle and only this page needs it: a separate chunk, loaded here.
const Markdown = lazy(() => import('../components/Markdown.tsx').then((m) => ({ default: m.Markdown })));

type Phase = NonNullable<Policy['response']['acknowledge']>;
const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low'] as const;

function phaseText(label: string, phase: Phase | undefined): ReactNode {
  if (!phase) return null;
  return (
    <tr>
      <th scope="row">{label}</th>
      <td data-label="Deadline">
        {phase.target ? `${formatDuration(phase.target)} (at most ${formatDuration(phase.within)})` : `within ${formatDuration(phase.within)}`}
      </td>
      <td data-label="Promise">{phase.text ?? ''}</td>
    </tr>
  );
}

function usesBusinessDays(r: Policy['response']): boolean {
  const phases = [r.acknowledge, r.assess, r.detailed_response, r.update_cadence, ...Object.values(r.fix ?? {})];
  return phases.some((p) => p !== undefined && [p.within, p.target].some((d) => d?.trim().endsWith('bd')));
}

function PgpFacts({ fingerprint, url }: { fingerprint: string | undefined; url: string | undefined }) {
  return (
    <dl className="facts">
      {fingerprint && (
        <>
          <dt>Fingerprint</dt>
          <dd>
            <code className="fingerprint">{fingerprint}</code>
          </dd>
        </>
      )}
      {url && (
        <>
          <dt>Key</dt>
          <dd>
            <ExternalLink url={url} />
          </dd>
        </>
      )}
    </dl>
  );
}

/** A policy URL as a link when it is http(s), as plain text otherwise. */
function ExternalLink({ url }: { url: string }) {
  const href = safeHref(url);
  return href ? <a href={href}>{url}</a> : <>{url}</>;
}

function money(n: number | undefined, currency: string): string {
  return n === undefined ? '' : `${n.toLocaleString('en')} ${currency}`;
}

/** `/p/:slug`: the project's policy, rendered from its parsed policy (GET /api/v1/projects/:slug). */
export function PolicyPage({ slug }: { slug: string }) {
  const [project] = useLoad(() => api.project(slug), [slug]);
  useTitle(project.state === 'ready' ? `${project.data.name} security policy` : 'Security policy');
  return (
    <ProjectLayout slug={slug}>
      {project.state === 'loading' && <Loading what="the policy" />}
      {project.state === 'error' && <ErrorMessage error={project.error} title="The policy could not be loaded" />}
      {project.state === 'ready' && <PolicyView slug={slug} name={project.data.name} policy={project.data.policy} projectKey={project.data.pgp_key ?? null} />}
    </ProjectLayout>
  );
}

function PolicyView({ slug, name, policy, projectKey }: { slug: string; name: string; policy: Policy; projectKey: ProjectKey | null }) {
  const base = `/p/${encodeURIComponent(slug)}`;
  const r = policy.response;
  const fixes = SEVERITY_ORDER.filter((s) => r.fix?.[s]);
  const pgp = policy.contacts.pgp;
  const bounty = policy.bounty;
  const bountyRows = bounty ? SEVERITY_ORDER.filter((s) => bounty.ranges[s]) : [];
  return (
    <article className="policy">
      <h1>{name} security policy</h1>
      <p className="lead">
        Found a vulnerability in {name}? Report it privately here: you get a tracking ID and a private link to follow it.
      </p>
      <p>
        <Link to={`${base}/report`} className="button button--primary">
          Report a vulnerability
        </Link>
      </p>
      {policy.intake.no_public_issues && (
        <p className="notice notice--warning">Please do not report security vulnerabilities through public issues, discussions or pull requests.</p>
      )}

      <section aria-labelledby="versions">
        <h2 id="versions">Supported versions</h2>
        {policy.supported_versions.length === 0 ? (
          <p>The policy lists no versions.</p>
        ) : (
          <TableWrap label="Supported versions">
            <table>
              <TableHead columns={['Version', 'Security fixes', 'Note']} />
              <tbody>
                {policy.supported_versions.map((v) => (
                  <tr key={v.label}>
                    <th scope="row">{v.label}</th>
                    <td>
                      <span className={`badge badge--${v.status}`}>{v.status === 'supported' ? 'Supported' : v.status === 'limited' ? 'Limited' : 'Not supported'}</span>
                    </td>
                    <td>{v.note ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        )}
      </section>

      <section aria-labelledby="how">
        <h2 id="how">How to report</h2>
        <ul>
          <li>
            <Link to={`${base}/report`}>The report form</Link> (encrypted at rest, no account needed)
          </li>
          {policy.contacts.email && (
            <li>
              Email <a href={`mailto:${policy.contacts.email}`}>{policy.contacts.email}</a>
            </li>
          )}
          {(policy.contacts.other ?? []).map((c) => (
            <li key={c.label}>
              {safeHref(c.url) ? <a href={safeHref(c.url) ?? undefined}>{c.label}</a> : c.email ? <a href={`mailto:${c.email}`}>{c.label}</a> : c.label}
              {c.note ? ` — ${c.note}` : ''}
            </li>
          ))}
        </ul>
        {policy.intake.requested_information.length > 0 && (
          <>
            <p>Please include:</p>
            <ul>
              {policy.intake.requested_information.map((item) => (
                <li key={item}>{item}</li>
              ))}
            </ul>
          </>
        )}
      </section>

      {(projectKey || (pgp && pgp.availability !== 'none')) && (
        <section aria-labelledby="pgp">
          <h2 id="pgp">Encryption (PGP)</h2>
          {projectKey ? (
            <>
              <p>Encrypt sensitive details to the project&apos;s OpenPGP key:</p>
              <PgpFacts fingerprint={projectKey.fingerprint} url={projectKey.url} />
            </>
          ) : pgp?.availability === 'on-request' ? (
            <p>A PGP key is available on request{policy.contacts.email ? ` from ${policy.contacts.email}` : ''}.</p>
          ) : (
            <PgpFacts fingerprint={pgp?.fingerprint} url={pgp?.url} />
          )}
        </section>
      )}

      <section aria-labelledby="scope">
        <h2 id="scope">Scope</h2>
        {policy.scope.applies_to.length > 0 && (
          <>
            <p>This policy applies to:</p>
            <ul>
              {policy.scope.applies_to.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
          </>
        )}
        {policy.scope.in_scope.length > 0 && (
          <>
            <h3>In scope</h3>
            <ul>
              {policy.scope.in_scope.map((s) => (
                <li key={s.id}>{s.label}</li>
              ))}
            </ul>
          </>
        )}
        {policy.scope.out_of_scope.length > 0 && (
          <>
            <h3>Out of scope</h3>
            <ul>
              {policy.scope.out_of_scope.map((s) => (
                <li key={s.id}>{s.label}</li>
              ))}
            </ul>
          </>
        )}
      </section>

      <section aria-labelledby="response">
        <h2 id="response">Response times</h2>
        <TableWrap label="Response times" stack>
          <table>
            <TableHead columns={['Step', 'Deadline', 'Promise']} />
            <tbody>
              {phaseText('Acknowledgement', r.acknowledge)}
              {phaseText('Assessment', r.assess)}
              {phaseText('Detailed response', r.detailed_response)}
              {phaseText('Updates while open', r.update_cadence)}
              {fixes.map((s) => (
                <tr key={s}>
                  <th scope="row">Fix ({s} severity)</th>
                  <td data-label="Deadline">{`within ${formatDuration(r.fix?.[s]?.within ?? '')}`}</td>
                  <td data-label="Promise">{r.fix?.[s]?.text ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
        <p className="field__hint">
          Times are counted in the {r.timezone} time zone{usesBusinessDays(r) ? '; business days exclude weekends and the policy\'s holidays' : ''}.
        </p>
        {(r.promises ?? []).length > 0 && (
          <ul>
            {(r.promises ?? []).map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="disclosure">
        <h2 id="disclosure">Disclosure</h2>
        {policy.disclosure.text && <p>{policy.disclosure.text}</p>}
        <p>
          {policy.disclosure.within
            ? `Public disclosure within ${formatDuration(policy.disclosure.within)} of the ${policy.disclosure.from}`
            : `Public disclosure after the ${policy.disclosure.from}`}
          {policy.disclosure.requires_fix ? ', once a fix is available' : ''}
          {policy.disclosure.coordinated ? ', timed together with you' : ''}.
        </p>
        {policy.disclosure.steps.length > 0 && (
          <ol>
            {policy.disclosure.steps.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ol>
        )}
        {policy.disclosure.channels.length > 0 && <p>Advisories are published on: {policy.disclosure.channels.join(', ')}.</p>}
      </section>

      {bounty && bountyRows.length > 0 && (
        <section aria-labelledby="bounty">
          <h2 id="bounty">Bounty</h2>
          {bounty.condition && <p>Paid {bounty.condition}.</p>}
          <TableWrap label="Bounty rewards">
            <table>
              <TableHead columns={['Severity', `Reward (${bounty.currency})`, 'Also']} />
              <tbody>
                {bountyRows.map((s) => {
                  const range = bounty.ranges[s] ?? {};
                  const amount =
                    range.min !== undefined && range.max !== undefined
                      ? `${money(range.min, bounty.currency)} – ${money(range.max, bounty.currency)}`
                      : range.max !== undefined
                        ? `up to ${money(range.max, bounty.currency)}`
                        : range.min !== undefined
                          ? `from ${money(range.min, bounty.currency)}`
                          : '—';
                  return (
                    <tr key={s}>
                      <th scope="row">{humanize(s)}</th>
                      <td>{amount}</td>
                      <td>{(range.rewards ?? []).join(', ')}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableWrap>
          {bounty.note && <p>{bounty.note}</p>}
        </section>
      )}

      <section aria-labelledby="recognition">
        <h2 id="recognition">Recognition</h2>
        {policy.recognition.text && <p>{policy.recognition.text}</p>}
        <ul>
          {policy.recognition.credit_in_advisory && <li>You are credited in the advisory{policy.recognition.anonymity_allowed ? ' unless you prefer to stay anonymous' : ''}.</li>}
          {policy.recognition.hall_of_fame && (
            <li>
              A hall of fame lists reporters{policy.recognition.hall_of_fame_url ? ': ' : '.'}
              {policy.recognition.hall_of_fame_url && <ExternalLink url={policy.recognition.hall_of_fame_url} />}
            </li>
          )}
          {policy.recognition.rewards.map((rw) => (
            <li key={rw.name}>
              {rw.name}
              {rw.description ? ` — ${rw.description}` : ''}
            </li>
          ))}
        </ul>
      </section>

      {policy.safe_harbor && (
        <section aria-labelledby="safe-harbor">
          <h2 id="safe-harbor">Safe harbor</h2>
          {policy.safe_harbor.text && <p>{policy.safe_harbor.text}</p>}
          {policy.safe_harbor.we_commit.length > 0 && (
            <>
              <h3>We commit to</h3>
              <ul>
                {policy.safe_harbor.we_commit.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            </>
          )}
          {policy.safe_harbor.you_agree.length > 0 && (
            <>
              <h3>You agree to</h3>
              <ul>
                {policy.safe_harbor.you_agree.map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}

      {policy.sections.map((s, i) => (
        <section key={s.title} aria-labelledby={`section-${i}`}>
          <h2 id={`section-${i}`}>{s.title}</h2>
          <Suspense fallback={<p className="loading">Loading…</p>}>
            <Markdown source={s.body} />
          </Suspense>
        </section>
      ))}

      <section aria-labelledby="machine">
        <h2 id="machine">This policy as files</h2>
        <ul>
          <li>
            <a href={`/api/v1/projects/${encodeURIComponent(slug)}/security.md`}>SECURITY.md</a>
          </li>
          <li>
            <a href={`/projects/${encodeURIComponent(slug)}/.well-known/security.txt`}>security.txt</a>
          </li>
          <li>
            <a href={`/api/v1/projects/${encodeURIComponent(slug)}/policy`}>Policy source (YAML)</a>
          </li>
        </ul>
      </section>
    </article>
  );
}
