import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api.ts';
import { appApi, type DashboardProject, type ProjectRole } from '../../api-app.ts';
import { useLoad, useTitle } from '../../hooks.ts';
import { formatDate } from '../../format.ts';
import { Link, useLocation } from '../../router.tsx';
import { ErrorMessage, Loading, OutcomeMessage } from '../../components/Status.tsx';
import { MemberProjectLayout } from '../../components/app/MaintainerLayout.tsx';
import { PolicyYamlField, usePolicyCheck } from '../../components/app/PolicyYamlField.tsx';
import { Webhooks } from '../../components/app/Webhooks.tsx';
import { SenderBlocks } from '../../components/app/SenderBlocks.tsx';
import { CveSettings } from '../../components/app/CveSettings.tsx';
import { can, PROJECT_ROLES } from '../../../../src/core/access/permissions.ts';
import type { FieldProblem } from '../../../../src/core/errors.ts';

export function SettingsPage({ slug }: { slug: string }) {
  return <MemberProjectLayout slug={slug}>{(project) => <Settings project={project} />}</MemberProjectLayout>;
}

function Settings({ project }: { project: DashboardProject }) {
  useTitle(`Settings of ${project.name}`);
  const [yaml] = useLoad(() => appApi.policyYaml(project.slug), [project.slug]);
  // The new-project page lands here with #created.
  const created = useLocation().hash === '#created';
  return (
    <>
      <p className="breadcrumbs">
        <Link to="/app/projects">Projects</Link> › {project.name}
      </p>
      <h1>Settings of {project.name}</h1>
      {created && (
        <p className="notice notice--ok" role="status">
          {project.name} was created. Its policy page is <Link to={`/p/${project.slug}`}>/p/{project.slug}</Link>; invite its team under “Members and roles”.
        </p>
      )}
      <p>
        <Link to={`/app/p/${project.slug}/scans`}>Scans and their findings</Link>
      </p>
      <h2>Policy</h2>
      {yaml.state === 'loading' && <Loading what="the policy" />}
      {yaml.state === 'error' && <ErrorMessage error={yaml.error} />}
      {yaml.state === 'ready' && <PolicyEditor project={project} initial={yaml.data} />}
      <h2>Members and roles</h2>
      <Members project={project} />
      {can(project.role, 'sender:block') && (
        <section aria-labelledby="blocked-senders">
          <h2 id="blocked-senders">Blocked senders</h2>
          <SenderBlocks slug={project.slug} />
          <p>
            <Link to={`/app/p/${project.slug}/review`}>Open the review queue</Link>
          </p>
        </section>
      )}
      {can(project.role, 'webhook:manage') && (
        <section aria-labelledby="webhooks">
          <h2 id="webhooks">Webhooks</h2>
          <Webhooks slug={project.slug} />
        </section>
      )}
      {can(project.role, 'cve:manage') && (
        <section aria-labelledby="cve-settings">
          <h2 id="cve-settings">CVE Services</h2>
          <CveSettings slug={project.slug} />
        </section>
      )}
    </>
  );
}

/** The policy YAML, checked in the browser as you type (PolicyYamlField); `PUT …/policy` saves it (admins). */
function PolicyEditor({ project, initial }: { project: DashboardProject; initial: string }) {
  const [text, setText] = useState(initial);
  const [saved, setSaved] = useState(initial);
  const [serverProblems, setServerProblems] = useState<FieldProblem[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const { problems } = usePolicyCheck(text);
  const mayEdit = can(project.role, 'project:update-policy');
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (problems.length) {
      setMessage({ ok: false, text: `Fix the ${problems.length} problem${problems.length === 1 ? '' : 's'} first.` });
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      await appApi.savePolicy(project.slug, text);
      setSaved(text);
      setServerProblems([]);
      setMessage({ ok: true, text: 'Policy saved. The public pages, SECURITY.md and security.txt now follow it.' });
    } catch (err) {
      if (err instanceof ApiError && err.problems.length) setServerProblems(err.problems);
      setMessage({ ok: false, text: err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form" noValidate onSubmit={(e) => void save(e)}>
      {!mayEdit && <p className="notice">Only project admins can change the policy; you are a {project.role}.</p>}
      <PolicyYamlField
        id="policy-yaml"
        hint={`Checked as you type. ${text === saved ? 'No unsaved changes.' : 'Unsaved changes.'}`}
        value={text}
        readOnly={!mayEdit}
        onChange={(next) => {
          setText(next);
          setServerProblems([]);
          setMessage(null);
        }}
        problems={serverProblems.length ? serverProblems : problems}
      />
      <OutcomeMessage outcome={message} />
      {mayEdit && (
        <button type="submit" className="button button--primary" disabled={busy || text === saved}>
          Save policy
        </button>
      )}
    </form>
  );
}

function Members({ project }: { project: DashboardProject }) {
  const [members, reload] = useLoad(() => appApi.members(project.slug), [project.slug]);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ProjectRole>('viewer');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const mayManage = can(project.role, 'project:manage-members');
  const change = async (who: string, to: ProjectRole | null, done?: string) => {
    setMessage(null);
    try {
      await appApi.setMember(project.slug, who, to);
      setMessage({ ok: true, text: done ?? (to ? `${who} is now ${to}.` : `${who} was removed.`) });
      reload();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof ApiError && err.problems.length ? err.problems.map((p) => `${p.field} ${p.message}`).join('; ') : err instanceof Error ? err.message : String(err) });
    }
  };
  const add = (e: FormEvent) => {
    e.preventDefault();
    if (!email.trim()) {
      setMessage({ ok: false, text: 'Enter the email address of the person to invite.' });
      return;
    }
    const who = email.trim();
    void change(who, role, `Invitation sent to ${who} as ${role}.`).then(() => setEmail(''));
  };
  return (
    <>
      <OutcomeMessage outcome={message} />
      {members.state === 'loading' && <Loading what="members" />}
      {members.state === 'error' && <ErrorMessage error={members.error} />}
      {members.state === 'ready' && (
        <ul className="members" aria-label="Members">
          {members.data.members.map((m) => (
            <li key={m.email} className="members__item">
              <span>
                <strong>{m.name}</strong> <span className="muted">{m.email}</span>
                <br />
                <span className="muted">since {formatDate(m.since)}</span>
              </span>
              {mayManage ? (
                <span className="inline-form">
                  <label className="visually-hidden" htmlFor={`role-${m.email}`}>
                    Role of {m.email}
                  </label>
                  <select id={`role-${m.email}`} value={m.role} onChange={(e) => void change(m.email, e.target.value as ProjectRole)}>
                    {PROJECT_ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                  <button type="button" className="button button--small button--danger" onClick={() => void change(m.email, null)}>
                    Remove {m.name}
                  </button>
                </span>
              ) : (
                <span className="badge">{m.role}</span>
              )}
            </li>
          ))}
        </ul>
      )}
      {members.state === 'ready' && mayManage && members.data.invitations.length > 0 && (
        <>
          <h3>Pending invitations</h3>
          <ul className="members" aria-label="Pending invitations">
            {members.data.invitations.map((i) => (
              <li key={i.email} className="members__item">
                <span>
                  <strong>{i.email}</strong> <span className="badge">{i.role}</span>
                  <br />
                  <span className="muted">
                    invited {formatDate(i.invited_at)}, link valid until {formatDate(i.expires_at)}
                  </span>
                </span>
                <button type="button" className="button button--small button--danger" onClick={() => void change(i.email, null, `The invitation to ${i.email} was withdrawn.`)}>
                  Withdraw invitation to {i.email}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {mayManage && (
        <form className="form inline-fields" noValidate onSubmit={add}>
          <div className="field field--grow">
            <label htmlFor="member-email">Email address to invite</label>
            <input id="member-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="member-role">Role</label>
            <select id="member-role" value={role} onChange={(e) => setRole(e.target.value as ProjectRole)}>
              {PROJECT_ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </div>
          <button type="submit" className="button">
            Invite member
          </button>
        </form>
      )}
    </>
  );
}
