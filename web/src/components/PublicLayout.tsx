import type { ReactNode } from 'react';
import { Shell } from './Shell.tsx';

/** Public pages of one project: its policy and its report form in the navigation. */
export function ProjectLayout({ slug, children }: { slug: string; children: ReactNode }) {
  const base = `/p/${encodeURIComponent(slug)}`;
  return (
    <Shell
      nav={[
        { to: base, label: 'Security policy' },
        { to: `${base}/report`, label: 'Report a vulnerability' },
      ]}
    >
      {children}
    </Shell>
  );
}

/** Pages that belong to no project (home, not found). */
export function SiteLayout({ children }: { children: ReactNode }) {
  return <Shell nav={[{ to: '/', label: 'Projects' }]}>{children}</Shell>;
}
