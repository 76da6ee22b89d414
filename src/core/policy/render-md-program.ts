import { blocks, bullets, link, mailLink, numbered, sentence, table } from './markdown.ts';
import { capitalize, channelTarget, durationWords } from './render-md-reporting.ts';
import type { Bounty, BountyRange, DisclosurePolicy, PgpContact, Policy, PolicyScope, Recognition, SafeHarbor } from './types.ts';

const BOUNTY_ORDER = ['critical', 'high', 'medium', 'low'] as const;

export function renderScope(scope: PolicyScope): string {
  if (scope.applies_to.length + scope.in_scope.length + scope.out_of_scope.length === 0) return '';
  return blocks(
    '## Scope',
    scope.applies_to.length > 0 && blocks('This security policy applies to:', bullets(scope.applies_to)),
    scope.in_scope.length > 0 && blocks('### In Scope', bullets(scope.in_scope.map((i) => i.label))),
    scope.out_of_scope.length > 0 && blocks('### Out of Scope', bullets(scope.out_of_scope.map((i) => i.label))),
  );
}

function disclosureTiming(d: DisclosurePolicy): string[] {
  const timing: string[] = [];
  if (d.within && d.from === 'report') timing.push(`We aim to disclose publicly within ${durationWords(d.within)} of the initial report.`);
  if (d.within && d.from === 'fix') timing.push(`Public disclosure follows within ${durationWords(d.within)} after the fix is released.`);
  if (d.requires_fix) timing.push('We will not disclose the vulnerability publicly until a fix is available.');
  // The SLA clock's won't-fix rule (docs/sla.md): a fix that will not come is replaced by the decision.
  if (d.within && d.from === 'fix') timing.push(`If we decide not to fix a confirmed vulnerability, disclosure follows within ${durationWords(d.within)} of that decision.`);
  if (d.coordinated) timing.push('We coordinate the disclosure timing with you.');
  return timing;
}

export function renderDisclosure(d: DisclosurePolicy): string {
  return blocks(
    '## Disclosure Policy',
    d.steps.length > 0 && blocks('When we receive a security bug report, we will:', numbered(d.steps)),
    bullets(disclosureTiming(d)),
    d.channels.length > 0 && blocks('Advisories are announced through:', bullets(d.channels)),
    d.text,
  );
}

export function renderRecognition(r: Recognition): string {
  const credit = r.credit_in_advisory
    ? `We credit reporters in our security advisories${r.anonymity_allowed ? ', unless you prefer to remain anonymous' : ''}.`
    : r.anonymity_allowed && 'You may remain anonymous.';
  const hallOfFame = r.hall_of_fame && `**Hall of Fame**: reporters are recognized publicly${r.hall_of_fame_url ? ` in our ${link(r.hall_of_fame_url, 'Hall of Fame')}` : ' in our Hall of Fame'}.`;
  const items = [credit, hallOfFame, ...r.rewards.map((w) => `**${w.name}**${w.description ? `: ${w.description}` : ''}`)].filter(
    (i): i is string => typeof i === 'string',
  );
  return blocks('## Recognition', r.text, bullets(items));
}

function money(amount: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 0, maximumFractionDigits: 2 }).format(amount);
}

function rangeText(r: BountyRange, currency: string): string {
  const amount =
    r.min !== undefined && r.max !== undefined
      ? r.min === r.max
        ? money(r.min, currency)
        : `${money(r.min, currency)} – ${money(r.max, currency)}`
      : r.min !== undefined
        ? `from ${money(r.min, currency)}`
        : r.max !== undefined
          ? `up to ${money(r.max, currency)}`
          : '';
  return [amount, ...(r.rewards ?? [])].filter((p) => p !== '').join(' + ');
}

export function renderBounty(b: Bounty): string {
  const rows = BOUNTY_ORDER.flatMap((s) => {
    const r = b.ranges[s];
    return r ? [[capitalize(s), rangeText(r, b.currency)]] : [];
  });
  return blocks(
    '## Bug Bounty',
    `Current bounty ranges (amounts in ${b.currency}${b.condition ? `, ${b.condition}` : ''}):`,
    table(['Severity', 'Reward'], rows),
    b.note && `*${sentence(b.note)}*`,
  );
}

export function renderSafeHarbor(s: SafeHarbor): string {
  return blocks(
    '## Safe Harbor',
    s.text,
    s.you_agree.length > 0 && blocks('By reporting a vulnerability, you agree to:', bullets(s.you_agree)),
    s.we_commit.length > 0 && blocks('We commit to:', bullets(s.we_commit)),
  );
}

export function renderPgp(pgp: PgpContact, email: string | undefined): string {
  const ask = email ? ` by emailing ${mailLink(email)}` : '';
  const text =
    pgp.availability === 'published'
      ? `Our PGP key${pgp.fingerprint ? ` (fingerprint \`${pgp.fingerprint}\`)` : ''} is published${pgp.url ? ` at ${link(pgp.url)}` : ''}.`
      : pgp.availability === 'on-request'
        ? `A PGP key is available upon request${ask}.`
        : 'We do not currently offer PGP-encrypted reporting.';
  return blocks('## Encrypted Communication', text);
}

export function renderContacts(policy: Policy, reportUrl: string | undefined): string {
  const c = policy.contacts;
  const items = [
    c.email && `**Security issues**: ${mailLink(c.email)}`,
    reportUrl && `**Report form**: ${link(reportUrl)}`,
    ...(c.other ?? []).map((o) => `**${o.label}**${channelTarget(o)}`),
    c.general && `**General contact**: ${mailLink(c.general)}`,
    ...(c.additional ?? []).map((o) => `**${o.label}**${channelTarget(o)}`),
    c.pgp && `**PGP key**: ${c.pgp.availability === 'none' ? 'not offered' : c.pgp.availability === 'on-request' ? 'available upon request' : 'published'}`,
  ].filter((i): i is string => typeof i === 'string');
  return blocks('## Contact', bullets(items));
}

