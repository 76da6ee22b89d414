import { createUser } from '../../src/services/access/users.ts';
import { createApiToken } from '../../src/services/access/tokens.ts';
import type { TestServer } from './harness.ts';
import type { World } from './fixtures.ts';

/**
 * A party with an account and an API token, invited by the privastream admin into `trackingId`'s case, that has
 * accepted (marked here as the invitation link does when used signed in — that flow is tested in
 * coordination.test.ts; the link's token only travels by mail). Returns the case id, the party id and the party's headers.
 */
export async function joinedParty(rt: TestServer, world: World, trackingId: string, email: string, role = 'vendor') {
  const user = await createUser(rt.ctx, { email, name: `Party ${email}`, password: 'correct horse battery staple', siteAdmin: false }, 'test');
  const made = await createApiToken(rt.ctx, user, 'test');
  await rt.ctx.db.updateTable('api_tokens').set({ expires_at: new Date('2100-01-01T00:00:00Z') }).where('id', '=', made.id).execute();
  const res = await rt.app.inject({
    method: 'POST',
    url: `/api/v1/projects/privastream/reports/${trackingId}/parties`,
    headers: world.as('admin'),
    payload: { email, name: `Vendor ${email.split('@')[0]}`, role },
  });
  if (res.statusCode !== 201) throw new Error(`party invite: ${res.statusCode} ${res.body}`);
  const partyId = (res.json() as { id: string }).id;
  await rt.ctx.db.updateTable('case_parties').set({ accepted_at: rt.clock.now, token_hash: null, user_id: user.id }).where('id', '=', partyId).execute();
  const report = await rt.ctx.db.selectFrom('reports').select('id').where('tracking_id', '=', trackingId).executeTakeFirstOrThrow();
  return { caseId: report.id, partyId, userId: user.id, headers: { authorization: `Bearer ${made.token}` } };
}
