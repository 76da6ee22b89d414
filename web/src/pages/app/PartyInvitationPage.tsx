import '../../styles/dashboard.css';
import { coordinationApi } from '../../api-coordination.ts';
import { InvitationAccept } from '../../components/app/InvitationAccept.tsx';
import { useTitle } from '../../hooks.ts';
import { UI_ROUTES, uiPath } from '../../../../src/core/ui-paths.ts';

type Info = Awaited<ReturnType<typeof coordinationApi.lookupInvitation>>;

/**
 * Where a party invitation mail's link lands (`/app/case-invitation#token=…`), the same form as a member invitation
 * (components/app/InvitationAccept.tsx); the party lands on its case.
 */
export function PartyInvitationPage() {
  useTitle('Invitation to a case');
  return (
    <InvitationAccept<Info, { case_id: string; csrf_token: string }>
      heading="Invitation to a case"
      idPrefix="party-invite"
      lookup={coordinationApi.lookupInvitation}
      offer={(i) => (
        <>
          <strong>{i.project_name}</strong> invites you into the coordinated disclosure case <strong>{i.tracking_id}</strong> as <strong>{i.role}</strong>. The invitation
          is for <strong>{i.email}</strong> and valid until {new Date(i.expires_at).toUTCString()}. You will see this case only.
        </>
      )}
      accept={(token, account) => coordinationApi.acceptInvitation(token, account)}
      landing={(_, accepted) => uiPath(UI_ROUTES.casePage, { caseId: accepted.case_id })}
      labels={{ create: 'Create account and join the case', join: () => 'Join the case' }}
    />
  );
}
