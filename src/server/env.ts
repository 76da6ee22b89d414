/** Helpers shared by the environment parsers (config.ts, mail-config.ts). */

export type Env = Record<string, string | undefined>;

/** An integer variable from `min` to `max`; unset or empty → `fallback`; invalid → `fallback` plus a problem for the report. */
export function parseIntEnv(env: Env, name: string, fallback: number, problems: string[], min = 1, max = Infinity): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.push(`${name} must be an integer ${max === Infinity ? `>= ${min}` : `from ${min} to ${max}`} (got "${raw}")`);
    return fallback;
  }
  return n;
}
