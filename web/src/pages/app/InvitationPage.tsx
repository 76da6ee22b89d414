import '../../styles/dashboard.css';
import { api } from '../../api.ts';
import { appApi, type Invitation } from '../../api-app.ts';
import { InvitationAccept } from '../../components/app/InvitationAccept.tsx';
import { useLoad, useTitle } from '../../hooks.ts';

/**
 * Where an invitation mail's link lands (`/app/invitation#token=…`): what the invitation offers, then the account
 * or, signed in as the invited address, joining; the new member lands on the project's queue.
 */
export function InvitationPage() {
  useTitle('Invitation');
  const [sso] = useLoad(() => api.ssoStatus(), []);
  const ssoLabel = sso.state === 'ready' && sso.data.enabled ? sso.data.label : null;
  return (
    <InvitationAccept<Invitation>
      heading="Invitation"
      idPrefix="invite"
      lookup={appApi.invitation}
      offer={(i) => (
        <>
          You are invited to the security team of <strong>{i.project.name}</strong> as <strong>{i.role}</strong>. The invitation is for <strong>{i.email}</strong> and valid
          until {new Date(i.expires_at).toUTCString()}.
        </>
      )}
      accept={appApi.acceptInvitation}
      landing={() => '/app'}
      labels={{ create: 'Create account and join', join: (i) => `Join ${i.project.name}` }}
      // The invitation travels through the identity provider's round trip in the server's sealed flow cookie.
      sso={(token) => (ssoLabel ? { label: ssoLabel, start: async () => (await api.ssoStartWithInvitation(token)).authorization_url } : null)}
    />
  );
}
