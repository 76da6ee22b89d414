import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ENGINES, startTestRuntime, type TestServer } from '../support/harness.ts';
import { seedWorld, validReport, type Persona, type World } from '../support/fixtures.ts';
import { setMembership } from '../../src/services/access/users.ts';
import { createInternalReport } from '../../src/services/reports/intake.ts';
import { getProject } from '../../src/services/projects/projects.ts';
import { readAudit } from '../../src/services/audit/audit-log.ts';

const PC = '/api/v1/projects/personal-chatter';
const PS = '/api/v1/projects/privastream';
const DAY = 86_400_000;

interface Entry {
  id: string;
  tracking_id: string;
  state: string;
  range: { severity: string | null; currency: string; min: string | null; max: string | null; rewards: string[]; text: string } | null;
  reward: { kind: string; amount: string | null; amount_minor: number | null; currency: string | null; items: string[] } | null;
  outside_range: boolean;
  reason: string | null;
  payment_reference: string | null;
  reporter: { key: string; label: string };
  awarded_by: string | null;
  approved_by: string | null;
  paid_by: string | null;
}

for (const engine of ENGINES) {
  describe(`bounty ledger on ${engine.name}`, () => {
    let rt: TestServer;
    let world: World;
    before(async () => {
      rt = await startTestRuntime(engine);
      world = await seedWorld(rt);
      // personal-chatter has the bounty program; give it a triager and a viewer too (the outsider is its admin).
      await setMembership(rt.ctx, 'personal-chatter', 'triager@example.org', 'triager', 'test');
      await setMembership(rt.ctx, 'personal-chatter', 'viewer@example.org', 'viewer', 'test');
    });
    after(() => rt?.close());

    const as = (p: Persona) => world.as(p);
    async function report(base: string, body: Record<string, unknown> = {}): Promise<string> {
      const res = await rt.app.inject({ method: 'POST', url: `${base}/reports`, payload: validReport({ affected_version: base === PC ? '0.2.1' : '1.0.3', ...body }) });
      assert.equal(res.statusCode, 201, res.body);
      return res.json().tracking_id as string;
    }
    async function move(base: string, id: string, to: string, extra: Record<string, unknown> = {}, who: Persona = 'triager') {
      const res = await rt.app.inject({ method: 'POST', url: `${base}/reports/${id}/transitions`, headers: as(who), payload: { to, ...extra } });
      assert.equal(res.statusCode, 200, res.body);
    }
    async function severity(base: string, id: string, s: string) {
      const res = await rt.app.inject({ method: 'PUT', url: `${base}/reports/${id}/severity`, headers: as('siteAdmin'), payload: { severity: s } });
      assert.equal(res.statusCode, 200, res.body);
    }
    async function accepted(base: string, s: string | null, body: Record<string, unknown> = {}): Promise<string> {
      const id = await report(base, body);
      if (s) await severity(base, id, s);
      await move(base, id, 'triaged');
      await move(base, id, 'accepted');
      return id;
    }
    const ledger = async (base = PC, who: Persona = 'outsider'): Promise<Entry[]> => {
      const res = await rt.app.inject({ url: `${base}/bounties`, headers: as(who) });
      assert.equal(res.statusCode, 200, res.body);
      return res.json().bounties as Entry[];
    };
    const entryFor = async (id: string, base = PC) => (await ledger(base, 'siteAdmin')).find((e) => e.tracking_id === id);
    const award = (base: string, id: string, payload: Record<string, unknown>, who: Persona = 'outsider') =>
      rt.app.inject({ method: 'POST', url: `${base}/reports/${id}/bounty`, headers: as(who), payload });
    const step = (base: string, entryId: string, payload: Record<string, unknown>, who: Persona = 'outsider') =>
      rt.app.inject({ method: 'POST', url: `${base}/bounties/${entryId}/transitions`, headers: as(who), payload });

    test('acceptance proposes the range for the severity, audited with the actor, in the transition itself', async () => {
      const id = await accepted(PC, 'high');
      const entry = await entryFor(id);
      assert.ok(entry, 'a proposal exists right after the transition');
      assert.equal(entry.state, 'proposed');
      assert.deepEqual(entry.range, { severity: 'high', currency: 'USD', min: '200.00', max: '500.00', rewards: [], text: '200.00–500.00 USD' });
      assert.equal(entry.reward, null);
      assert.deepEqual(entry.reporter, { key: 'email:ada@example.org', label: 'Ada R. <ada@example.org>' });
      const project = await getProject(rt.ctx.db, 'personal-chatter');
      const audit = (await readAudit(rt.ctx.db, { projectId: project.id })).filter((a) => a.action === 'bounty.proposed');
      assert.ok(audit.some((a) => (a.data as { bounty_id: string }).bounty_id === entry.id && a.actor.startsWith('user:')));
      // The reporter's address and name never reach the clear-text audit log.
      assert.ok(!JSON.stringify(audit).includes('ada@example.org'));
    });

    test('the low range of rewards only, and a report accepted without severity, are proposed too', async () => {
      const low = await accepted(PC, 'low');
      assert.equal((await entryFor(low))?.range?.text, 'Recognition + Swag');
      const unset = await accepted(PC, null);
      const e = await entryFor(unset);
      assert.equal(e?.state, 'proposed');
      assert.equal(e?.range, null, 'no severity, no range: an admin settles it by hand');
    });

    test('a policy without a bounty program gets no proposal; a reward can still be given with a reason', async () => {
      const id = await accepted(PS, 'critical');
      assert.equal(await entryFor(id, PS), undefined);
      const money = await award(PS, id, { kind: 'money', amount: 100, currency: 'EUR' }, 'admin');
      assert.equal(money.statusCode, 400, money.body);
      assert.equal(money.json().problems[0].field, 'reason');
      const credit = await award(PS, id, { kind: 'credit-only' }, 'admin');
      assert.equal(credit.statusCode, 200, credit.body);
      assert.equal(credit.json().state, 'awarded');
      assert.equal(credit.json().outside_range, false);
    });

    test('award outside the range needs a reason; a correction before approval; approve; pay with a reference', async () => {
      const id = await accepted(PC, 'high');
      const entry = await entryFor(id);
      assert.ok(entry);
      const noReason = await award(PC, id, { kind: 'money', amount: '750' });
      assert.equal(noReason.statusCode, 400, noReason.body);
      assert.match(noReason.json().problems[0].message, /200\.00–500\.00 USD/);
      assert.equal((await entryFor(id))?.state, 'proposed', 'a refused award changes nothing');

      const outside = await award(PC, id, { kind: 'money', amount: '750', reason: 'Full account takeover chain' });
      assert.equal(outside.statusCode, 200, outside.body);
      const o = outside.json() as Entry;
      assert.equal(o.id, entry.id, 'the proposal itself becomes the award');
      assert.deepEqual([o.state, o.reward?.amount, o.reward?.amount_minor, o.reward?.currency, o.outside_range, o.reason], ['awarded', '750.00', 75000, 'USD', true, 'Full account takeover chain']);

      const corrected = await award(PC, id, { kind: 'money', amount: 450.5, currency: 'usd' }, 'siteAdmin');
      assert.equal(corrected.statusCode, 200, corrected.body);
      assert.deepEqual([corrected.json().reward.amount, corrected.json().outside_range], ['450.50', false]);

      const approve = await step(PC, entry.id, { to: 'approved' });
      assert.equal(approve.statusCode, 200, approve.body);
      const again = await award(PC, id, { kind: 'money', amount: 300 });
      assert.equal(again.statusCode, 409, 'an approved award is not changed any more');
      const paid = await step(PC, entry.id, { to: 'paid', reference: 'SEPA 2026-03-0042' }, 'siteAdmin');
      assert.equal(paid.statusCode, 200, paid.body);
      const p = paid.json() as Entry;
      assert.equal(p.state, 'paid');
      assert.equal(p.payment_reference, 'SEPA 2026-03-0042');
      assert.match(p.awarded_by ?? '', /^user:/);
      assert.match(p.approved_by ?? '', /^user:/);
      assert.notEqual(p.paid_by, p.approved_by, 'each step records its own actor');
      const cancel = await step(PC, entry.id, { to: 'cancelled', reason: 'oops' });
      assert.equal(cancel.statusCode, 409);
      assert.deepEqual(cancel.json().allowed, []);

      const project = await getProject(rt.ctx.db, 'personal-chatter');
      const actions = (await readAudit(rt.ctx.db, { projectId: project.id }))
        .filter((a) => (a.data as { bounty_id?: string }).bounty_id === entry.id)
        .map((a) => a.action);
      assert.deepEqual(actions, ['bounty.proposed', 'bounty.awarded', 'bounty.awarded', 'bounty.approved', 'bounty.paid']);
    });

    test('non-money rewards; decline and cancel need a reason; a new award after a decline opens a new entry', async () => {
      const id = await accepted(PC, 'low');
      const entry = await entryFor(id);
      assert.ok(entry);
      const swag = await award(PC, id, { kind: 'non-money', items: ['Swag', 'Recognition'] });
      assert.equal(swag.statusCode, 200, swag.body);
      assert.deepEqual([swag.json().reward.kind, swag.json().reward.items, swag.json().outside_range], ['non-money', ['Swag', 'Recognition'], false]);
      const noReason = await step(PC, entry.id, { to: 'declined' });
      assert.equal(noReason.statusCode, 400);
      const declined = await step(PC, entry.id, { to: 'declined', reason: 'Duplicate of an internal finding' });
      assert.equal(declined.statusCode, 200, declined.body);
      assert.equal(declined.json().closing_reason, 'Duplicate of an internal finding');
      const fresh = await award(PC, id, { kind: 'credit-only' });
      assert.equal(fresh.statusCode, 200, fresh.body);
      assert.notEqual(fresh.json().id, entry.id);
      const states = (await ledger()).filter((e) => e.tracking_id === id).map((e) => e.state).sort();
      assert.deepEqual(states, ['awarded', 'declined']);
    });

    test('only accepted reports are rewarded; rejecting cancels an untouched proposal', async () => {
      const fresh = await report(PC);
      const early = await award(PC, fresh, { kind: 'credit-only' });
      assert.equal(early.statusCode, 409, early.body);
      const id = await accepted(PC, 'medium');
      await move(PC, id, 'rejected', { reason: 'invalid' });
      const e = await entryFor(id);
      assert.equal(e?.state, 'cancelled');
      const late = await award(PC, id, { kind: 'credit-only' });
      assert.equal(late.statusCode, 409, 'a rejected report is not rewarded');
      // Reopened and accepted again: a new proposal.
      await move(PC, id, 'triaged');
      await move(PC, id, 'accepted');
      const states = (await ledger()).filter((x) => x.tracking_id === id).map((x) => x.state).sort();
      assert.deepEqual(states, ['cancelled', 'proposed']);
    });

    test('internal reports (from a scan) have nobody to reward: no proposal', async () => {
      const project = await getProject(rt.ctx.db, 'personal-chatter');
      const { trackingId } = await createInternalReport(rt.ctx, project, { title: 'Vulnerable dependency', description: 'found by a scan', source: 'scan', actorLabel: 'test' });
      await severity(PC, trackingId, 'critical');
      await move(PC, trackingId, 'triaged');
      await move(PC, trackingId, 'accepted');
      assert.equal(await entryFor(trackingId), undefined);
    });

    test('roles: admins award and move entries, triagers read, viewers and outsiders do not', async () => {
      const id = await accepted(PC, 'medium');
      const entry = await entryFor(id);
      assert.ok(entry);
      assert.equal((await rt.app.inject({ url: `${PC}/bounties`, headers: as('triager') })).statusCode, 200);
      assert.equal((await rt.app.inject({ url: `${PC}/bounties/totals`, headers: as('triager') })).statusCode, 200);
      assert.equal((await rt.app.inject({ url: `${PC}/bounties`, headers: as('viewer') })).statusCode, 403);
      assert.equal((await rt.app.inject({ url: `${PS}/bounties`, headers: as('outsider') })).statusCode, 404);
      assert.equal((await rt.app.inject({ url: `${PC}/bounties` })).statusCode, 401);
      assert.equal((await award(PC, id, { kind: 'credit-only' }, 'triager')).statusCode, 403);
      assert.equal((await step(PC, entry.id, { to: 'declined', reason: 'x' }, 'triager')).statusCode, 403);
      // An entry of personal-chatter is not reachable under privastream's path, even for a site admin.
      assert.equal((await step(PS, entry.id, { to: 'declined', reason: 'x' }, 'siteAdmin')).statusCode, 404);
      assert.equal((await entryFor(id))?.state, 'proposed');
    });

    test('two admins awarding the same report at once leave one entry', async () => {
      const id = await report(PC);
      await move(PC, id, 'triaged');
      await move(PC, id, 'accepted');
      // Clear the automatic proposal, so both awards race to create the entry.
      const proposal = await entryFor(id);
      assert.ok(proposal);
      assert.equal((await step(PC, proposal.id, { to: 'cancelled', reason: 'reset' })).statusCode, 200);
      const results = await Promise.all([
        award(PC, id, { kind: 'credit-only' }, 'outsider'),
        award(PC, id, { kind: 'non-money', items: ['Swag'] }, 'siteAdmin'),
      ]);
      assert.deepEqual(results.map((r) => r.statusCode), [200, 200], results.map((r) => r.body).join('\n'));
      const active = (await ledger()).filter((e) => e.tracking_id === id && e.state === 'awarded');
      assert.equal(active.length, 1);
    });

    test('totals per reporter and per year, per currency', async () => {
      // A second reporter, paid in EUR next year, and one of Ada's in JPY.
      const bob = await accepted(PC, 'critical', { reporter_email: 'bob@example.org', credit_name: 'Bob', reporter_name: 'Bob B.' });
      const bobEntry = await entryFor(bob);
      assert.ok(bobEntry);
      assert.equal((await award(PC, bob, { kind: 'money', amount: '1000', currency: 'EUR', reason: 'Paid in EUR on request' })).statusCode, 200);
      assert.equal((await step(PC, bobEntry.id, { to: 'approved' })).statusCode, 200);
      rt.clock.advance(365 * DAY);
      assert.equal((await step(PC, bobEntry.id, { to: 'paid' })).statusCode, 200);
      const ada = await accepted(PC, 'medium');
      assert.equal((await award(PC, ada, { kind: 'money', amount: '5000', currency: 'JPY', reason: 'Local currency' })).statusCode, 200);

      const res = await rt.app.inject({ url: `${PC}/bounties/totals`, headers: as('triager') });
      assert.equal(res.statusCode, 200, res.body);
      const totals = res.json() as {
        by_reporter: Array<{ reporter: { key: string }; currencies: Array<{ currency: string; awarded: string; approved: string; paid: string; total: string }>; non_money: number }>;
        by_year: Array<{ year: number; currencies: Array<{ currency: string; total: string; paid: string }> }>;
      };
      const bobTotals = totals.by_reporter.find((r) => r.reporter.key === 'email:bob@example.org');
      assert.deepEqual(bobTotals?.currencies, [{ currency: 'EUR', awarded: '0.00', approved: '0.00', paid: '1000.00', total: '1000.00', entries: 1 }]);
      const adaTotals = totals.by_reporter.find((r) => r.reporter.key === 'email:ada@example.org');
      assert.deepEqual(adaTotals?.currencies.map((c) => [c.currency, c.total]), [['JPY', '5000'], ['USD', '450.50']]);
      assert.ok((adaTotals?.non_money ?? 0) >= 2, 'swag and credit-only awards are counted apart from money');
      assert.deepEqual(totals.by_year.map((y) => y.year), [2027, 2026]);
      assert.deepEqual(totals.by_year[0]?.currencies.map((c) => [c.currency, c.paid, c.total]), [['EUR', '1000.00', '1000.00'], ['JPY', '0', '5000']]);
      assert.deepEqual(totals.by_year[1]?.currencies.map((c) => [c.currency, c.total]), [['USD', '450.50']]);

      const only2026 = (await rt.app.inject({ url: `${PC}/bounties/totals?year=2026`, headers: as('admin') }));
      assert.equal(only2026.statusCode, 404, 'the privastream admin is no member of personal-chatter');
      const y = (await rt.app.inject({ url: `${PC}/bounties/totals?year=2026`, headers: as('outsider') })).json();
      assert.equal(y.year, 2026);
      assert.deepEqual(y.by_year.map((b: { year: number }) => b.year), [2026]);
      assert.ok(!JSON.stringify(y).includes('bob@example.org'), "Bob's payment counts in 2027");
    });

    test('the ledger filters by state', async () => {
      const paid = await rt.app.inject({ url: `${PC}/bounties?state=paid,approved`, headers: as('outsider') });
      assert.equal(paid.statusCode, 200);
      assert.ok((paid.json().bounties as Entry[]).every((e) => e.state === 'paid' || e.state === 'approved'));
      assert.ok((paid.json().bounties as Entry[]).length >= 2);
      const bad = await rt.app.inject({ url: `${PC}/bounties?state=lost`, headers: as('outsider') });
      assert.equal(bad.statusCode, 400);
    });
  });
}
