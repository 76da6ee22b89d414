import { expiresProblem } from './expires.ts';
import { LANGUAGE_TAG, PGP_FINGERPRINT, hasScheme, parseInstant } from './formats.ts';
import { defined, optionalEmail, optionalHttpsUrl, optionalString, optionalUrl, requiredString } from './map-fields.ts';
import { isSecurityAddress } from './claims.ts';
import { asCheckedStringList, asEnum, asList, asMap, asNumber, checkedString, type Field, type MapReader, type ReadContext } from './yaml-reader.ts';
import type { ContactChannel, PgpContact, PolicyContacts, SecurityTxtFields } from './types.ts';

const CONTACT_KEYS = ['email', 'other', 'general', 'additional', 'pgp', 'security_txt'] as const;
const CHANNEL_KEYS = ['label', 'url', 'email', 'note'] as const;
const PGP_KEYS = ['availability', 'fingerprint', 'url'] as const;
const SECURITY_TXT_KEYS = [
  'expires',
  'expires_in_days',
  'preferred_languages',
  'canonical',
  'policy',
  'acknowledgments',
  'encryption',
  'hiring',
  'csaf',
  'extra_contacts',
] as const;

function parseChannels(ctx: ReadContext, field: Field | undefined): ContactChannel[] | undefined {
  if (!field) return undefined;
  return (asList(ctx, field) ?? []).flatMap((item) => {
    const map = asMap(ctx, item, CHANNEL_KEYS);
    if (!map) return [];
    return [{ label: requiredString(map, 'label'), ...defined({ url: optionalUrl(map, 'url'), email: optionalEmail(map, 'email'), note: optionalString(map, 'note') }) }];
  });
}

function parsePgp(ctx: ReadContext, field: Field | undefined): PgpContact | undefined {
  const map = field && asMap(ctx, field, PGP_KEYS);
  if (!map) return undefined;
  const availabilityField = map.require('availability');
  const availability = (availabilityField && asEnum(ctx, availabilityField, ['published', 'on-request', 'none'] as const)) ?? 'none';
  const pgp: PgpContact = {
    availability,
    ...defined({
      fingerprint: checkedString(ctx, map.get('fingerprint'), (s) => PGP_FINGERPRINT.test(s), 'must be a 40 or 64 hex digit key fingerprint'),
      url: optionalHttpsUrl(map, 'url'),
    }),
  };
  if (availability === 'published' && !map.has('fingerprint') && !map.has('url')) {
    ctx.report({ path: map.path, line: map.line }, 'a published key needs a fingerprint or url');
  }
  return pgp;
}

const uriList = (ctx: ReadContext, map: MapReader, key: string, schemes: readonly string[]): string[] | undefined => {
  const field = map.get(key);
  return field && asCheckedStringList(ctx, field, (s) => hasScheme(s, schemes), `each entry must be a URI starting with ${schemes.join(' or ')}`);
};

function parseSecurityTxt(ctx: ReadContext, field: Field | undefined, now: Date | undefined): SecurityTxtFields | undefined {
  const map = field && asMap(ctx, field, SECURITY_TXT_KEYS);
  if (!map) return undefined;
  const expiresField = map.get('expires');
  const expires = checkedString(ctx, expiresField, (s) => parseInstant(s) !== null, 'must be an RFC 3339 date-time such as 2026-12-31T00:00:00Z');
  const instant = expires === undefined ? null : parseInstant(expires);
  const problem = instant && now ? expiresProblem(instant, now) : null;
  if (expiresField && problem) ctx.report(expiresField, problem);
  const daysField = map.get('expires_in_days');
  if (expiresField && daysField) ctx.report(daysField, 'give either expires or expires_in_days, not both');
  const languagesField = map.get('preferred_languages');
  return defined({
    expires,
    expires_in_days: daysField && asNumber(ctx, daysField, { integer: true, min: 1, max: 365 }),
    preferred_languages: languagesField && asCheckedStringList(ctx, languagesField, (s) => LANGUAGE_TAG.test(s), 'must be a language tag such as en or de-CH'),
    canonical: uriList(ctx, map, 'canonical', ['https:']),
    policy: optionalHttpsUrl(map, 'policy'),
    acknowledgments: optionalHttpsUrl(map, 'acknowledgments'),
    encryption: uriList(ctx, map, 'encryption', ['https:', 'dns:', 'openpgp4fpr:']),
    hiring: optionalHttpsUrl(map, 'hiring'),
    csaf: optionalHttpsUrl(map, 'csaf'),
    extra_contacts: uriList(ctx, map, 'extra_contacts', ['https:', 'mailto:', 'tel:']),
  });
}

export function parseContacts(ctx: ReadContext, field: Field | undefined, now: Date | undefined): PolicyContacts {
  const map = field && asMap(ctx, field, CONTACT_KEYS);
  if (!map) return {};
  const contacts: PolicyContacts = defined({
    email: checkedString(ctx, map.get('email'), isSecurityAddress, "must be an email address without '+' in its local part (Embargo answers reporters from <local>+r-<token>@<domain>)"),
    other: parseChannels(ctx, map.get('other')),
    general: optionalEmail(map, 'general'),
    additional: parseChannels(ctx, map.get('additional')),
    pgp: parsePgp(ctx, map.get('pgp')),
    security_txt: parseSecurityTxt(ctx, map.get('security_txt'), now),
  });
  const reachable = map.has('email') || (contacts.other ?? []).some((c) => c.url !== undefined || c.email !== undefined);
  if (!reachable) ctx.report({ path: map.path, line: map.line }, 'give an email or an other channel with a url or email, so reporters can reach you');
  return contacts;
}

