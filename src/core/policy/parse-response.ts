import { isScalar } from 'yaml';
import { durationHourBounds, tryParseDuration } from './duration.ts';
import { isCalendarDate, isTimeZone } from './formats.ts';
import { defined, optionalString } from './map-fields.ts';
import { asBoolean, asCheckedStringList, asEnum, asList, asMap, asNumber, asString, asStringList, type Field, type MapReader, type ReadContext } from './yaml-reader.ts';
import type { DisclosurePolicy, PhaseCommitment, ResponseTimes } from './types.ts';

const RESPONSE_KEYS = ['timezone', 'business_days', 'holidays', 'acknowledge', 'assess', 'detailed_response', 'update_cadence', 'fix', 'promises'] as const;
const PHASE_KEYS = ['within', 'target', 'text'] as const;
const FIX_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
const DISCLOSURE_KEYS = ['within', 'from', 'requires_fix', 'coordinated', 'steps', 'channels', 'text'] as const;
const DURATION_HINT = 'must be a duration such as 48h, 7d, 5bd (business days) or 2w';

export const DEFAULT_BUSINESS_DAYS = [1, 2, 3, 4, 5];

function duration(ctx: ReadContext, field: Field | undefined): string | undefined {
  if (!field) return undefined;
  const text = asString(ctx, field);
  if (text === undefined) return undefined;
  if (tryParseDuration(text)) return text;
  ctx.report(field, DURATION_HINT);
  return undefined;
}

/** A phase is `{ within, target?, text? }` or, as shorthand, just the `within` duration. */
export function parsePhase(ctx: ReadContext, field: Field | undefined): PhaseCommitment | undefined {
  if (!field) return undefined;
  if (isScalar(field.node)) return { within: duration(ctx, field) ?? '' };
  const map = asMap(ctx, field, PHASE_KEYS);
  if (!map) return undefined;
  const within = duration(ctx, map.require('within'));
  const targetField = map.get('target');
  const target = duration(ctx, targetField);
  const w = within === undefined ? null : tryParseDuration(within);
  const t = target === undefined ? null : tryParseDuration(target);
  if (w && t && targetField && durationHourBounds(t).min > durationHourBounds(w).max) {
    ctx.report(targetField, `must not be longer than within (${within})`);
  }
  return { within: within ?? '', ...defined({ target, text: optionalString(map, 'text') }) };
}

function parseBusinessDays(ctx: ReadContext, field: Field | undefined): number[] {
  if (!field) return DEFAULT_BUSINESS_DAYS;
  const items = asList(ctx, field) ?? [];
  if (items.length === 0) ctx.report(field, 'must list at least one weekday (1=Monday .. 7=Sunday)');
  const days: number[] = [];
  for (const item of items) {
    const day = asNumber(ctx, item, { integer: true, min: 1, max: 7 });
    if (day === undefined) continue;
    if (days.includes(day)) ctx.report(item, `weekday ${day} is listed twice`);
    days.push(day);
  }
  return days;
}

function parseFix(ctx: ReadContext, field: Field | undefined): ResponseTimes['fix'] {
  const map = field && asMap(ctx, field, FIX_SEVERITIES);
  if (!map) return undefined;
  return defined(Object.fromEntries(FIX_SEVERITIES.map((s) => [s, parsePhase(ctx, map.get(s))])));
}

export function parseResponse(ctx: ReadContext, field: Field | undefined): ResponseTimes {
  const map = field && asMap(ctx, field, RESPONSE_KEYS);
  if (!map) return { timezone: 'UTC', business_days: DEFAULT_BUSINESS_DAYS, holidays: [], promises: [] };
  const tzField = map.get('timezone');
  const timezone = tzField ? asString(ctx, tzField) : 'UTC';
  if (tzField && timezone !== undefined && !isTimeZone(timezone)) ctx.report(tzField, 'must be an IANA time zone such as UTC or Europe/Berlin');
  const holidaysField = map.get('holidays');
  const promisesField = map.get('promises');
  return {
    timezone: timezone ?? 'UTC',
    business_days: parseBusinessDays(ctx, map.get('business_days')),
    holidays: holidaysField ? asCheckedStringList(ctx, holidaysField, isCalendarDate, 'must be a date written YYYY-MM-DD') : [],
    promises: promisesField ? asStringList(ctx, promisesField) : [],
    ...defined({
      acknowledge: parsePhase(ctx, map.get('acknowledge')),
      assess: parsePhase(ctx, map.get('assess')),
      detailed_response: parsePhase(ctx, map.get('detailed_response')),
      update_cadence: parsePhase(ctx, map.get('update_cadence')),
      fix: parseFix(ctx, map.get('fix')),
    }),
  };
}

const optionalList = (ctx: ReadContext, map: MapReader, key: string): string[] => {
  const field = map.get(key);
  return field ? asStringList(ctx, field) : [];
};

const optionalBoolean = (ctx: ReadContext, map: MapReader, key: string): boolean | undefined => {
  const field = map.get(key);
  return field ? asBoolean(ctx, field) : undefined;
};

export function parseDisclosure(ctx: ReadContext, field: Field | undefined): DisclosurePolicy {
  const map = field && asMap(ctx, field, DISCLOSURE_KEYS);
  if (!map) return { from: 'fix', requires_fix: true, coordinated: true, steps: [], channels: [] };
  const within = duration(ctx, map.get('within'));
  // A deadline is meaningless without knowing when its clock starts.
  const fromField = map.has('within') ? map.require('from') : map.get('from');
  const from = (fromField && asEnum(ctx, fromField, ['report', 'fix'] as const)) ?? 'fix';
  const requiresFix = optionalBoolean(ctx, map, 'requires_fix');
  if (from === 'fix' && requiresFix === false) {
    ctx.report({ path: `${map.path}.requires_fix`, line: map.lineOfKey('requires_fix') }, 'cannot be false when the deadline counts from the fix');
  }
  return {
    from,
    requires_fix: requiresFix ?? from === 'fix',
    coordinated: optionalBoolean(ctx, map, 'coordinated') ?? true,
    steps: optionalList(ctx, map, 'steps'),
    channels: optionalList(ctx, map, 'channels'),
    ...defined({ within, text: optionalString(map, 'text') }),
  };
}
