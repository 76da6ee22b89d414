import type { HTTPMethods, InjectOptions } from 'fastify';
import type { TestServer } from './harness.ts';
import type { Persona, World } from './fixtures.ts';

/**
 * The vocabulary of the authorization matrix (test/integration/authorization.test.ts). Rows for a feature live
 * beside it in test/support/authz-rows/<feature>.ts (each exporting `ROWS`), so every feature adds its routes
 * without editing one shared table; the matrix test fails for any registered route that no row covers.
 */

export type Outcome = '2xx' | '3xx' | 401 | 403 | 404;
export type Expect = Record<Persona, Outcome>;

export const all = (o: Outcome): Expect => ({ siteAdmin: o, admin: o, triager: o, viewer: o, outsider: o, anonymous: o });
/** Public: intake, project list, policy documents, security.txt, reporter-token routes, health, docs. */
export const PUBLIC = all('2xx');
export const SIGNED_IN: Expect = { ...all('2xx'), anonymous: 401 };
export const SITE_ADMINS: Expect = { siteAdmin: '2xx', admin: 403, triager: 403, viewer: 403, outsider: 403, anonymous: 401 };
/** A privastream route: site admins act as admins; the outsider (admin of personal-chatter only) sees 404. */
export const privastream = (admin: Outcome, triager: Outcome, viewer: Outcome): Expect => ({ siteAdmin: '2xx', admin, triager, viewer, outsider: 404, anonymous: 401 });
export const MEMBERS = privastream('2xx', '2xx', '2xx');
export const TRIAGERS = privastream('2xx', '2xx', 403);
export const ADMINS = privastream('2xx', 403, 403);

/** The party's outcome for a row (see Row.party). */
export const partyOutcome = (r: Pick<Row, 'party' | 'expect'>): Outcome | undefined =>
  r.party ?? (r.expect.outsider === 404 ? 404 : r.expect.anonymous === '2xx' ? '2xx' : undefined);

export const outcomeOf = (status: number): Outcome | number =>
  status >= 200 && status < 300 ? '2xx' : status >= 300 && status < 400 ? '3xx' : status;

export interface Fixture {
  rt: TestServer;
  world: World;
  trackingId: string;
  reporterToken: string;
  attachmentId: string;
  pchatTrackingId: string;
  pchatAttachmentId: string;
  /** A privastream scan with a finding (failure 0.1.8, RUSTSEC-2019-0036). */
  scanId: string;
  findingId: string;
  /** A party (vendor) of privastream report `trackingId`'s case: no project role, only that case (issue 19). */
  party: { headers: Record<string, string>; caseId: string; partyId: string };
  /** Case B: another privastream report whose case the party is not in. */
  otherCaseId: string;
}

export interface Row {
  method: HTTPMethods;
  /** The route pattern exactly as registered. */
  route: string;
  /** Distinguishes several rows for one route. */
  variant?: string;
  expect: Expect;
  /**
   * What the party of case A (Fixture.party) gets. Unset: 404 where the outsider gets 404 (a party is a stranger to
   * every project route), 2xx where anyone does, otherwise not run as the party.
   */
  party?: Outcome;
  /** Builds the request (without the persona's credentials); may create what it needs first. */
  request(f: Fixture, persona: Persona): Promise<InjectOptions> | InjectOptions;
}

/** The privastream project's API prefix and the report route pattern, as rows use them. */
export const P = '/api/v1/projects/privastream';
export const R = '/api/v1/projects/:slug/reports/:trackingId';
