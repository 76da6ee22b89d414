/** Where an npm dependency comes from, judged by its resolved URL or its requested range. */
export type NpmSource = 'registry' | 'non-registry' | 'local';

const REGISTRY_TARBALL = /^https?:\/\/.*\/-\/[^/]+\.tgz(?:[?#].*)?$/;
const REMOTE = /^(?:git\+|git:|github:|gitlab:|bitbucket:|gist:|https?:)/;
const GITHUB_SHORTHAND = /^[^@/:]+\/[^/]+(?:#.*)?$/;

/**
 * `undefined` (no URL recorded) and semver ranges mean the registry; registry tarball URLs (`…/-/name-1.0.0.tgz`)
 * too. git, GitHub shorthands, other URLs and local tarballs are `non-registry`; `link:` and `file:` folders are
 * the project's own code (`local`).
 */
export function npmSourceOf(spec: string | undefined): NpmSource {
  if (spec === undefined || REGISTRY_TARBALL.test(spec)) return 'registry';
  if (spec.startsWith('link:') || spec.startsWith('workspace:') || spec.startsWith('portal:')) return 'local';
  if (spec.startsWith('file:')) return /\.(?:tgz|tar\.gz|tar)$/.test(spec) ? 'non-registry' : 'local';
  if (REMOTE.test(spec) || GITHUB_SHORTHAND.test(spec)) return 'non-registry';
  return 'registry';
}

/** `name@range` → [name, range]; the `@` of a scope is not the separator. */
export function splitNameAndRange(spec: string): [string, string] {
  const at = spec.indexOf('@', 1);
  return at === -1 ? [spec, ''] : [spec.slice(0, at), spec.slice(at + 1)];
}

/** An alias range `npm:string-width@^4.2.0` installs `string-width`. */
export function aliasTarget(range: string): [string, string] | null {
  if (!range.startsWith('npm:')) return null;
  const target = range.slice(4);
  return target.indexOf('@', 1) === -1 ? [target, ''] : splitNameAndRange(target);
}
