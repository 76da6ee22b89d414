import { useState, type ChangeEvent, type FormEvent } from 'react';
import { ApiError, type FieldProblem } from '../../api.ts';
import { appApi, type DashboardProject } from '../../api-app.ts';
import { useTitle } from '../../hooks.ts';
import { formatBytes } from '../../format.ts';
import { Link, navigate } from '../../router.tsx';
import { MaintainerLayout } from '../../components/app/MaintainerLayout.tsx';
import { PolicyYamlField, usePolicyCheck } from '../../components/app/PolicyYamlField.tsx';
import { refreshProjects } from '../../components/app/session.ts';
import { lineOfField } from '../../../../src/core/policy/claims.ts';
import { MAX_POLICY_YAML_CHARS } from '../../../../src/core/policy/parse.ts';

/**
 * A site admin creates a project from its policy YAML, pasted or loaded from a file, checked as it is typed by
 * the core's parser (the policy editor's PolicyYamlField), then `POST /api/v1/projects`; the server's own
 * problems (a security address or tracking prefix another project holds: 409 with field and line) are listed the
 * same way. On success the project's settings open (members are invited there).
 */
export function NewProjectPage() {
  return <MaintainerLayout>{({ user, projects }) => (user.site_admin ? <NewProject projects={projects} /> : <NotSiteAdmin />)}</MaintainerLayout>;
}

function NotSiteAdmin() {
  useTitle('New project');
  return (
    <>
      <h1>New project</h1>
      <p className="notice">Only site administrators create projects. Ask one to create yours; project admins then invite their team from the project&apos;s settings.</p>
    </>
  );
}

/**
 * POST /api/v1/projects replaces the policy of a project with the same slug; on this page that would be a
 * surprise, so a slug already in use is a problem here (on the slug's line), like the parser's.
 */
function slugInUse(text: string, slug: string | undefined, projects: DashboardProject[]): FieldProblem | null {
  const other = slug === undefined ? undefined : projects.find((p) => p.slug === slug);
  if (!other) return null;
  const line = lineOfField(text, 'project.slug');
  return { field: 'project.slug', message: `"${other.slug}" is already the slug of ${other.name}; choose another (that project's policy is edited in its settings)`, ...(line ? { line } : {}) };
}

function NewProject({ projects }: { projects: DashboardProject[] }) {
  useTitle('New project');
  const [text, setText] = useState('');
  const [serverProblems, setServerProblems] = useState<FieldProblem[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [loaded, setLoaded] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const check = usePolicyCheck(text);
  const clash = slugInUse(text, check.policy?.project.slug, projects);
  const problems = clash ? [clash] : check.problems;
  const empty = text.trim() === '';

  const edit = (next: string) => {
    setText(next);
    setServerProblems([]);
    setMessage(null);
  };
  const load = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.currentTarget.files?.[0];
    e.currentTarget.value = '';
    if (!file) return;
    if (file.size > MAX_POLICY_YAML_CHARS) {
      setLoaded(null);
      setMessage(`${file.name} is ${formatBytes(file.size)}; a policy may be at most ${formatBytes(MAX_POLICY_YAML_CHARS)}. Is it the right file?`);
      return;
    }
    edit(await file.text());
    setLoaded(`Loaded ${file.name} (${formatBytes(file.size)}) into the editor below.`);
  };
  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (empty) return setMessage('Paste a policy or choose a file first.');
    if (problems.length) return setMessage(`Fix the ${problems.length} problem${problems.length === 1 ? '' : 's'} first.`);
    setBusy(true);
    setMessage(null);
    try {
      const project = await appApi.createProject(text);
      await refreshProjects();
      navigate(`/app/p/${encodeURIComponent(project.slug)}/settings#created`);
    } catch (err) {
      if (err instanceof ApiError && err.problems.length) setServerProblems(err.problems);
      setMessage(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <>
      <p className="breadcrumbs">
        <Link to="/app/projects">Projects</Link> › New project
      </p>
      <h1>New project</h1>
      <p>
        A project is its security policy: one YAML file that names the project (slug, name, tracking prefix), its security contact, supported
        versions, scope and the response times it promises. Embargo publishes its policy page, report form, SECURITY.md and security.txt from it.
        Start from one of the examples in <code>examples/policies/</code> of the Embargo source; <code>docs/policy.md</code> describes every field.
      </p>
      <form className="form" noValidate onSubmit={(e) => void create(e)}>
        <div className="field">
          <label htmlFor="policy-file">Load a policy file</label>
          <p className="field__hint" id="policy-file-hint">
            A .yaml or .yml file; its text replaces what is in the editor, where you can still change it.
          </p>
          <input id="policy-file" type="file" accept=".yaml,.yml,application/yaml,text/yaml,text/plain" aria-describedby="policy-file-hint" onChange={(e) => void load(e)} />
          {loaded && (
            <p className="field__hint" role="status">
              {loaded}
            </p>
          )}
        </div>
        <PolicyYamlField
          id="policy-yaml"
          hint="Paste the policy here, or load a file above. Checked as you type."
          value={text}
          onChange={(next) => {
            edit(next);
            setLoaded(null);
          }}
          problems={serverProblems.length ? serverProblems : problems}
          idle={empty ? 'Nothing to check yet: paste a policy or load a file.' : null}
        />
        {message && (
          <p className="notice notice--error" role="alert">
            {message}
          </p>
        )}
        <button type="submit" className="button button--primary" disabled={busy}>
          Create project
        </button>
      </form>
    </>
  );
}
