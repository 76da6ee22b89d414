import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderSecurityMd } from '../../../src/core/policy/render-security-md.ts';
import { parsePolicy } from '../../../src/core/policy/parse.ts';
import { loadExample, type ExampleName } from './examples.ts';

const NOW = new Date('2026-03-01T12:00:00Z');
const REPORT_URL = 'https://embargo.example.org/p/demo/report';

/** Each seed SECURITY.md commitment that the rendered document must still carry. */
const commitments: Record<ExampleName, (string | RegExp)[]> = {
  privastream: [
    /\| 1\.0\.x \| Supported \|/,
    /\| < 1\.0 \| Not supported \|/,
    'Please do not report security vulnerabilities through public issues.',
    '[security@privastream.ai](mailto:security@privastream.ai)',
    'A description of the vulnerability',
    'Steps to reproduce the issue',
    'Potential impact of the vulnerability',
    'Any suggested fixes (if available)',
    /\| Acknowledgment \| We will acknowledge receipt of your vulnerability report \| 48 hours \|/,
    /\| Detailed response \| We will provide a detailed response indicating next steps \| 7 days \|/,
    'We will keep you informed of our progress towards fixing the vulnerability.',
    'We may ask for additional information or guidance during our investigation.',
    'Core PrivaStream application code',
    'Web interface components',
    'AI model inference pipelines',
    'Configuration and deployment scripts',
    'Third-party dependencies (report to upstream maintainers)',
    'Issues requiring physical access to the system',
    'Social engineering attacks',
    'Issues in development or testing environments',
    '1. Confirm the problem and determine affected versions',
    '2. Audit code to find any similar problems',
    '3. Prepare fixes for supported versions',
    '4. Release security patches as soon as possible',
    '5. Publish a security advisory on GitHub',
    'GitHub Security Advisories',
    /credit reporters in our security advisories, unless you prefer to remain anonymous/,
    '**Model Security**: Only use trusted model files from verified sources',
    '**Network Security**: Secure WebRTC connections in production environments',
  ],
  'personal-chatter': [
    /\| 0\.2\.x \| Supported \|/,
    /\| 0\.1\.x \| Limited support \|/,
    /\| < 0\.1 \| Not supported \|/,
    'Please do not report security vulnerabilities through public issues.',
    '[security@personal-chatter.org](mailto:security@personal-chatter.org)',
    'Your contact information',
    'Suggested mitigation (if any)',
    /\| Acknowledgment \| Initial acknowledgment of your report \| 24 hours \|/,
    /\| Assessment \| Preliminary assessment and severity classification \| 72 hours \|/,
    /\| Detailed response \| Detailed investigation and fix development \| 7 days \|/,
    /\| Critical \| Security patch release \| 14 days \|/,
    /\| High \| Security patch release \| 14 days \|/,
    /within 30 days after the fix is released/,
    'until a fix is available',
    // The SLA clock's won't-fix rule (docs/sla.md), stated where the reporter reads the policy.
    /If we decide not to fix a confirmed vulnerability, disclosure follows within 30 days of that decision/,
    'Remote code execution vulnerabilities',
    'SQL injection or NoSQL injection',
    'Authentication and authorization bypasses',
    'Data exposure or privacy violations',
    'Cross-site scripting (XSS) in web interfaces',
    'Insecure cryptographic implementations',
    'Dependency vulnerabilities with exploitable impact',
    'Container escape or privilege escalation',
    'Model poisoning or adversarial attacks',
    'Prompt injection attacks',
    'Physical security issues',
    'Denial of service (DoS) attacks',
    'Issues in third-party dependencies (report to maintainers)',
    'Theoretical vulnerabilities without practical exploitation',
    'Issues requiring physical access to the machine',
    'Self-XSS or user-initiated malicious actions',
    '**Hall of Fame**',
    '**Early Access**: Preview access to new features',
    '**Swag**: Personal Chatter branded merchandise',
    'Monetary rewards for critical vulnerabilities (when funding permits)',
    /\| Critical \| \$500 – \$2,000 \|/,
    /\| High \| \$200 – \$500 \|/,
    /\| Medium \| \$50 – \$200 \|/,
    /\| Low \| Recognition \+ Swag \|/,
    'when funding permits',
    'Bounty amounts depend on severity, impact, and available funding.',
    'Allow us reasonable time to investigate and fix the issue',
    "Not publicly disclose the vulnerability until we've had time to address it",
    'Not use the vulnerability for malicious purposes',
    'Comply with all applicable laws and regulations',
    'Respond to your report in a timely manner',
    'Keep you informed of our progress',
    'Credit you for the discovery (if desired)',
    'Not pursue legal action for good-faith security research',
    '[hello@personal-chatter.org](mailto:hello@personal-chatter.org)',
    '**Project maintainers**: Listed in README.md',
    '## Security Features',
    '**Local Processing**: All AI processing happens on your device',
    '**NIST Cybersecurity Framework**: https://www.nist.gov/cyberframework',
    'Monitor threat intelligence feeds',
    'Last updated: January 2025',
  ],
  blayzen: [
    /\| 1\.x\.x \| Supported \|/,
    /\| < 1\.0 \| Not supported \|/,
    'Please do not report security vulnerabilities through public issues.',
    '[security@blayzen.dev](mailto:security@blayzen.dev)',
    '**GitHub private security advisory**',
    'Report a vulnerability',
    'Proof of Concept: If possible, include a proof of concept',
    'Environment: Your environment details (Go version, OS, etc.)',
    /\| Acknowledgment \| We'll acknowledge receipt of your report \| 48 hours \|/,
    /\| Progress updates \| .*at least weekly.* \| at least every 7 days \|/,
    "We'll investigate the issue and determine its severity.",
    "Disclosure: We'll disclose the vulnerability after a fix is available",
    'We will not disclose the vulnerability publicly until a fix is available.',
    'We coordinate the disclosure timing with you.',
    'Release notes',
    'Security mailing list (if established)',
    'Social media channels',
    /credit reporters in our security advisories/,
    'Encrypt voice data in transit and at rest',
    'Use firewalls and network segmentation',
  ],
  'mini-biai-1': [
    /\| 0\.3\.x \| Supported \|/,
    /\| < 0\.3 \| Not supported \|/,
    'Please do not report security vulnerabilities through public issues.',
    '[security@mini-biai-1.org](mailto:security@mini-biai-1.org)',
    'Vulnerability Type (e.g., XSS, SQL injection, RCE)',
    'Affected Components (specific modules, functions, or endpoints)',
    'Severity Assessment (Critical, High, Medium, Low)',
    /\| Acknowledgment \| .*assign a tracking ID.* \| {2}\| 24 hours \|/,
    /\| Assessment \| .*validate the vulnerability.* \| 3 days \| 7 days \|/,
    'Fix development (varies by complexity)',
    '1. Deploy fixes to supported versions',
    '2. Issue security advisory',
    '3. Coordinate disclosure timeline',
    'Backported to supported versions when applicable'.toLowerCase(),
    /\[Hall of Fame\]\(https:\/\/github\.com\/supermarsx\/mini-biai-1\/security\/advisories\)/,
    'Credit you in our security advisory (if desired)',
    'Give us reasonable time to address the issue before public disclosure',
    "Avoid accessing or modifying data that doesn't belong to you",
    'Delete any sensitive information you may have accessed',
    'A PGP key is available upon request',
    '[contact@mini-biai-1.org](mailto:contact@mini-biai-1.org)',
    '**Critical**: System compromise, data breach, remote code execution',
    'python -m bandit -r src/',
    '**Dependency Updates**: Monthly review and updates',
    '**Audit Logging**: Comprehensive logging for security events',
  ],
  taehv: [
    /\| main \| Supported \|/,
    /\| v1\.x\.x \| Supported \|/,
    /\| < 1\.0 \| Not supported \|/,
    'Please do not report security vulnerabilities through public issues.',
    '[security@taehv.example](mailto:security@taehv.example)',
    'Possible impact',
    /\| Acknowledgment \| We'll acknowledge receipt of your report \| 48 hours \|/,
    /\| Assessment \| We aim to provide an initial assessment \| 5 business days \|/,
    /Business days are Monday to Friday/,
    /UTC time zone/,
    "We'll investigate and validate the vulnerability.",
    "We'll keep you informed of our progress.",
    'We aim to disclose publicly within 90 days of the initial report.',
    'We coordinate the disclosure timing with you.',
    'Private reporting: vulnerabilities are reported privately first',
    'GitHub releases',
    'provide migration guides for breaking security fixes',
    'maintain a security changelog',
    /credit reporters in our security advisories, unless you prefer to remain anonymous/,
    '**Hall of Fame**',
    '**General questions**: Create a GitHub issue',
    '**Private matters**: [contact@taehv.example](mailto:contact@taehv.example)',
    "checkpoint = torch.load(model_path, map_location='cpu', weights_only=True)",
    '#### Pickle Security',
    '**GPU timeout** - implement training timeouts',
  ],
};

for (const [name, expected] of Object.entries(commitments) as [ExampleName, (string | RegExp)[]][]) {
  test(`SECURITY.md for ${name} carries every commitment of its seed`, () => {
    const md = renderSecurityMd(loadExample(name), { now: NOW, reportUrl: REPORT_URL });
    const missing = expected.filter((e) => (typeof e === 'string' ? !md.toLowerCase().includes(e.toLowerCase()) : !e.test(md)));
    assert.deepEqual(missing, []);
    assert.ok(md.includes(`[${REPORT_URL}](${REPORT_URL})`), 'web form link');
    assert.match(md, /^<!-- Generated by Embargo .* on 2026-03-01\./);
    assert.ok(md.endsWith('\n') && !md.endsWith('\n\n'));
    assert.doesNotMatch(md, /undefined|null|:white_check_mark:|:x:/);
  });
}

test('user text inside tables is escaped', () => {
  const { policy } = parsePolicy(`version: 1
project: { slug: demo, name: Demo, tracking_prefix: DEMO }
contacts: { email: security@demo.example }
supported_versions:
  - { label: "a|b", match: main, status: supported, note: "line one\\nline | two" }
response:
  fix:
    critical: { within: 2w, text: "patch | release" }
bounty:
  currency: EUR
  ranges:
    high: { min: 100 }
    medium: { max: 50, rewards: [Swag] }
    low: { min: 10, max: 10 }
`);
  assert.ok(policy);
  const md = renderSecurityMd(policy, { now: NOW });
  assert.match(md, /\| a\\\|b \| Supported \| line one line \\\| two \|/);
  assert.match(md, /\| Critical \| patch \\\| release \| 14 days \|/);
  assert.match(md, /\| High \| from €100 \|/);
  assert.match(md, /\| Medium \| up to €50 \+ Swag \|/);
  assert.match(md, /\| Low \| €10 \|/);
  assert.doesNotMatch(md, /Web form/);
});

test('business days note lists the chosen weekdays and holidays', () => {
  const { policy } = parsePolicy(`version: 1
project: { slug: demo, name: Demo, tracking_prefix: DEMO }
contacts: { email: security@demo.example }
supported_versions: [{ label: main, status: supported }]
response:
  timezone: Asia/Jerusalem
  business_days: [7, 1, 2, 3, 4]
  holidays: [2026-04-02]
  assess: { within: 5bd, target: 2bd }
`);
  assert.ok(policy);
  const md = renderSecurityMd(policy, { now: NOW });
  assert.match(md, /Asia\/Jerusalem time zone\. Business days are Monday to Thursday and Sunday, excluding 2026-04-02\./);
  assert.match(md, /\| Assessment \|  \| 2 business days \| 5 business days \|/);
});
