/**
 * A form's draft after the server's copy changed under it (a save answered, a state moved, another field changed
 * on the server): a field the user has not touched since — still as last shown, or as last sent — takes the
 * server's value; a field typed in meanwhile keeps what was typed. The advisory editor used to remount on each new
 * revision and drop whatever was typed between "Saved." and the new revision.
 */
export function mergeDraft<D extends object>(current: D, shown: D, sent: D | null, server: D): D {
  const same = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
  const next = { ...current };
  for (const k of Object.keys(current) as (keyof D)[]) {
    if (same(current[k], shown[k]) || (sent !== null && same(current[k], sent[k]))) next[k] = server[k];
  }
  return next;
}
