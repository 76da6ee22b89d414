import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHygiene } from '../../../src/cli/commands/hygiene.ts';
import { sarifValidator } from '../../../src/adapters/hygiene/sarif-schema.ts';
import { rng } from '../../support/fuzz.ts';

const MODELS = join(import.meta.dirname, '..', '..', 'fixtures', 'hygiene', 'models');
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const mix = (n: number, seed: number): string => {
  const r = rng(seed);
  return Array.from({ length: n }, () => ALNUM[Math.floor(r() * ALNUM.length)]).join('');
};
/** Built from parts at test time: the repository holds no token a secret scanner would take for real. */
const TOKEN = ['gh', 'p_', mix(36, 7)].join('');
const STRIPE = ['sk', '_live_', mix(24, 8)].join('');

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'embargo-hygiene-'));
  mkdirSync(join(dir, 'src'));
  mkdirSync(join(dir, 'models'));
  mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, 'src', 'config.py'), `import os\nGITHUB_TOKEN = "${TOKEN}"\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n`);
  writeFileSync(join(dir, 'src', 'billing.js'), `const key = '${STRIPE}'; // embargo:allow-secret\n`);
  writeFileSync(join(dir, 'node_modules', 'dep', 'index.js'), `const t = "${TOKEN}";\n`);
  writeFileSync(join(dir, '.git', 'config'), `token = "${TOKEN}"\n`);
  copyFileSync(join(MODELS, 'torch_unsafe.pt'), join(dir, 'models', 'model.pt'));
  copyFileSync(join(MODELS, 'sound.safetensors'), join(dir, 'models', 'model.safetensors'));
  return dir;
}

const capture = () => {
  const io = { outText: '', errText: '', out: (t: string) => void (io.outText += `${t}\n`), err: (t: string) => void (io.errText += `${t}\n`) };
  return io;
};

test('embargo hygiene: secrets and unsafe models found, vendored folders skipped, the secret never printed; exit 1', async () => {
  const dir = tree();
  try {
    for (const format of ['table', 'json', 'sarif'] as const) {
      const io = capture();
      assert.equal(runHygiene([dir], { format }, io), 1);
      assert.ok(!io.outText.includes(TOKEN) && !io.outText.includes(TOKEN.slice(4)), `${format} output holds the token`);
      if (format === 'json') {
        const json = JSON.parse(io.outText) as { findings: { file: string; line?: number; check: string; rule: string; severity: string }[] };
        const got = json.findings.map((f) => `${f.check}/${f.rule} ${f.file.slice(dir.length + 1)}${f.line ? `:${f.line}` : ''}`).sort();
        assert.deepEqual(got, ['model/pickle-dangerous-import models/model.pt', 'secret/github-token src/config.py:2']);
      }
      if (format === 'sarif') await sarifValidator()(JSON.parse(io.outText));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('embargo hygiene: the allow-list file silences by path, rule or hash; exit 0', () => {
  const dir = tree();
  try {
    const first = capture();
    runHygiene([dir], { format: 'json' }, first);
    const hash = /sha256:([0-9a-f]{12})/.exec(first.outText)?.[1];
    assert.ok(hash);
    writeFileSync(join(dir, '.embargo-allow'), `# reviewed\n${hash}\npath:models/**\n`);
    const io = capture();
    assert.equal(runHygiene([dir], { format: 'table' }, io), 0);
    assert.match(io.outText, /no findings, 1 allowed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('embargo hygiene: a path that cannot be read is an input error (exit 2)', () => {
  const io = capture();
  assert.equal(runHygiene([join(tmpdir(), 'no-such-folder-embargo')], { format: 'table' }, io), 2);
  assert.match(io.errText, /cannot read: ENOENT/);
});
