import { SLUG, TRACKING_PREFIX, isHostname, isOneLine } from './formats.ts';
import { defined, optionalHttpsUrl, optionalUrl, requiredString } from './map-fields.ts';
import { asCheckedStringList, asMap, type Field, type ReadContext } from './yaml-reader.ts';
import type { PolicyProject } from './types.ts';

const PROJECT_KEYS = ['slug', 'name', 'tracking_prefix', 'url', 'public_url', 'hosts'] as const;

export function parseProject(ctx: ReadContext, field: Field | undefined): PolicyProject {
  const map = field && asMap(ctx, field, PROJECT_KEYS);
  if (!map) return { slug: '', name: '', tracking_prefix: '' };
  const hostsField = map.get('hosts');
  return {
    slug: requiredString(map, 'slug', (s) => SLUG.test(s), 'must be 2-63 lower-case letters, digits or dashes, starting with a letter or digit'),
    name: requiredString(map, 'name', isOneLine, 'must be one line of text (no line breaks or control characters)'),
    tracking_prefix: requiredString(map, 'tracking_prefix', (s) => TRACKING_PREFIX.test(s), 'must be 2-10 upper-case letters or digits, starting with a letter (e.g. PRIV)'),
    ...defined({
      url: optionalUrl(map, 'url'),
      public_url: optionalHttpsUrl(map, 'public_url'),
      hosts: hostsField && asCheckedStringList(ctx, hostsField, isHostname, 'must be a host name such as security.example.org'),
    }),
  };
}
