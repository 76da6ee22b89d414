/** The folder of a `/` or `\` separated path ("" for a bare name). */
export function dirnameOf(path: string): string {
  const at = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return at === -1 ? '' : path.slice(0, at + 1);
}

/** `target` as seen from the file `from`: absolute targets stay, relative ones join `from`'s folder; `.`/`..` resolved. */
export function resolveBeside(from: string, target: string): string {
  if (/^(?:\/|\\|[A-Za-z]:[\\/])/.test(target)) return target;
  const joined = `${dirnameOf(from)}${target}`;
  const absolute = joined.startsWith('/');
  const parts: string[] = [];
  for (const part of joined.split(/[\\/]/)) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length && parts[parts.length - 1] !== '..') parts.pop();
    else if (part !== '..' || !absolute) parts.push(part);
  }
  return (absolute ? '/' : '') + parts.join('/');
}
