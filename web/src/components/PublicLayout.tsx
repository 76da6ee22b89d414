import { useEffect, useState, type ReactNode } from 'react';
import { Shell } from './Shell.tsx';
import { api } from '../api.ts';
import { projectPublicNav } from '../../../src/core/ui-paths.ts';

/** Whether each project keeps a Hall of Fame, asked once per page load (pages of a project ask for it anyway). */
const hallOfFame = new Map<string, Promise<boolean>>();
function useHallOfFame(slug: string): boolean {
  const [on, setOn] = useState(false);
  useEffect(() => {
    let live = true;
    if (!hallOfFame.has(slug)) hallOfFame.set(slug, api.project(slug).then((p) => p.policy.recognition.hall_of_fame, () => false));
    void hallOfFame.get(slug)?.then((v) => live && setOn(v));
    return () => {
      live = false;
    };
  }, [slug]);
  return on;
}

/**
 * Public pages of one project: the same navigation as the pages the server renders (policy, report form,
 * advisories, Atom feed, Hall of Fame, advisories by mail: `projectPublicNav`), so the site reads as one.
 */
export function ProjectLayout({ slug, children }: { slug: string; children: ReactNode }) {
  return <Shell nav={projectPublicNav(slug, { hallOfFame: useHallOfFame(slug) })}>{children}</Shell>;
}

/** Pages that belong to no project (home, not found). */
export function SiteLayout({ children }: { children: ReactNode }) {
  return <Shell nav={[{ to: '/', label: 'Projects' }]}>{children}</Shell>;
}
