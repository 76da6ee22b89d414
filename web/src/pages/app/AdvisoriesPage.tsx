import { useState, type FormEvent } from 'react';
import { appApi, type AdvisorySummary, type DashboardProject } from '../../api-app.ts';
import { useLoad, useTitle } from '../../hooks.ts';
import { formatDate, humanize } from '../../format.ts';
import { Link, navigate } from '../../router.tsx';
import { ErrorMessage, Loading } from '../../components/Status.tsx';
import { MaintainerLayout } from '../../components/app/MaintainerLayout.tsx';
import { can } from '../../../../src/core/access/permissions.ts';

export function AdvisoriesPage() {
  return <MaintainerLayout>{({ projects }) => <Advisories projects={projects} />}</MaintainerLayout>;
}

function Advisories({ projects }: { projects: DashboardProject[] }) {
  useTitle('Advisories');
  const [list] = useLoad(
    async () => (await Promise.all(projects.map(async (p) => ({ project: p, advisories: (await appApi.advisories(p.slug)).advisories })))).filter((x) => x.advisories.length > 0 || can(x.project.role, 'advisory:edit')),
    [projects],
  );
  return (
    <>
      <h1>Advisories</h1>
      <p>Drafts, advisories in review, scheduled and published ones, per project. A report’s page can start a draft from the report.</p>
      {list.state === 'loading' && <Loading what="advisories" />}
      {list.state === 'error' && <ErrorMessage error={list.error} />}
      {list.state === 'ready' &&
        (list.data.length === 0 ? (
          <p>No advisories yet.</p>
        ) : (
          list.data.map(({ project, advisories }) => (
            <section key={project.slug} aria-labelledby={`adv-${project.slug}`}>
              <h2 id={`adv-${project.slug}`}>{project.name}</h2>
              <AdvisoryList slug={project.slug} advisories={advisories} />
              {can(project.role, 'advisory:edit') && <NewAdvisoryForm slug={project.slug} />}
            </section>
          ))
        ))}
    </>
  );
}

function AdvisoryList({ slug, advisories }: { slug: string; advisories: AdvisorySummary[] }) {
  if (advisories.length === 0) return <p className="muted">No advisories yet.</p>;
  return (
    <ul className="queue">
      {advisories.map((a) => (
        <li key={a.id} className="queue__item">
          <p className="queue__title">
            <Link to={`/app/p/${slug}/advisories/${a.id}`}>
              <span className="tracking-id">{a.id}</span> {a.title}
            </Link>
          </p>
          <p className="queue__meta">
            <span className={`badge state state--${a.state}`}>{humanize(a.state)}</span>
            {a.cve_id && <span>{a.cve_id}</span>}
            {a.report_tracking_id && <span>from {a.report_tracking_id}</span>}
            <span className="muted">Updated {formatDate(a.updated_at)}</span>
          </p>
        </li>
      ))}
    </ul>
  );
}

function NewAdvisoryForm({ slug }: { slug: string }) {
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) {
      setError('Title is required.');
      return;
    }
    try {
      const view = await appApi.createAdvisory(slug, { title: title.trim() });
      navigate(`/app/p/${slug}/advisories/${view.advisory.id}`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const id = `new-adv-${slug}`;
  return (
    <form className="form inline-form" noValidate onSubmit={(e) => void submit(e)}>
      <div className="field">
        <label htmlFor={id}>Title of a new advisory</label>
        {error && (
          <p className="field__error" id={`${id}-error`}>
            {error}
          </p>
        )}
        <input id={id} type="text" value={title} onChange={(e) => setTitle(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} />
      </div>
      <button type="submit" className="button">
        Start a draft
      </button>
    </form>
  );
}
