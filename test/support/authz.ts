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
}

export interface Row {
  method: HTTPMethods;
  /** The route pattern exactly as registered. */
  route: string;
  /** Distinguishes several rows for one route. */
  variant?: string;
  expect: Expect;
  /** Builds the request (without the persona's credentials); may create what it needs first. */
  request(f: Fixture, persona: Persona): Promise<InjectOptions> | InjectOptions;
}

/** The privastream project's API prefix and the report route pattern, as rows use them. */
export const P = '/api/v1/projects/privastream';
export const R = '/api/v1/projects/:slug/reports/:trackingId';
