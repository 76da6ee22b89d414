import type { Cvss4MetricGroup, CvssMetricDefinition } from './types.ts';

type ValueRow = readonly [key: string, label: string, description: string];

const NOT_DEFINED: ValueRow = ['X', 'Not Defined', 'No value assigned; scoring uses the default for the metric.'];

const metric = (
  key: string,
  name: string,
  group: Cvss4MetricGroup,
  description: string,
  rows: readonly ValueRow[],
): CvssMetricDefinition => ({
  key,
  name,
  group,
  mandatory: group === 'base',
  description,
  values: (group === 'base' ? rows : [NOT_DEFINED, ...rows]).map(([k, label, desc]) => ({ key: k, label, description: desc })),
});

const vulnerableImpact = (what: string): readonly ValueRow[] => [
  ['H', 'High', `Total or serious loss of ${what} within the vulnerable system.`],
  ['L', 'Low', `Some loss of ${what} within the vulnerable system, with limited consequences.`],
  ['N', 'None', `No loss of ${what} within the vulnerable system.`],
];
const subsequentImpact = (what: string): readonly ValueRow[] => [
  ['H', 'High', `Total or serious loss of ${what} in subsequent systems.`],
  ['L', 'Low', `Some loss of ${what} in subsequent systems, with limited consequences.`],
  ['N', 'None', `No loss of ${what} in subsequent systems.`],
];
const requirement = (what: string): readonly ValueRow[] => [
  ['H', 'High', `Loss of ${what} has a catastrophic effect on the organisation.`],
  ['M', 'Medium', `Loss of ${what} has a serious effect on the organisation.`],
  ['L', 'Low', `Loss of ${what} has a limited effect on the organisation.`],
];
const SAFETY_IMPACT: ValueRow = ['S', 'Safety', 'Exploitation can cause injury worse than first-aid level (IEC 61508).'];

const BASE: readonly CvssMetricDefinition[] = [
  metric('AV', 'Attack Vector', 'base', 'The context from which exploitation is possible.', [
    ['N', 'Network', 'Exploitable remotely, across routers, e.g. over the internet.'],
    ['A', 'Adjacent', 'The attacker must share a physical or logical network segment with the target.'],
    ['L', 'Local', 'The attacker needs local access or a user to open something on the system.'],
    ['P', 'Physical', 'The attacker must physically touch or manipulate the system.'],
  ]),
  metric('AC', 'Attack Complexity', 'base', 'Security-enhancing conditions the attacker must actively evade.', [
    ['L', 'Low', 'No target-specific evasion of defences is needed.'],
    ['H', 'High', 'Success depends on evading or circumventing defences, e.g. ASLR or secret keys.'],
  ]),
  metric('AT', 'Attack Requirements', 'base', 'Deployment or execution conditions of the target that enable the attack.', [
    ['N', 'None', 'Success does not depend on deployment or execution conditions.'],
    ['P', 'Present', 'Success depends on specific conditions such as a race or a network position.'],
  ]),
  metric('PR', 'Privileges Required', 'base', 'Privileges the attacker needs before exploiting.', [
    ['N', 'None', 'No authorisation is needed before attacking.'],
    ['L', 'Low', 'Basic user privileges are needed.'],
    ['H', 'High', 'Significant, e.g. administrative, privileges are needed.'],
  ]),
  metric('UI', 'User Interaction', 'base', 'Whether a human user other than the attacker must participate.', [
    ['N', 'None', 'No user other than the attacker has to act.'],
    ['P', 'Passive', 'A user must take limited, involuntary action.'],
    ['A', 'Active', 'A user must take specific, conscious action.'],
  ]),
  metric('VC', 'Vulnerable System Confidentiality', 'base', 'Confidentiality impact on the vulnerable system.', vulnerableImpact('confidentiality')),
  metric('VI', 'Vulnerable System Integrity', 'base', 'Integrity impact on the vulnerable system.', vulnerableImpact('integrity')),
  metric('VA', 'Vulnerable System Availability', 'base', 'Availability impact on the vulnerable system.', vulnerableImpact('availability')),
  metric('SC', 'Subsequent System Confidentiality', 'base', 'Confidentiality impact on subsequent systems.', subsequentImpact('confidentiality')),
  metric('SI', 'Subsequent System Integrity', 'base', 'Integrity impact on subsequent systems.', subsequentImpact('integrity')),
  metric('SA', 'Subsequent System Availability', 'base', 'Availability impact on subsequent systems.', subsequentImpact('availability')),
];

const modified = (base: CvssMetricDefinition, safety: boolean): CvssMetricDefinition => {
  const rows = base.values.map((v) => [v.key, v.label, v.description] as const);
  return metric(
    `M${base.key}`,
    `Modified ${base.name}`,
    'environmental',
    `${base.name} as it applies in the assessing organisation\u2019s environment; Not Defined keeps the base value.`,
    safety ? [SAFETY_IMPACT, ...rows] : rows,
  );
};

const base = (key: string): CvssMetricDefinition => {
  const found = BASE.find((m) => m.key === key);
  if (!found) throw new Error(`CVSS 4.0 base metric ${key} is not defined`);
  return found;
};

export const CVSS4_METRICS: readonly CvssMetricDefinition[] = [
  ...BASE,
  metric('E', 'Exploit Maturity', 'threat', 'Likelihood of attack, from the state of exploit techniques and public exploit code.', [
    ['A', 'Attacked', 'Attacks have been reported, or easy-to-use exploit tools exist.'],
    ['P', 'POC', 'Proof-of-concept exploit code is public, no attacks are known.'],
    ['U', 'Unreported', 'Neither proof-of-concept code nor attacks are known.'],
  ]),
  metric('CR', 'Confidentiality Requirements', 'environmental', 'Importance of confidentiality to the organisation.', requirement('confidentiality')),
  metric('IR', 'Integrity Requirements', 'environmental', 'Importance of integrity to the organisation.', requirement('integrity')),
  metric('AR', 'Availability Requirements', 'environmental', 'Importance of availability to the organisation.', requirement('availability')),
  modified(base('AV'), false),
  modified(base('AC'), false),
  modified(base('AT'), false),
  modified(base('PR'), false),
  modified(base('UI'), false),
  modified(base('VC'), false),
  modified(base('VI'), false),
  modified(base('VA'), false),
  modified(base('SC'), false),
  modified(base('SI'), true),
  modified(base('SA'), true),
  metric('S', 'Safety', 'supplemental', 'Whether exploitation can affect human safety.', [
    ['N', 'Negligible', 'Consequences meet the IEC 61508 "negligible" category.'],
    ['P', 'Present', 'Consequences meet the IEC 61508 "marginal", "critical" or "catastrophic" category.'],
  ]),
  metric('AU', 'Automatable', 'supplemental', 'Whether an attacker can automate all steps of the kill chain.', [
    ['N', 'No', 'At least one step cannot be reliably automated.'],
    ['Y', 'Yes', 'All steps can be reliably automated.'],
  ]),
  metric('R', 'Recovery', 'supplemental', 'How well the system recovers after an attack.', [
    ['A', 'Automatic', 'The system recovers services automatically.'],
    ['U', 'User', 'A user must intervene manually to recover services.'],
    ['I', 'Irrecoverable', 'The services cannot be recovered by the user.'],
  ]),
  metric('V', 'Value Density', 'supplemental', 'Resources an attacker gains control of with one exploitation.', [
    ['D', 'Diffuse', 'The vulnerable system has limited resources.'],
    ['C', 'Concentrated', 'The vulnerable system is rich in resources.'],
  ]),
  metric('RE', 'Vulnerability Response Effort', 'supplemental', 'Effort needed to respond to the vulnerability.', [
    ['L', 'Low', 'Low effort, e.g. documentation or configuration changes.'],
    ['M', 'Moderate', 'Some effort, e.g. a drop-in software update.'],
    ['H', 'High', 'Significant effort, e.g. hardware replacement or long downtime.'],
  ]),
  metric('U', 'Provider Urgency', 'supplemental', 'The provider\u2019s own assessment of urgency.', [
    ['Clear', 'Clear', 'Informational or low urgency.'],
    ['Green', 'Green', 'Reduced urgency.'],
    ['Amber', 'Amber', 'Moderate urgency.'],
    ['Red', 'Red', 'Highest urgency.'],
  ]),
];
