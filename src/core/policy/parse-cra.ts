import { defined, optionalEmail, optionalString, optionalUrl } from './map-fields.ts';
import { asBoolean, asMap, asStringList, type Field, type ReadContext } from './yaml-reader.ts';
import type { CraSettings } from './types.ts';

const CRA_KEYS = ['applies', 'manufacturer', 'member_state_csirt', 'member_states', 'product'] as const;
const MANUFACTURER_KEYS = ['name', 'address', 'email', 'url'] as const;
const EU_MEMBER_STATES = new Set('AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK'.split(' '));

/**
 * The EU Cyber Resilience Act section (docs/cra.md): whether Article 14 reporting applies to this project's product,
 * who the manufacturer is, the CSIRT designated as coordinator (where the manufacturer has its main establishment)
 * and the member states where the product is made available. Absent: `applies: false`.
 */
export function parseCra(ctx: ReadContext, field: Field | undefined): CraSettings {
  const map = field && asMap(ctx, field, CRA_KEYS);
  if (!map) return { applies: false, member_states: [] };
  const applies = map.get('applies');
  const manufacturerField = map.get('manufacturer');
  const manufacturer = manufacturerField && asMap(ctx, manufacturerField, MANUFACTURER_KEYS);
  const statesField = map.get('member_states');
  const states = statesField ? asStringList(ctx, statesField).map((s) => s.toUpperCase()) : [];
  const unknown = states.filter((s) => !EU_MEMBER_STATES.has(s));
  if (statesField && unknown.length) ctx.report(statesField, `not EU member state codes (ISO 3166-1 alpha-2, Greece is GR): ${unknown.join(', ')}`);
  const csirt = optionalString(map, 'member_state_csirt');
  const result: CraSettings = {
    applies: (applies && asBoolean(ctx, applies)) ?? false,
    member_states: states,
    ...defined({
      member_state_csirt: csirt,
      product: optionalString(map, 'product'),
      manufacturer: manufacturer
        ? {
            name: optionalString(manufacturer, 'name') ?? '',
            ...defined({ address: optionalString(manufacturer, 'address'), email: optionalEmail(manufacturer, 'email'), url: optionalUrl(manufacturer, 'url') }),
          }
        : undefined,
    }),
  };
  if (result.applies && !result.manufacturer?.name) ctx.report(manufacturerField ?? { path: `${map.path}.manufacturer`, line: map.lineOfKey('applies') }, 'name the manufacturer (manufacturer.name) when cra.applies is true');
  if (result.applies && !csirt) ctx.report({ path: `${map.path}.member_state_csirt`, line: map.lineOfKey('applies') }, 'name the CSIRT designated as coordinator when cra.applies is true');
  return result;
}
