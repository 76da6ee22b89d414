import { api } from '../api.ts';
import { SiteLayout } from '../components/PublicLayout.tsx';
import { ErrorMessage, Loading } from '../components/Status.tsx';
import { useLoad, useTitle } from '../hooks.ts';
import { Link } from '../router.tsx';

/** `/`: the projects this Embargo hosts, each linking to its policy and report form. */
export function Home() {
  useTitle('Projects');
  const [projects] = useLoad(() => api.projects(), []);
  return (
    <SiteLayout>
      <h1>Report a security vulnerability</h1>
      <p>Choose the project. Each one publishes its policy: what is in scope, how fast it answers, and how it credits you.</p>
      {projects.state === 'loading' && <Loading what="projects" />}
      {projects.state === 'error' && <ErrorMessage error={projects.error} />}
      {projects.state === 'ready' &&
        (projects.data.projects.length === 0 ? (
          <p>No project is hosted here yet.</p>
        ) : (
          <ul className="card-list">
            {projects.data.projects.map((p) => (
              <li key={p.slug} className="card">
                <h2 className="card__title">{p.name}</h2>
                <p className="card__actions">
                  <Link to={`/p/${encodeURIComponent(p.slug)}`}>Security policy<span className="visually-hidden"> of {p.name}</span></Link>
                  <Link to={`/p/${encodeURIComponent(p.slug)}/report`} className="button">
                    Report a vulnerability<span className="visually-hidden"> in {p.name}</span>
                  </Link>
                </p>
              </li>
            ))}
          </ul>
        ))}
    </SiteLayout>
  );
}
