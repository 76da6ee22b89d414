import { isEmail, isHttpsUrl, isWebUrl } from './formats.ts';
import { asString, checkedString, type MapReader } from './yaml-reader.ts';

/*
 * Section readers return a complete value even when parts are invalid (with empty fallbacks);
 * parsePolicy discards the result whenever a problem was reported.
 */

export function requiredString(map: MapReader, key: string, check?: (s: string) => boolean, hint = ''): string {
  const field = map.require(key);
  if (!field) return '';
  return (check ? checkedString(map.ctx, field, check, hint) : asString(map.ctx, field)) ?? '';
}

export function optionalString(map: MapReader, key: string): string | undefined {
  const field = map.get(key);
  return field ? asString(map.ctx, field) : undefined;
}

export const optionalUrl = (map: MapReader, key: string): string | undefined =>
  checkedString(map.ctx, map.get(key), isWebUrl, 'must be an http(s) URL');

export const optionalHttpsUrl = (map: MapReader, key: string): string | undefined =>
  checkedString(map.ctx, map.get(key), isHttpsUrl, 'must be an https URL');

export const optionalEmail = (map: MapReader, key: string): string | undefined =>
  checkedString(map.ctx, map.get(key), isEmail, 'must be an email address');

/** Copies only the defined optional values, so rendered output never shows `undefined`. */
export function defined<T extends object>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
