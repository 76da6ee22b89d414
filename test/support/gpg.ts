import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** GnuPG in a throw-away GNUPGHOME, for interop tests (Debian `gnupg`; .ci/run installs it). */
export const GPG = ['/usr/bin/gpg', '/usr/local/bin/gpg'].find((p) => existsSync(p)) ?? (spawnSync('gpg', ['--version']).status === 0 ? 'gpg' : undefined);
export const skipWithoutGpg = GPG ? false : 'gpg (GnuPG) is not installed; install Debian "gnupg" to run the interop tests';

export interface Gpg {
  home: string;
  run(args: string[], input?: string): { stdout: string; stderr: string; status: number | null };
  /** Runs and asserts exit 0; returns stdout. */
  ok(args: string[], input?: string): string;
  /** Writes `text` to a file in the home and returns its path. */
  file(name: string, text: string): string;
  /** A fresh Ed25519 signing key with a Curve25519 encryption subkey: its fingerprint and armored public key. */
  newKey(uid: string, email: string): { fingerprint: string; publicKey: string };
  close(): void;
}

export function startGpg(): Gpg {
  const home = mkdtempSync(join(tmpdir(), 'embargo-gpg-'));
  const run = (args: string[], input?: string) => {
    const r = spawnSync(GPG!, ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--no-tty', '--trust-model', 'always', ...args], {
      input,
      encoding: 'utf8',
      env: { ...process.env, GNUPGHOME: home, LC_ALL: 'C' },
      timeout: 20_000,
    });
    return { stdout: r.stdout, stderr: r.stderr, status: r.status };
  };
  const ok = (args: string[], input?: string) => {
    const r = run(args, input);
    assert.equal(r.status, 0, `gpg ${args.join(' ')} failed:\n${r.stderr}`);
    return r.stdout;
  };
  return {
    home,
    run,
    ok,
    file(name, text) {
      const p = join(home, name);
      writeFileSync(p, text);
      return p;
    },
    newKey(uid, email) {
      ok(['--passphrase', '', '--quick-generate-key', `${uid} <${email}>`, 'ed25519', 'sign', 'never']);
      const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(ok(['--with-colons', '--list-secret-keys', email]))?.[1] ?? assert.fail('no fingerprint');
      ok(['--passphrase', '', '--quick-add-key', fingerprint, 'cv25519', 'encr', 'never']);
      return { fingerprint, publicKey: ok(['--armor', '--export', fingerprint]) };
    },
    close() {
      spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: home } });
      rmSync(home, { recursive: true, force: true });
    },
  };
}
