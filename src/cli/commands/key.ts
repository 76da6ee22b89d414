import { Command, Option } from 'commander';
import { apiFromEnv, type ApiClient } from '../api-client.ts';
import { CLI_ACTOR, CLI_LABEL, withServices } from '../database.ts';
import { CliError } from '../errors.ts';
import { readStdin, readTextFile } from '../input.ts';
import { out } from '../output.ts';
import type { ServiceContext } from '../../services/context.ts';

/**
 * `embargo key generate|import|export|rotate|retire --project SLUG`: the project's OpenPGP key. Over the HTTP
 * API when EMBARGO_URL/EMBARGO_TOKEN are set (the token's user must be a project admin), else on the database
 * as the operator. Every change is audited by the service.
 */

interface KeyJson {
  fingerprint: string;
  algorithm: string;
  user_ids: string[];
  current: boolean;
  retired_at: string | null;
  url?: string;
  public_key: string;
}

const path = (slug: string, rest: string) => `/api/v1/projects/${encodeURIComponent(slug)}/${rest}`;

async function inDb<T>(slug: string, fn: (ctx: ServiceContext, project: import('../../services/projects/projects.ts').ProjectRecord) => Promise<T>): Promise<T> {
  return withServices(process.env, { bootstrap: false }, async (ctx) => {
    const { getProject } = await import('../../services/projects/projects.ts');
    return fn(ctx, await getProject(ctx.db, slug));
  });
}

async function presented(ctx: ServiceContext, slug: string, k: import('../../services/pgp/project-keys.ts').ProjectKeyView): Promise<KeyJson> {
  const [{ presentKey }, { projectKeyUrl }] = await Promise.all([import('../../api/present-pgp.ts'), import('../../services/pgp/project-keys.ts')]);
  return presentKey(k, k.current ? projectKeyUrl(ctx, slug) : null);
}

const summary = (verb: string, slug: string, k: KeyJson) =>
  [`${verb} OpenPGP key of ${slug}: ${k.fingerprint}`, `  ${k.algorithm}, ${k.user_ids.join(', ')}`, ...(k.url ? [`  published at ${k.url}`] : [])].join('\n');

const projectOption = () => new Option('--project <slug>', 'project slug').makeOptionMandatory();

type NewKeyOpts = { project: string; email?: string; expiresInDays?: string; passphraseFile?: string };

async function newKeyBody(file: string | undefined, opts: NewKeyOpts): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  if (file !== undefined) body.private_key = file === '-' ? await readStdin() : await readTextFile(file);
  if (opts.passphraseFile !== undefined) body.passphrase = (await readTextFile(opts.passphraseFile)).replace(/\r?\n$/, '');
  else if (process.env.EMBARGO_KEY_PASSPHRASE !== undefined && file !== undefined) body.passphrase = process.env.EMBARGO_KEY_PASSPHRASE;
  if (opts.email !== undefined) body.email = opts.email;
  if (opts.expiresInDays !== undefined) {
    const days = Number(opts.expiresInDays);
    if (!Number.isInteger(days) || days < 1) throw new CliError(`--expires-in-days must be a whole number of days, not ${opts.expiresInDays}`, 2);
    body.expires_in_days = days;
  }
  return body;
}

const toInput = (b: Record<string, unknown>) => ({
  ...(typeof b.private_key === 'string' ? { armoredPrivateKey: b.private_key } : {}),
  ...(typeof b.passphrase === 'string' ? { passphrase: b.passphrase } : {}),
  ...(typeof b.email === 'string' ? { email: b.email } : {}),
  ...(typeof b.expires_in_days === 'number' ? { expiresInSeconds: b.expires_in_days * 86_400 } : {}),
});

async function addKey(api: ApiClient | null, slug: string, body: Record<string, unknown>, route: 'generate' | 'import' | 'rotate'): Promise<KeyJson> {
  if (api) return api.request<KeyJson>('POST', path(slug, `keys/${route}`), body);
  return inDb(slug, async (ctx, p) => {
    const { addProjectKey } = await import('../../services/pgp/project-keys.ts');
    return presented(ctx, slug, await addProjectKey(ctx, p, CLI_ACTOR, CLI_LABEL, toInput(body), route === 'rotate' ? 'rotate' : 'create'));
  });
}

const generateCommand = () =>
  new Command('generate')
    .description('generate the project key pair (ECC: Ed25519 signing, Curve25519 encryption)')
    .addOption(projectOption())
    .option('--email <address>', "user id email (default: the policy's security contact)")
    .option('--expires-in-days <n>', 'key lifetime (default: no expiry)')
    .action(async (opts: NewKeyOpts) => out(summary('Generated', opts.project, await addKey(apiFromEnv(process.env), opts.project, await newKeyBody(undefined, opts), 'generate'))));

const importCommand = () =>
  new Command('import')
    .description('import an armored private key as the project key ("-" reads stdin); stored sealed, without its passphrase')
    .addOption(projectOption())
    .argument('<file>', 'armored private key file, or - for stdin')
    .option('--passphrase-file <file>', 'file holding the passphrase of a protected key (or set EMBARGO_KEY_PASSPHRASE)')
    .action(async (file: string, opts: NewKeyOpts) => out(summary('Imported', opts.project, await addKey(apiFromEnv(process.env), opts.project, await newKeyBody(file, opts), 'import'))));

const rotateCommand = () =>
  new Command('rotate')
    .description('retire the current key and make a new one current (generated, or imported from [file]); retired keys still decrypt')
    .addOption(projectOption())
    .argument('[file]', 'armored private key to import as the new key')
    .option('--email <address>', 'user id email of a generated key')
    .option('--expires-in-days <n>', 'lifetime of a generated key')
    .option('--passphrase-file <file>', 'passphrase of an imported protected key')
    .action(async (file: string | undefined, opts: NewKeyOpts) => out(summary('New', opts.project, await addKey(apiFromEnv(process.env), opts.project, await newKeyBody(file, opts), 'rotate'))));

const retireCommand = () =>
  new Command('retire')
    .description('retire the current key without a successor (nothing is published; security.txt is unsigned)')
    .addOption(projectOption())
    .action(async (opts: { project: string }) => {
      const api = apiFromEnv(process.env);
      const r = api
        ? await api.request<{ fingerprint: string }>('POST', path(opts.project, 'keys/retire'))
        : await inDb(opts.project, async (ctx, p) => (await import('../../services/pgp/project-keys.ts')).retireProjectKey(ctx, p, CLI_ACTOR, CLI_LABEL));
      out(`Retired OpenPGP key ${r.fingerprint} of ${opts.project}`);
    });

const exportCommand = () =>
  new Command('export')
    .description("print the project's current public key (ASCII armor) on stdout")
    .addOption(projectOption())
    .action(async (opts: { project: string }) => {
      const api = apiFromEnv(process.env);
      const keys = api
        ? (await api.request<{ keys: KeyJson[] }>('GET', path(opts.project, 'keys'))).keys
        : await inDb(opts.project, async (ctx, p) => {
            const { listProjectKeys } = await import('../../services/pgp/project-keys.ts');
            return Promise.all((await listProjectKeys(ctx, p, CLI_ACTOR)).map((k) => presented(ctx, opts.project, k)));
          });
      const current = keys.find((k) => k.current);
      if (!current) throw new CliError(`Project ${opts.project} has no OpenPGP key: embargo key generate --project ${opts.project}`);
      out(current.public_key);
    });

export const keyCommand = (): Command =>
  [generateCommand(), importCommand(), exportCommand(), rotateCommand(), retireCommand()].reduce(
    (g, c) => g.addCommand(c),
    new Command('key').description("a project's OpenPGP key (admins; API or database mode)"),
  );
