import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkModelFile } from '../../../src/adapters/hygiene/model-file.ts';
import { bufferSource } from '../../../src/adapters/osv/zip-entries.ts';

/**
 * The labelled model set (scripts/hygiene/make-model-fixtures.py: pickles made with CPython, protocols 0-5, in
 * PyTorch zips and legacy files, hand-made evasions, truncated copies, safetensors sound and broken). Every
 * file labelled with a rule must get it; every clean one must get nothing. Prints the detection rate.
 */
const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'hygiene', 'models');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { file: string; expect: string }[];

test('model files: every unsafe or broken file is flagged with its rule, no clean file is', () => {
  let positives = 0;
  let detected = 0;
  let cleans = 0;
  let falseAlarms = 0;
  const misses: string[] = [];
  for (const { file, expect } of manifest) {
    const rules = checkModelFile(file, bufferSource(readFileSync(join(DIR, file)))).map((f) => f.rule);
    if (expect === 'clean') {
      cleans++;
      if (rules.length) {
        falseAlarms++;
        misses.push(`${file}: false alarm ${rules.join(', ')}`);
      }
    } else {
      positives++;
      if (rules.includes(expect)) detected++;
      else misses.push(`${file}: wanted ${expect}, got ${rules.join(', ') || 'nothing'}`);
    }
  }
  console.log(`model detection: ${detected}/${positives} unsafe or broken files flagged (${((100 * detected) / positives).toFixed(1)}%), ${falseAlarms}/${cleans} false alarms on clean files`);
  assert.deepEqual(misses, []);
});

test('model files: the imported callables are named', () => {
  const [f] = checkModelFile('unsafe_os_system_p4.pkl', bufferSource(readFileSync(join(DIR, 'unsafe_os_system_p4.pkl'))));
  assert.match(f?.message ?? '', /posix\.system|os\.system/);
  const [m] = checkModelFile('evasion_memo.pkl', bufferSource(readFileSync(join(DIR, 'evasion_memo.pkl'))));
  assert.match(m?.message ?? '', /os\.system/);
});
