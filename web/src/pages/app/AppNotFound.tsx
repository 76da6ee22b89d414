import { useTitle } from '../../hooks.ts';
import { Link } from '../../router.tsx';
import { MaintainerLayout } from '../../components/app/MaintainerLayout.tsx';

export function AppNotFound() {
  return <MaintainerLayout>{() => <NoSuchPage />}</MaintainerLayout>;
}

function NoSuchPage() {
  useTitle('Page not found');
  return (
    <>
      <h1>Page not found</h1>
      <p>
        There is no such dashboard page. Go to the <Link to="/app">report queue</Link>.
      </p>
    </>
  );
}
