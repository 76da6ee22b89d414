import { SCOPE_ID } from './formats.ts';
import { defined, optionalString, requiredString } from './map-fields.ts';
import { parseVersionMatch } from './version-match.ts';
import { asBoolean, asEnum, asList, asMap, asStringList, type Field, type ReadContext } from './yaml-reader.ts';
import { AI_DISCLOSURE, type PolicyIntake, type PolicyScope, type ReportFieldName, type ScopeItem, type SupportedVersion } from './types.ts';

const VERSION_KEYS = ['label', 'match', 'status', 'note'] as const;
const INTAKE_KEYS = ['no_public_issues', 'requested_information', 'required_fields', 'require_terms_acceptance', 'ai_disclosure', 'hold_first_time_reporters'] as const;
const SCOPE_KEYS = ['applies_to', 'in_scope', 'out_of_scope'] as const;
const ITEM_KEYS = ['id', 'label'] as const;
export const REPORT_FIELD_NAMES: readonly ReportFieldName[] = [
  'steps_to_reproduce',
  'impact',
  'affected_version',
  'environment',
  'proof_of_concept',
  'suggested_fix',
  'category',
  'cvss_vector',
  'reporter_email',
];

export function parseSupportedVersions(ctx: ReadContext, field: Field | undefined): SupportedVersion[] {
  if (!field) return [];
  const items = asList(ctx, field) ?? [];
  if (items.length === 0) ctx.report(field, 'must list at least one version row');
  return items.flatMap((item) => {
    const map = asMap(ctx, item, VERSION_KEYS);
    if (!map) return [];
    const label = requiredString(map, 'label');
    const match = optionalString(map, 'match');
    const statusField = map.require('status');
    const status = (statusField && asEnum(ctx, statusField, ['supported', 'limited', 'unsupported'] as const)) ?? 'unsupported';
    const expression = match ?? label;
    if (expression !== '' && !parseVersionMatch(expression)) {
      const at = map.get('match') ?? map.get('label') ?? item;
      ctx.report(at, `"${expression}" is not a version range (1.0.x, < 1.0, >=1.0.0 <1.1.0) or branch name; set match`);
    }
    return [{ label, status, ...defined({ match, note: optionalString(map, 'note') }) }];
  });
}

/** `scope` is needed because requiring a category only works when the policy defines categories. */
export function parseIntake(ctx: ReadContext, field: Field | undefined, scope: PolicyScope): PolicyIntake {
  const map = field && asMap(ctx, field, INTAKE_KEYS);
  if (!map) return { no_public_issues: true, requested_information: [], required_fields: [], require_terms_acceptance: false };
  const flag = (key: string, fallback: boolean): boolean => {
    const f = map.get(key);
    return (f && asBoolean(ctx, f)) ?? fallback;
  };
  const aiField = map.get('ai_disclosure');
  const aiDisclosure = aiField && asEnum(ctx, aiField, AI_DISCLOSURE);
  const info = map.get('requested_information');
  const required = map.get('required_fields');
  const requiredFields = (required ? (asList(ctx, required) ?? []) : []).flatMap((item) => asEnum(ctx, item, REPORT_FIELD_NAMES) ?? []);
  if (required && requiredFields.includes('category') && scope.in_scope.length + scope.out_of_scope.length === 0) {
    ctx.report(required, 'category cannot be required when scope lists no in_scope or out_of_scope items');
  }
  return {
    no_public_issues: flag('no_public_issues', true),
    requested_information: info ? asStringList(ctx, info) : [],
    required_fields: requiredFields,
    require_terms_acceptance: flag('require_terms_acceptance', false),
    // Only when given: documents without it read as `off` (aiDisclosureOf), and parse as they always did.
    ...(aiField && aiDisclosure ? { ai_disclosure: aiDisclosure } : {}),
    ...(map.get('hold_first_time_reporters') ? { hold_first_time_reporters: flag('hold_first_time_reporters', false) } : {}),
  };
}

function parseItems(ctx: ReadContext, field: Field | undefined): (ScopeItem & { line: number; path: string })[] {
  if (!field) return [];
  return (asList(ctx, field) ?? []).flatMap((item) => {
    const map = asMap(ctx, item, ITEM_KEYS);
    if (!map) return [];
    const id = requiredString(map, 'id', (s) => SCOPE_ID.test(s), 'must be lower-case letters, digits or dashes (e.g. rce)');
    return [{ id, label: requiredString(map, 'label'), line: map.lineOfKey('id'), path: `${item.path}.id` }];
  });
}

export function parseScope(ctx: ReadContext, field: Field | undefined): PolicyScope {
  const map = field && asMap(ctx, field, SCOPE_KEYS);
  if (!map) return { applies_to: [], in_scope: [], out_of_scope: [] };
  const appliesTo = map.get('applies_to');
  const inScope = parseItems(ctx, map.get('in_scope'));
  const outOfScope = parseItems(ctx, map.get('out_of_scope'));
  const seen = new Map<string, string>();
  for (const item of [...inScope, ...outOfScope]) {
    if (item.id === '') continue;
    const first = seen.get(item.id);
    if (first === undefined) seen.set(item.id, item.path);
    else if (first.split('.')[1] !== item.path.split('.')[1]) ctx.report(item, `"${item.id}" is both in scope and out of scope`);
    else ctx.report(item, `"${item.id}" is listed twice (first at ${first})`);
  }
  const strip = ({ id, label }: ScopeItem): ScopeItem => ({ id, label });
  return {
    applies_to: appliesTo ? asStringList(ctx, appliesTo) : [],
    in_scope: inScope.map(strip),
    out_of_scope: outOfScope.map(strip),
  };
}
