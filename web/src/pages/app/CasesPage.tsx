import { coordinationApi } from '../../api-coordination.ts';
import { useLoad, useTitle } from '../../hooks.ts';
import { Link } from '../../router.tsx';
import { Loading, PageLoadError } from '../../components/Status.tsx';
import { MaintainerLayout } from '../../components/app/MaintainerLayout.tsx';
import { PARTY_NAV } from './CasePage.tsx';
import { UI_ROUTES, uiPath } from '../../../../src/core/ui-paths.ts';

/** The cases the signed-in user is a party of (issue 19), with unread counts. */
export function CasesPage() {
  useTitle('My cases');
  return <MaintainerLayout nav={PARTY_NAV}>{() => <CaseList />}</MaintainerLayout>;
}

function CaseList() {
  const [loaded] = useLoad(() => coordinationApi.cases(), []);
  if (loaded.state === 'loading') return <Loading what="your cases" />;
  if (loaded.state === 'error') return <PageLoadError heading="My cases" error={loaded.error} title="Your cases could not be loaded" />;
  return (
    <>
      <h1>My cases</h1>
      {loaded.data.cases.length === 0 ? (
        <p className="muted">You are not a party of any case.</p>
      ) : (
        <ul className="plain">
          {loaded.data.cases.map((c) => (
            <li key={c.id}>
              <Link to={uiPath(UI_ROUTES.casePage, { caseId: c.id })}>{c.tracking_id}</Link> · {c.project.name} · {c.role}
              {c.unread > 0 && <span className="badge"> {c.unread} unread</span>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
