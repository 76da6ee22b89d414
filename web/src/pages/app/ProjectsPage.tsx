import { useTitle } from '../../hooks.ts';
import { Link } from '../../router.tsx';
import { MaintainerLayout } from '../../components/app/MaintainerLayout.tsx';
import type { DashboardProject } from '../../api-app.ts';
import { UI_ROUTES } from '../../../../src/core/ui-paths.ts';

export function ProjectsPage() {
  return <MaintainerLayout>{({ user, projects }) => <Projects projects={projects} siteAdmin={user.site_admin} />}</MaintainerLayout>;
}

function Projects({ projects, siteAdmin }: { projects: DashboardProject[]; siteAdmin: boolean }) {
  useTitle('Projects');
  return (
    <>
      <h1>Your projects</h1>
      {siteAdmin && (
        <p>
          <Link to={UI_ROUTES.newProject} className="button">
            New project
          </Link>
        </p>
      )}
      {projects.length === 0 ? (
        <p>{siteAdmin ? 'No project exists yet. Create the first one from its policy YAML.' : 'You are not a member of any project yet.'}</p>
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
