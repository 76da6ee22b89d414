import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api.ts';
import { coordinationApi, PARTY_ROLES, type CaseParty, type PartyRole } from '../../api-coordination.ts';
import { useLoad } from '../../hooks.ts';
import { Link } from '../../router.tsx';
import { ErrorMessage, Loading, OutcomeMessage, type Outcome } from '../Status.tsx';
import { TableWrap } from '../TableWrap.tsx';
import { UI_ROUTES, uiPath } from '../../../../src/core/ui-paths.ts';

/**
 * The parties of a report's case, on the maintainer's report page (issue 19): who is in, what each said per
 * product (a party that never answered shows "no answer yet", never "not affected"), and the invitation form for
 * triagers. The case page (thread, embargo) is one link away.
 */
export function CaseParties({ slug, trackingId, mayManage }: { slug: string; trackingId: string; mayManage: boolean }) {
  const [loaded, reload] = useLoad(() => coordinationApi.parties(slug, trackingId), [slug, trackingId]);
  if (loaded.state === 'loading') return <Loading what="the parties" />;
  if (loaded.state === 'error') return <ErrorMessage error={loaded.error} title="The parties could not be loaded" />;
  const { case_id: caseId, parties, unread } = loaded.data;
  return (
    <section className="case-parties" aria-labelledby="case-parties-heading">
      <h2 id="case-parties-heading">Parties</h2>
      <p>
        Vendors, upstreams and experts invited into this case see only this case: never the queue or the internal notes, and the reporter only if the reporter agrees.{' '}
        <Link to={uiPath(UI_ROUTES.casePage, { caseId })}>Open the case page (party thread, embargo)</Link>
        {unread > 0 && (
          <>
            {' '}
            <span className="badge" data-testid="case-unread">
              {unread} unread
            </span>
          </>
        )}
      </p>
      {parties.length === 0 ? <p className="muted">No parties yet.</p> : <PartyTable parties={parties} />}
      {mayManage && <InviteForm slug={slug} trackingId={trackingId} onInvited={reload} />}
    </section>
  );
}

export function PartyTable({ parties }: { parties: CaseParty[] }) {
  return (
    <TableWrap label="Parties of the case">
      <table className="table case-parties__table">
        <thead>
          <tr>
            <th scope="col">Party</th>
            <th scope="col">Role</th>
            <th scope="col">Status per product</th>
          </tr>
        </thead>
        <tbody>
          {parties.map((p) => (
            <tr key={p.id}>
              <td>
                {p.name}
                {p.email && <div className="muted">{p.email}</div>}
                {!p.joined && <div className="muted">invited, not joined yet</div>}
              </td>
              <td>{p.role}</td>
              <td>
                {p.statuses === null ? (
                  <span className="muted">private until the advisory is published</span>
                ) : p.statuses.length === 0 ? (
                  <span className="status status--unknown">unknown: no answer yet</span>
                ) : (
                  <ul className="plain">
                    {p.statuses.map((s) => (
                      <li key={`${s.vulnerability} ${s.product}`}>
                        <strong>{s.status.replace(/_/g, ' ')}</strong> {s.product}
                        {s.versions ? ` ${s.versions}` : ''} <span className="muted">({s.vulnerability})</span>
                        {s.justification && <div className="muted">{s.justification.replace(/_/g, ' ')}</div>}
                        {s.fixed_versions && <div className="muted">fixed in {s.fixed_versions}</div>}
                        {s.statement && <div className="message__body">{s.statement}</div>}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function InviteForm({ slug, trackingId, onInvited }: { slug: string; trackingId: string; onInvited: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<PartyRole>('vendor');
  const [outcome, setOutcome] = useState<Outcome>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setOutcome(null);
    try {
      await coordinationApi.invite(slug, trackingId, { email: email.trim(), name: name.trim(), role });
      setOutcome({ ok: true, text: `Invited ${email.trim()}: the invitation is on its way by mail.` });
      setEmail('');
      setName('');
      onInvited();
    } catch (err) {
      setOutcome({ ok: false, text: err instanceof ApiError && err.problems.length ? err.problems.map((p) => `${p.field} ${p.message}`).join('; ') : err instanceof Error ? err.message : String(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form case-parties__invite" onSubmit={(e) => void submit(e)}>
      <h3>Invite a party</h3>
      <div className="field">
        <label htmlFor="party-email">Email</label>
        <input id="party-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor="party-name">Name (organisation)</label>
        <input id="party-name" value={name} onChange={(e) => setName(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor="party-role">Role in the case</label>
        <select id="party-role" value={role} onChange={(e) => setRole(e.target.value as PartyRole)}>
          {PARTY_ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </div>
      <OutcomeMessage outcome={outcome} />
      <button type="submit" className="button" disabled={busy}>
        Invite
      </button>
    </form>
  );
}
