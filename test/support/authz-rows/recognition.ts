import { ADMINS, P, PUBLIC, R, TRIAGERS, type Fixture, type Row } from '../authz.ts';
import { PERSONAS, submit, type Persona } from '../fixtures.ts';
import { subscribe, subscriberAad } from '../../../src/services/recognition/mailing-list.ts';
import { outboxAad } from '../../../src/services/mail/outbox.ts';
import { openJson } from '../../../src/adapters/crypto/sealer.ts';

/** Rows of the recognition feature: bounty ledger, Hall of Fame, advisory mailing list. */

let serial = 0;
/** Its own client address per request: the subscription rate limit must not decide a matrix row. */
const client = (p: Persona) => `10.77.${++serial % 250}.${PERSONAS.indexOf(p) + 1}`;

/** A fresh privastream report moved to accepted (privastream has no bounty program: no proposal). */
async function acceptedReport(f: Fixture): Promise<string> {
  const { tracking_id } = await submit(f.rt);
  for (const to of ['triaged', 'accepted']) {
    const res = await f.rt.app.inject({ method: 'POST', url: `${P}/reports/${tracking_id}/transitions`, headers: f.world.as('siteAdmin'), payload: { to } });
    if (res.statusCode !== 200) throw new Error(`accepted report fixture: ${res.statusCode} ${res.body}`);
  }
  return tracking_id;
}

/** A fresh awarded (credit-only) ledger entry. */
async function awardedEntry(f: Fixture): Promise<string> {
  const id = await acceptedReport(f);
  const res = await f.rt.app.inject({ method: 'POST', url: `${P}/reports/${id}/bounty`, headers: f.world.as('siteAdmin'), payload: { kind: 'credit-only' } });
  if (res.statusCode !== 200) throw new Error(`bounty fixture: ${res.statusCode} ${res.body}`);
  return (res.json() as { id: string }).id;
}

/** Subscribes a fresh address and returns the token of the confirmation link mailed to it (read from the outbox). */
async function confirmationToken(f: Fixture): Promise<string> {
  const email = `matrix-${++serial}@example.org`;
  await subscribe(f.rt.ctx, 'privastream', email);
  const rows = await f.rt.ctx.db.selectFrom('outbox').select(['id', 'envelope_sealed', 'key_id']).where('kind', '=', 'mailing-list-confirmation').execute();
  for (const row of rows) {
    const mail = openJson<{ to: string; text: string }>(f.rt.ctx.sealer, row.key_id, row.envelope_sealed, outboxAad(row.id));
    const token = mail.to === email ? /\/mailing-list\/confirm\/([A-Za-z0-9_-]+)/.exec(mail.text)?.[1] : undefined;
    if (token) return token;
  }
  throw new Error(`no confirmation mail to ${email}`);
}

/** A fresh subscriber's unsubscribe token (the one every announcement carries). */
async function unsubscribeToken(f: Fixture): Promise<string> {
  await confirmationToken(f);
  const row = await f.rt.ctx.db.selectFrom('mailing_list_subscribers').select(['id', 'key_id', 'unsubscribe_token_sealed']).orderBy('created_at', 'desc').orderBy('id').limit(1).executeTakeFirstOrThrow();
  return f.rt.ctx.sealer.open(row.key_id, row.unsubscribe_token_sealed, subscriberAad(row.id, 'unsubscribe')).toString('utf8');
}

const ML = '/projects/privastream/mailing-list';

export const ROWS: Row[] = [
  // Bounty ledger: triagers read, admins decide.
  { method: 'GET', route: '/api/v1/projects/:slug/bounties', expect: TRIAGERS, request: () => ({ url: `${P}/bounties` }) },
  { method: 'GET', route: '/api/v1/projects/:slug/bounties/totals', expect: TRIAGERS, request: () => ({ url: `${P}/bounties/totals?year=2026` }) },
  { method: 'POST', route: `${R}/bounty`, expect: ADMINS, request: async (f) => ({ url: `${P}/reports/${await acceptedReport(f)}/bounty`, payload: { kind: 'credit-only' } }) },
  {
    method: 'POST',
    route: '/api/v1/projects/:slug/bounties/:id/transitions',
    expect: ADMINS,
    request: async (f) => ({ url: `${P}/bounties/${await awardedEntry(f)}/transitions`, payload: { to: 'approved' } }),
  },

  // Hall of Fame: public (personal-chatter keeps one; privastream's policy does not).
  { method: 'GET', route: '/projects/:slug/hall-of-fame', expect: PUBLIC, request: () => ({ url: '/projects/personal-chatter/hall-of-fame' }) },
  { method: 'GET', route: '/api/v1/projects/:slug/hall-of-fame', expect: PUBLIC, request: () => ({ url: '/api/v1/projects/personal-chatter/hall-of-fame' }) },

  // Mailing list: public pages and links (the token is the credential), the subscriber list for admins.
  { method: 'GET', route: '/projects/:slug/mailing-list', expect: PUBLIC, request: () => ({ url: ML }) },
  {
    method: 'POST',
    route: '/projects/:slug/advisories/subscribe',
    variant: 'json',
    expect: PUBLIC,
    request: (_f, p) => ({ url: '/projects/privastream/advisories/subscribe', payload: { email: `json-${++serial}@example.org` }, remoteAddress: client(p) }),
  },
  {
    method: 'POST',
    route: '/projects/:slug/advisories/subscribe',
    variant: 'html form',
    expect: PUBLIC,
    request: (_f, p) => ({
      url: '/projects/privastream/advisories/subscribe',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `email=form-${++serial}%40example.org`,
      remoteAddress: client(p),
    }),
  },
  { method: 'GET', route: '/projects/:slug/mailing-list/confirm/:token', expect: PUBLIC, request: async (f) => ({ url: `${ML}/confirm/${await confirmationToken(f)}` }) },
  { method: 'POST', route: '/projects/:slug/mailing-list/confirm/:token', expect: PUBLIC, request: async (f) => ({ url: `${ML}/confirm/${await confirmationToken(f)}` }) },
  { method: 'GET', route: '/projects/:slug/mailing-list/unsubscribe/:token', expect: PUBLIC, request: async (f) => ({ url: `${ML}/unsubscribe/${await unsubscribeToken(f)}` }) },
  {
    method: 'POST',
    route: '/projects/:slug/mailing-list/unsubscribe/:token',
    expect: PUBLIC,
    request: async (f) => ({
      url: `${ML}/unsubscribe/${await unsubscribeToken(f)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    }),
  },
  { method: 'GET', route: '/api/v1/projects/:slug/subscribers', expect: ADMINS, request: () => ({ url: `${P}/subscribers` }) },
];
