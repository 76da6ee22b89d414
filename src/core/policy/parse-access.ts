import { asBoolean, asMap, type Field, type ReadContext } from './yaml-reader.ts';
import type { AccessSettings } from './types.ts';

const ACCESS_KEYS = ['require_two_factor'] as const;

export const DEFAULT_ACCESS: AccessSettings = { require_two_factor: false };

export function parseAccess(ctx: ReadContext, field: Field | undefined): AccessSettings {
  const map = field && asMap(ctx, field, ACCESS_KEYS);
  if (!map) return { ...DEFAULT_ACCESS };
  const required = map.get('require_two_factor');
  return { require_two_factor: (required && asBoolean(ctx, required)) ?? DEFAULT_ACCESS.require_two_factor };
}
