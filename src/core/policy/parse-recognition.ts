import { isScalar } from 'yaml';
import { CURRENCY } from './formats.ts';
import { defined, optionalString, optionalUrl, requiredString } from './map-fields.ts';
import { asBoolean, asList, asMap, asNumber, asString, asStringList, type Field, type MapReader, type ReadContext } from './yaml-reader.ts';
import type { Bounty, BountyRange, PolicySection, Recognition, Reward, SafeHarbor } from './types.ts';

const RECOGNITION_KEYS = ['credit_in_advisory', 'anonymity_allowed', 'hall_of_fame', 'hall_of_fame_url', 'rewards', 'text'] as const;
const REWARD_KEYS = ['name', 'description'] as const;
const BOUNTY_KEYS = ['currency', 'condition', 'note', 'ranges'] as const;
const BOUNTY_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
const RANGE_KEYS = ['min', 'max', 'rewards'] as const;
const SAFE_HARBOR_KEYS = ['we_commit', 'you_agree', 'text'] as const;
const SECTION_KEYS = ['title', 'body'] as const;

const flag = (map: MapReader, key: string, fallback: boolean): boolean => {
  const f = map.get(key);
  return (f && asBoolean(map.ctx, f)) ?? fallback;
};

const list = (map: MapReader, key: string): string[] => {
  const f = map.get(key);
  return f ? asStringList(map.ctx, f) : [];
};

/** A reward is `{ name, description? }` or, as shorthand, just its name. */
function parseReward(ctx: ReadContext, item: Field): Reward[] {
  if (isScalar(item.node)) {
    const name = asString(ctx, item);
    return name === undefined ? [] : [{ name }];
  }
  const map = asMap(ctx, item, REWARD_KEYS);
  return map ? [{ name: requiredString(map, 'name'), ...defined({ description: optionalString(map, 'description') }) }] : [];
}

export function parseRecognition(ctx: ReadContext, field: Field | undefined): Recognition {
  const map = field && asMap(ctx, field, RECOGNITION_KEYS);
  if (!map) return { credit_in_advisory: true, anonymity_allowed: true, hall_of_fame: false, rewards: [] };
  const hallOfFame = flag(map, 'hall_of_fame', false);
  const hallOfFameUrl = optionalUrl(map, 'hall_of_fame_url');
  if (hallOfFameUrl !== undefined && !hallOfFame) {
    ctx.report({ path: `${map.path}.hall_of_fame_url`, line: map.lineOfKey('hall_of_fame_url') }, 'needs hall_of_fame: true');
  }
  const rewards = map.get('rewards');
  return {
    credit_in_advisory: flag(map, 'credit_in_advisory', true),
    anonymity_allowed: flag(map, 'anonymity_allowed', true),
    hall_of_fame: hallOfFame,
    rewards: rewards ? (asList(ctx, rewards) ?? []).flatMap((item) => parseReward(ctx, item)) : [],
    ...defined({ hall_of_fame_url: hallOfFameUrl, text: optionalString(map, 'text') }),
  };
}

function parseRange(ctx: ReadContext, field: Field | undefined): BountyRange | undefined {
  const map = field && asMap(ctx, field, RANGE_KEYS);
  if (!map) return undefined;
  const amount = (key: string): number | undefined => {
    const f = map.get(key);
    return f && asNumber(ctx, f, { min: 0 });
  };
  const range: BountyRange = defined({ min: amount('min'), max: amount('max'), rewards: map.has('rewards') ? list(map, 'rewards') : undefined });
  if (!map.has('min') && !map.has('max') && !map.has('rewards')) ctx.report({ path: map.path, line: map.line }, 'give min, max or rewards');
  if (range.min !== undefined && range.max !== undefined && range.min > range.max) {
    ctx.report({ path: `${map.path}.max`, line: map.lineOfKey('max') }, `must not be less than min (${range.min})`);
  }
  return range;
}

export function parseBounty(ctx: ReadContext, field: Field | undefined): Bounty | null {
  const map = field && asMap(ctx, field, BOUNTY_KEYS);
  if (!map) return null;
  const rangesField = map.require('ranges');
  const rangesMap = rangesField && asMap(ctx, rangesField, BOUNTY_SEVERITIES);
  const ranges = rangesMap ? defined(Object.fromEntries(BOUNTY_SEVERITIES.map((s) => [s, parseRange(ctx, rangesMap.get(s))]))) : {};
  if (rangesField && rangesMap && Object.keys(ranges).length === 0) ctx.report(rangesField, 'must give at least one severity (low, medium, high, critical)');
  return {
    currency: requiredString(map, 'currency', (s) => CURRENCY.test(s), 'must be an ISO 4217 code such as USD or EUR'),
    ranges,
    ...defined({ condition: optionalString(map, 'condition'), note: optionalString(map, 'note') }),
  };
}

export function parseSafeHarbor(ctx: ReadContext, field: Field | undefined): SafeHarbor | null {
  const map = field && asMap(ctx, field, SAFE_HARBOR_KEYS);
  if (!map) return null;
  const harbor: SafeHarbor = { we_commit: list(map, 'we_commit'), you_agree: list(map, 'you_agree'), ...defined({ text: optionalString(map, 'text') }) };
  if (harbor.we_commit.length === 0 && harbor.you_agree.length === 0 && harbor.text === undefined) {
    ctx.report({ path: map.path, line: map.line }, 'give we_commit, you_agree or text');
  }
  return harbor;
}

export function parseSections(ctx: ReadContext, field: Field | undefined): PolicySection[] {
  if (!field) return [];
  return (asList(ctx, field) ?? []).flatMap((item) => {
    const map = asMap(ctx, item, SECTION_KEYS);
    return map ? [{ title: requiredString(map, 'title'), body: requiredString(map, 'body') }] : [];
  });
}
