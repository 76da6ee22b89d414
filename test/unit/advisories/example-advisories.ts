import { creditFromReport } from '../../../src/core/advisories/credits.ts';
import { transitionAdvisory } from '../../../src/core/advisories/states.ts';
import type { Advisory, AffectedProduct, Credit, Reference } from '../../../src/core/advisories/types.ts';
import type { Policy } from '../../../src/core/policy/types.ts';
import { loadExample, type ExampleName } from '../policy/examples.ts';
import { privastreamPathTraversal } from '../../support/privastream-advisory.ts';

export interface ExampleAdvisory {
  name: ExampleName;
  policy: Policy;
  advisory: Advisory;
  /** Version → whether the advisory declares it vulnerable (the OSV round trip must agree). */
  versions: Record<string, boolean>;
}

interface Spec {
  id: string;
  title: string;
  summary: string;
  details: string;
  cwe_ids: string[];
  cvss: Advisory['cvss'];
  affected: AffectedProduct[];
  references: Reference[];
  credits: Credit[];
  cve_id: string | null;
  report_id: string | null;
  embargo_until: string | null;
}

export function draft(policy: Policy, spec: Spec, at: string): Advisory {
  return { ...spec, project: policy.project.slug, state: 'draft', created_at: at, updated_at: at, published_at: null, withdrawn_at: null, revisions: [] };
}

/** draft → in review → published at `at`. */
export const publish = (a: Advisory, reviewAt: string, at: string): Advisory =>
  transitionAdvisory(transitionAdvisory(a, { to: 'in-review', at: reviewAt }), { to: 'published', at });

const T0 = '2026-03-02T09:00:00Z';
const T1 = '2026-03-05T14:30:00Z';
const T2 = '2026-03-09T08:00:00Z';

function privastream(): ExampleAdvisory {
  const policy = loadExample('privastream');
  const credit = creditFromReport({ credit_choice: 'credit', credit_name: 'Ada Example', reporter_name: 'A. Example' }, policy);
  const a = draft(policy, {
    id: 'PRIV-SA-2026-001',
    report_id: 'PRIV-2026-0007',
    ...privastreamPathTraversal(),
    details: 'The `/recordings/<name>` handler joined the requested name to the media directory without\nnormalising it, so `..%2f` sequences escaped it.\n\n## Fix\nUpgrade to 1.0.4.',
    references: [
      { type: 'advisory', url: 'https://github.com/privastream/privastream/security/advisories/GHSA-xxxx-privastream', name: 'GitHub advisory' },
      { type: 'fix', url: 'https://github.com/privastream/privastream/commit/0123456789abcdef0123456789abcdef01234567' },
    ],
    credits: credit ? [credit] : [],
    cve_id: 'CVE-2026-10001',
    embargo_until: null,
  }, T0);
  return {
    name: 'privastream',
    policy,
    advisory: publish(a, T1, T2),
    versions: { '0.1.0': true, '0.9.2': true, '0.9.3': false, '1.0.0': true, '1.0.3': true, '1.0.4': false, '1.0.10': false, '1.1.0': false },
  };
}

function blayzen(): ExampleAdvisory {
  const policy = loadExample('blayzen');
  const credit = creditFromReport({ credit_choice: 'anonymous', credit_name: 'Should Not Appear', reporter_name: null }, policy);
  let a = draft(policy, {
    id: 'BLAY-SA-2026-003',
    report_id: 'BLAY-2026-0012',
    title: 'Stored XSS in rendered chat transcripts',
    summary: 'Message attachments with HTML file names were rendered unescaped in exported transcripts.',
    details: 'Transcript export used `innerHTML` for attachment names.\n\nVersions before 1.2.0 did not export transcripts.',
    cwe_ids: ['CWE-79', 'CWE-20'],
    cvss: { v3: null, v4: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:A/VC:L/VI:L/VA:N/SC:L/SI:L/SA:N' },
    affected: [
      {
        ecosystem: 'npm',
        package: '@blayzen/core',
        purl: 'pkg:npm/%40blayzen/core',
        branches: [
          { branch: '1.x.x', status: 'fixed', introduced: '1.2.0', fixed: '1.4.2' },
          { branch: '< 1.0', status: 'not-affected' },
        ],
      },
    ],
    references: [{ type: 'fix', url: 'https://github.com/blayzen/blayzen/pull/481', name: 'Escape attachment names' }],
    credits: credit ? [credit] : [],
    cve_id: null,
    embargo_until: null,
  }, T0);
  a = publish(a, T1, T2);
  a = transitionAdvisory({ ...a, details: `${a.details}\n\nAlso affects the PDF export.` }, { to: 'amended', at: '2026-03-12T10:00:00Z', summary: 'The PDF export is affected too.' });
  return {
    name: 'blayzen',
    policy,
    advisory: a,
    versions: { '0.9.0': false, '1.0.0': false, '1.1.9': false, '1.2.0': true, '1.4.1': true, '1.4.2': false, '1.5.0': false, '2.0.0': false },
  };
}

function miniBiai(): ExampleAdvisory {
  const policy = loadExample('mini-biai-1');
  const a = draft(policy, {
    id: 'MBIAI-SA-2026-001',
    report_id: null,
    title: 'Unsafe deserialisation of model checkpoints',
    summary: 'Loading a checkpoint from an untrusted source runs arbitrary code through pickle.',
    details: 'Checkpoints are read with `torch.load` without `weights_only=True`.\n\nNo fix is available yet; only load checkpoints you trust.',
    cwe_ids: ['CWE-502'],
    cvss: { v3: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', v4: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' },
    affected: [
      {
        ecosystem: 'PyPI',
        package: 'mini_biai_1',
        branches: [
          { branch: '0.3.x', status: 'affected', introduced: '0.3.1' },
          { branch: '< 0.3', status: 'wont-fix', last_affected: '0.2.9' },
        ],
      },
    ],
    references: [{ type: 'web', url: 'https://github.com/supermarsx/mini-biai-1/security' }],
    credits: [{ name: 'Mini-BIAI-1 maintainers', type: 'analyst' }],
    cve_id: null,
    embargo_until: '2026-06-01T00:00:00Z',
  }, T0);
  // Scheduled behind its embargo: exported as a CSAF draft.
  const scheduled = transitionAdvisory(transitionAdvisory(a, { to: 'in-review', at: T1 }), { to: 'scheduled', at: T2 });
  return {
    name: 'mini-biai-1',
    policy,
    advisory: scheduled,
    versions: { '0.1.0': true, '0.2.9': true, '0.2.10': false, '0.3.0': false, '0.3.1': true, '0.3.7': true, '0.4.0': false },
  };
}

function personalChatter(): ExampleAdvisory {
  const policy = loadExample('personal-chatter');
  const finder = creditFromReport({ credit_choice: 'credit', credit_name: null, reporter_name: 'Grace Researcher' }, policy);
  const a = draft(policy, {
    id: 'PCHAT-SA-2026-002',
    report_id: 'PCHAT-2026-0031',
    title: 'Session tokens accepted after logout',
    summary: 'Logging out did not revoke the session token on the server.',
    details: 'The logout route cleared the cookie but kept the server-side session row.',
    cwe_ids: ['CWE-287', 'CWE-384'],
    cvss: { v3: 'CVSS:3.1/AV:N/AC:H/PR:L/UI:N/S:U/C:H/I:H/A:N/E:P/RL:O/RC:C', v4: null },
    affected: [
      {
        ecosystem: 'crates.io',
        package: 'personal-chatter',
        branches: [
          { branch: '0.2.x', status: 'fixed', fixed: '0.2.7' },
          { branch: '0.1.x', status: 'fixed', fixed: '0.1.12' },
          { branch: '< 0.1', status: 'wont-fix', last_affected: '0.0.9' },
        ],
      },
    ],
    references: [{ type: 'advisory', url: 'https://personal-chatter.org/security/PCHAT-SA-2026-002' }],
    credits: [...(finder ? [finder] : []), { name: 'Personal Chatter team', type: 'remediation developer' }],
    cve_id: 'CVE-2026-20002',
    embargo_until: '2026-03-09T08:00:00Z',
  }, T0);
  const scheduled = transitionAdvisory(transitionAdvisory(a, { to: 'in-review', at: T1 }), { to: 'scheduled', at: T1 });
  return {
    name: 'personal-chatter',
    policy,
    advisory: transitionAdvisory(scheduled, { to: 'published', at: T2 }),
    versions: { '0.0.1': true, '0.0.9': true, '0.1.0': true, '0.1.11': true, '0.1.12': false, '0.2.0': true, '0.2.6': true, '0.2.7': false, '0.3.0': false },
  };
}

function taehv(): ExampleAdvisory {
  const policy = loadExample('taehv');
  const credit = creditFromReport({ credit_choice: 'credit', credit_name: 'Lin Finder', reporter_name: 'Lin' }, policy);
  const a = draft(policy, {
    id: 'TAEHV-SA-2026-001',
    report_id: 'TAEHV-2026-0002',
    title: 'Server-side request forgery in dataset fetcher',
    summary: 'The dataset URL parameter allowed requests to internal addresses.',
    details: 'The fetcher followed redirects to link-local and private addresses.',
    cwe_ids: ['CWE-918'],
    cvss: { v3: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:N/A:N', v4: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N' },
    affected: [
      {
        ecosystem: 'Go',
        package: 'github.com/taehv/taehv',
        branches: [
          { branch: 'main', status: 'not-affected' },
          { branch: 'v1.x.x', status: 'fixed', introduced: '1.1.0', fixed: '1.3.1' },
        ],
      },
    ],
    references: [{ type: 'fix', url: 'https://github.com/taehv/taehv/commit/89abcdef0123456789abcdef0123456789abcdef' }],
    credits: credit ? [credit] : [],
    cve_id: 'CVE-2026-30003',
    embargo_until: null,
  }, T0);
  return {
    name: 'taehv',
    policy,
    advisory: publish(a, T1, T2),
    versions: { '0.9.0': false, '1.0.0': false, '1.1.0': true, '1.3.0': true, '1.3.1': false, '2.0.0': false },
  };
}

/** One realistic advisory per example policy, in the states a project would export them. */
export const exampleAdvisories = (): ExampleAdvisory[] => [privastream(), blayzen(), miniBiai(), personalChatter(), taehv()];
