import { SiteLayout } from '../components/PublicLayout.tsx';
import { useTitle } from '../hooks.ts';
import { Link } from '../router.tsx';

export function NotFound() {
  useTitle('Page not found');
  return (
    <SiteLayout>
      <h1>Page not found</h1>
      <p>
        Check the address, or start from the <Link to="/">list of projects</Link>.
      </p>
    </SiteLayout>
  );
}
