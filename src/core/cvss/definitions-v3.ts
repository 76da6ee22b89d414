import type { Cvss3MetricGroup, CvssMetricDefinition, CvssMetricValueDefinition } from './types.ts';

type ValueRow = readonly [key: string, label: string, description: string];

const values = (rows: readonly ValueRow[]): CvssMetricValueDefinition[] =>
  rows.map(([key, label, description]) => ({ key, label, description }));

const NOT_DEFINED: ValueRow = ['X', 'Not Defined', 'No value assigned; scoring treats the metric as if it were absent.'];

const metric = (
  key: string,
  name: string,
  group: Cvss3MetricGroup,
  description: string,
  rows: readonly ValueRow[],
): CvssMetricDefinition => ({
  key,
  name,
  group,
  mandatory: group === 'base',
  description,
  values: values(group === 'base' ? rows : [NOT_DEFINED, ...rows]),
});

const ATTACK_VECTOR: readonly ValueRow[] = [
  ['N', 'Network', 'Exploitable remotely, across routers, e.g. over the internet.'],
  ['A', 'Adjacent Network', 'The attacker must share a physical or logical network segment with the target.'],
  ['L', 'Local', 'The attacker needs local access or a user to open something on the system.'],
  ['P', 'Physical', 'The attacker must physically touch or manipulate the component.'],
];
const ATTACK_COMPLEXITY: readonly ValueRow[] = [
  ['L', 'Low', 'No special conditions; the attack succeeds repeatably.'],
  ['H', 'High', 'Success depends on conditions outside the attacker\u2019s control.'],
];
const PRIVILEGES_REQUIRED: readonly ValueRow[] = [
  ['N', 'None', 'No authorisation is needed before attacking.'],
  ['L', 'Low', 'Basic user privileges are needed.'],
  ['H', 'High', 'Significant, e.g. administrative, privileges are needed.'],
];
const USER_INTERACTION: readonly ValueRow[] = [
  ['N', 'None', 'No user other than the attacker has to act.'],
  ['R', 'Required', 'A user must take some action before the attack succeeds.'],
];
const SCOPE: readonly ValueRow[] = [
  ['U', 'Unchanged', 'Only resources managed by the vulnerable component\u2019s authority are affected.'],
  ['C', 'Changed', 'The impact reaches components beyond the vulnerable component\u2019s authority.'],
];
const impact = (what: string): readonly ValueRow[] => [
  ['H', 'High', `Total loss of ${what}, or a serious loss with direct consequences.`],
  ['L', 'Low', `Some loss of ${what}, with limited consequences.`],
  ['N', 'None', `No loss of ${what}.`],
];
const requirement = (what: string): readonly ValueRow[] => [
  ['H', 'High', `Loss of ${what} has a catastrophic effect on the organisation.`],
  ['M', 'Medium', `Loss of ${what} has a serious effect on the organisation.`],
  ['L', 'Low', `Loss of ${what} has a limited effect on the organisation.`],
];
const modified = (base: CvssMetricDefinition): CvssMetricDefinition =>
  metric(
    `M${base.key}`,
    `Modified ${base.name}`,
    'environmental',
    `${base.name} as it applies in the assessing organisation\u2019s environment; Not Defined keeps the base value.`,
    base.values.map((v) => [v.key, v.label, v.description] as const),
  );

const AV = metric('AV', 'Attack Vector', 'base', 'The context from which exploitation is possible.', ATTACK_VECTOR);
const AC = metric('AC', 'Attack Complexity', 'base', 'Conditions beyond the attacker\u2019s control that must exist.', ATTACK_COMPLEXITY);
const PR = metric('PR', 'Privileges Required', 'base', 'Privileges the attacker needs before exploiting.', PRIVILEGES_REQUIRED);
const UI = metric('UI', 'User Interaction', 'base', 'Whether a user other than the attacker must participate.', USER_INTERACTION);
const S = metric('S', 'Scope', 'base', 'Whether the impact crosses a security authority boundary.', SCOPE);
const C = metric('C', 'Confidentiality', 'base', 'Impact on the confidentiality of information.', impact('confidentiality'));
const I = metric('I', 'Integrity', 'base', 'Impact on the trustworthiness of information.', impact('integrity'));
const A = metric('A', 'Availability', 'base', 'Impact on the availability of the affected component.', impact('availability'));

/** CVSS v3.0 and v3.1 share metrics and values; only the formulas differ. */
export const CVSS3_METRICS: readonly CvssMetricDefinition[] = [
  AV,
  AC,
  PR,
  UI,
  S,
  C,
  I,
  A,
  metric('E', 'Exploit Code Maturity', 'temporal', 'How far exploit techniques or code have matured.', [
    ['H', 'High', 'Functional autonomous code exists, or no exploit is needed.'],
    ['F', 'Functional', 'Functional exploit code works in most situations.'],
    ['P', 'Proof-of-Concept', 'Proof-of-concept code exists but is not practical for most systems.'],
    ['U', 'Unproven', 'No exploit code is available, or exploitation is theoretical.'],
  ]),
  metric('RL', 'Remediation Level', 'temporal', 'How far a remedy for the vulnerability is available.', [
    ['U', 'Unavailable', 'No solution is available or it cannot be applied.'],
    ['W', 'Workaround', 'An unofficial, non-vendor solution exists.'],
    ['T', 'Temporary Fix', 'An official but temporary fix or workaround exists.'],
    ['O', 'Official Fix', 'A complete vendor solution is available.'],
  ]),
  metric('RC', 'Report Confidence', 'temporal', 'Confidence in the existence and details of the vulnerability.', [
    ['C', 'Confirmed', 'Detailed reports or reproduction confirm the vulnerability.'],
    ['R', 'Reasonable', 'Significant details are published but the root cause is not fully confirmed.'],
    ['U', 'Unknown', 'Reports indicate impact but are uncertain about the cause.'],
  ]),
  metric('CR', 'Confidentiality Requirement', 'environmental', 'Importance of confidentiality to the organisation.', requirement('confidentiality')),
  metric('IR', 'Integrity Requirement', 'environmental', 'Importance of integrity to the organisation.', requirement('integrity')),
  metric('AR', 'Availability Requirement', 'environmental', 'Importance of availability to the organisation.', requirement('availability')),
  modified(AV),
  modified(AC),
  modified(PR),
  modified(UI),
  modified(S),
  modified(C),
  modified(I),
  modified(A),
];
