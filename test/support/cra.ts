import { savePolicy } from '../../src/services/projects/projects.ts';
import { examplePolicy } from './fixtures.ts';
import type { TestServer } from './harness.ts';

/** The CRA section the tests add to privastream's example policy (docs/cra.md). */
export const CRA_YAML = `
cra:
  applies: true
  product: Privastream server
  manufacturer:
    name: Privastream GmbH
    email: security@privastream.example
  member_state_csirt: CERT-Bund (DE)
  member_states: [DE, FR, NL]
`;

export async function enableCra(rt: TestServer): Promise<void> {
  await savePolicy(rt.ctx, examplePolicy('privastream') + CRA_YAML, 'test');
}
