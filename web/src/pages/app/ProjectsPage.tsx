import { useTitle } from '../../hooks.ts';
import { Link } from '../../router.tsx';
import { MaintainerLayout } from '../../components/app/MaintainerLayout.tsx';
import type { DashboardProject } from '../../api-app.ts';

export function ProjectsPage() {
  return <MaintainerLayout>{({ projects }) => <Projects projects={projects} />}</MaintainerLayout>;
}

function Projects({ projects }: { projects: DashboardProject[] }) {
  useTitle('Projects');
  return (
    <>
      <h1>Your projects</h1>
      {projects.length === 0 ? (
        <p>You are not a member of any project yet.</p>
      ) : (
        <ul className="card-list">
          {projects.map((p) => (
            <li key={p.slug} className="card">
              <h2 className="card__title">{p.name}</h2>
              <p>
                Your role: <strong>{p.role}</strong>
              </p>
              <p className="card__actions">
                <Link to={`/app/p/${p.slug}/settings`}>
                  Settings and members<span className="visually-hidden"> of {p.name}</span>
                </Link>
                <Link to={`/p/${p.slug}`}>
                  Public policy page<span className="visually-hidden"> of {p.name}</span>
                </Link>
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
