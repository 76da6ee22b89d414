import type { DisclosurePolicy, Policy, ResponseTimes } from '../../../src/core/policy/types.ts';

/**
 * Minimal policies carrying only the response-time promises of the five seed SECURITY.md files
 * (/work/shared/seeds). Everything the SLA clock does not read is filled with empty defaults.
 */
function policy(slug: string, response: Omit<ResponseTimes, 'timezone'> & { timezone?: string }, disclosure: Partial<DisclosurePolicy> = {}): Policy {
  return {
    version: 1,
    project: { slug, name: slug, tracking_prefix: slug.toUpperCase().slice(0, 4) },
    contacts: {},
    supported_versions: [],
    intake: { no_public_issues: true, requested_information: [] },
    scope: { applies_to: [], in_scope: [], out_of_scope: [] },
    response: { timezone: 'UTC', ...response },
    disclosure: { from: 'fix', requires_fix: true, coordinated: true, steps: [], channels: [], ...disclosure },
    recognition: { credit_in_advisory: true, anonymity_allowed: true, hall_of_fame: false, rewards: [] },
    bounty: null,
    safe_harbor: null,
    sections: [],
  };
}

/** 000 PrivaStream: "acknowledge receipt … within 48 hours", "detailed response within 7 days". */
export const privastream = policy('privastream', {
  acknowledge: { within: '48h', text: 'We will acknowledge receipt of your vulnerability report within 48 hours' },
  detailed_response: { within: '7d', text: 'We will provide a detailed response within 7 days indicating next steps' },
});

/** 001 Personal Chatter: 24h ack, 72h assessment, 7 days detailed, 14 days fix (high/critical), disclosure 30 days after fix. */
export const personalChatter = policy(
  'personal-chatter',
  {
    acknowledge: { within: '24h' },
    assess: { within: '72h' },
    detailed_response: { within: '7d' },
    fix: { high: { within: '14d' }, critical: { within: '14d' } },
  },
  { within: '30d', from: 'fix' },
);

/** 002 Blayzen: 48h ack, updates at least weekly, disclosure only "after a fix is available" (no date). */
export const blayzen = policy('blayzen', {
  acknowledge: { within: '48h' },
  update_cadence: { within: '1w', text: "We'll keep you updated on our progress (at least weekly)" },
});

/** 003 Mini-BIAI-1: 24h ack, investigation "within 3-7 days". */
export const miniBiai = policy('mini-biai-1', {
  acknowledge: { within: '24h' },
  assess: { within: '7d', target: '3d' },
});

/** 004 TAEHV: 48h ack, initial assessment within 5 business days, disclosure within 90 days of the report. */
export const taehv = policy(
  'taehv',
  { acknowledge: { within: '48h' }, assess: { within: '5bd' } },
  { within: '90d', from: 'report', requires_fix: false },
);

export function withResponse(base: Policy, response: Partial<ResponseTimes>): Policy {
  return { ...base, response: { ...base.response, ...response } };
}
