import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy } from '../../../src/core/policy/parse.ts';

const yaml = readFileSync(join(import.meta.dirname, '..', '..', '..', 'examples', 'policies', 'privastream.yaml'), 'utf8');

test('a policy may use a few YAML aliases; thousands are refused with the limit and the line, before any is resolved', () => {
  const few = yaml.replace('    - Core PrivaStream application code', '    - &core Core PrivaStream application code').replace('    - Web interface components', '    - *core');
  assert.deepEqual(parsePolicy(few).problems, []);
  assert.deepEqual(parsePolicy(few).policy?.scope.applies_to.slice(0, 2), ['Core PrivaStream application code', 'Core PrivaStream application code']);

  const bomb = `${yaml}x-padding:\n${Array.from({ length: 8000 }, (_, i) => `  - *prefix # ${i}`).join('\n')}\n`.replace('  tracking_prefix: PRIV', '  tracking_prefix: &prefix PRIV');
  const { policy, problems } = parsePolicy(bomb);
  assert.equal(policy, null);
  assert.deepEqual(problems.map((p) => [p.field, p.message]), [['(yaml)', 'the policy uses more than 50 YAML aliases (*name); that is the limit']]);
  assert.ok((problems[0]?.line ?? 0) > yaml.split('\n').length, 'the line of the first alias over the limit');
});
