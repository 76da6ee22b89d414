import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyCategory, type ScopeClassification } from '../../../src/core/policy/scope.ts';
import { loadExample, type ExampleName } from './examples.ts';

const cases: [ExampleName, string | null, ScopeClassification][] = [
  ['privastream', 'social-engineering', 'out-of-scope'],
  ['privastream', 'third-party-dependencies', 'out-of-scope'],
  ['privastream', 'physical-access', 'out-of-scope'],
  ['privastream', 'dev-test-environments', 'out-of-scope'],
  ['privastream', 'rce', 'unknown'],
  ['privastream', null, 'unknown'],
  ['personal-chatter', 'rce', 'in-scope'],
  ['personal-chatter', 'prompt-injection', 'in-scope'],
  ['personal-chatter', 'model-poisoning', 'in-scope'],
  ['personal-chatter', 'xss', 'in-scope'],
  ['personal-chatter', 'dos', 'out-of-scope'],
  ['personal-chatter', 'self-xss', 'out-of-scope'],
  ['personal-chatter', 'theoretical', 'out-of-scope'],
  ['personal-chatter', 'RCE', 'unknown'],
  ['personal-chatter', '', 'unknown'],
  ['personal-chatter', null, 'unknown'],
  ['blayzen', 'rce', 'unknown'],
  ['blayzen', null, 'unknown'],
  ['mini-biai-1', 'xss', 'unknown'],
  ['taehv', 'code-injection', 'unknown'],
];

for (const [policy, category, expected] of cases) {
  test(`${policy}: category ${JSON.stringify(category)} is ${expected}`, () => {
    assert.equal(classifyCategory(loadExample(policy), category), expected);
  });
}
