import { NotFound } from './pages/NotFound.tsx';
import { ROUTES } from './routes.tsx';
import { matchPath, useLocation } from './router.tsx';

export function App() {
  const { pathname } = useLocation();
  for (const route of ROUTES) {
    const params = matchPath(route.path, pathname);
    if (params) return <>{route.render(params)}</>;
  }
  return <NotFound />;
}
