import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { codeIndexKeys, codeMentions, qualitySignals, type QualityInput } from '../../../src/core/triage/quality.ts';
import type { ReportBody } from '../../../src/core/reports/submission.ts';

const body = (over: Partial<ReportBody> = {}): ReportBody => ({
  description: Array.from({ length: 40 }, (_, i) => `word${i}`).join(' '),
  steps_to_reproduce: '1. open\n2. click',
  impact: 'RCE',
  environment: null,
  proof_of_concept: null,
  suggested_fix: null,
  reporter_name: null,
  reporter_email: 'a@example.org',
  credit_name: null,
  ...over,
});
const scope = { in_scope: [{ id: 'xss', label: 'Cross-site scripting' }], out_of_scope: [{ id: 'dos', label: 'Denial of service' }] };
const policy = { scope, intake: {} } as never;
const input = (over: Partial<QualityInput> = {}): QualityInput => ({
  body: body(),
  attachments: 0,
  classification: { version_status: 'supported', version_matched: '1.x', scope_status: 'in-scope', affected_version: '1.2.0', category: 'xss' },
  history: null,
  ...over,
});
const signal = (i: QualityInput, key: string) => qualitySignals(i, policy).find((s) => s.key === key);

describe('quality signals', () => {
  test('each signal says what it saw, in words', () => {
    assert.deepEqual(signal(input(), 'steps'), { key: 'steps', status: 'good', text: 'Steps to reproduce given (2 lines)' });
    assert.deepEqual(signal(input(), 'version'), { key: 'version', status: 'good', text: 'Affected version 1.2.0 is supported (1.x)' });
    assert.deepEqual(signal(input(), 'scope'), { key: 'scope', status: 'good', text: 'Category in scope: Cross-site scripting' });
    assert.deepEqual(signal(input(), 'proof'), { key: 'proof', status: 'missing', text: 'No proof of concept and no attachment' });
    assert.deepEqual(signal(input({ attachments: 2 }), 'proof'), { key: 'proof', status: 'good', text: 'Proof of concept given (2 attachments)' });
    assert.equal(signal(input(), 'fields')?.text, '3 of 6 report fields filled');
  });

  const cases: [string, Partial<QualityInput>, string, string, string][] = [
    ['no steps', { body: body({ steps_to_reproduce: null }) }, 'steps', 'missing', 'No steps to reproduce'],
    ['unsupported version', { classification: { version_status: 'unsupported', version_matched: '0.x', scope_status: 'in-scope', affected_version: '0.9', category: 'xss' } }, 'version', 'warning', 'Affected version 0.9 is not supported (0.x)'],
    ['no version', { classification: { version_status: 'not-given', version_matched: null, scope_status: 'in-scope', affected_version: null, category: 'xss' } }, 'version', 'missing', 'No affected version given'],
    ['out of scope', { classification: { version_status: 'supported', version_matched: '1.x', scope_status: 'out-of-scope', affected_version: '1.2.0', category: 'dos' } }, 'scope', 'warning', 'Category out of scope: Denial of service'],
    ['very short', { body: body({ description: 'it is broken' }) }, 'length', 'warning', 'Very short description (3 words)'],
    ['first report', { history: { earlier: 0, accepted: 0, rejected: 0, rejectedAsDuplicateOrInvalid: 0 } }, 'history', 'info', 'First report from this address to this project'],
    ['first report with a key', { keyHistory: { earlier: 0, accepted: 0, rejected: 0, rejectedAsDuplicateOrInvalid: 0 } }, 'key_history', 'info', 'First report with this OpenPGP key to this project'],
    ['a key with an accepted record', { keyHistory: { earlier: 2, accepted: 2, rejected: 0, rejectedAsDuplicateOrInvalid: 0 } }, 'key_history', 'info', '2 earlier reports with this OpenPGP key to this project: 2 accepted, 0 rejected'],
    ['code the project has', { codeReferences: { found: ['rtmp/ingest.c', 'parse_header'], unknown: [] } }, 'code', 'good', 'Names code of the project: `rtmp/ingest.c`, `parse_header`'],
    ['code the project lacks', { codeReferences: { found: [], unknown: ['made_up.c'] } }, 'code', 'warning', "Names files or functions not in the project's code index: `made_up.c`"],
    ['a record of rejections', { history: { earlier: 3, accepted: 0, rejected: 3, rejectedAsDuplicateOrInvalid: 2 } }, 'history', 'warning', '3 earlier reports from this address to this project: 0 accepted, 3 rejected (2 as duplicate or invalid)'],
  ];
  for (const [name, over, key, status, text] of cases) {
    test(name, () => assert.deepEqual(signal(input(over), key), { key, status, text }));
  }

  test('AI use: asked by the policy, the answer is shown in the reporter\'s words; not asked, no signal', () => {
    const asking = { scope, intake: { ai_disclosure: 'optional' } } as never;
    const withAnswer = input({ body: body({ ai_disclosure: 'Yes, to translate the report.' }) });
    assert.deepEqual(qualitySignals(withAnswer, asking).find((s) => s.key === 'ai'), { key: 'ai', status: 'info', text: 'AI use, in the reporter\'s words: “Yes, to translate the report.”' });
    assert.deepEqual(qualitySignals(input(), asking).find((s) => s.key === 'ai'), { key: 'ai', status: 'missing', text: 'AI use not disclosed (the policy asks)' });
    assert.equal(qualitySignals(withAnswer, policy).find((s) => s.key === 'ai'), undefined);
  });

  test('there is no total: only signals with reasons', () => {
    for (const s of qualitySignals(input(), policy)) {
      assert.deepEqual(Object.keys(s).sort(), ['key', 'status', 'text']);
      assert.ok(s.text.length > 10);
    }
  });
});

describe('code references', () => {
  test('a report names files by their last two parts, functions by their plain names', () => {
    const m = codeMentions('The crash is in src/rtmp/ingest.c, in parse_header() called from RtmpSession.read, see also util.h.');
    assert.deepEqual(m.files.map((f) => f.key).sort(), ['rtmp/ingest.c', 'util.h']);
    assert.ok(m.functions.some((f) => f.key === 'parse_header'));
    assert.ok(m.functions.every((f) => !f.key.includes('.')));
  });

  test('the index keys a path by its base name and its last two parts', () => {
    assert.deepEqual(codeIndexKeys({ files: ['./src/rtmp/ingest.c', 'README'], symbols: ['Parse_Header', 'two words', ''] }), { files: ['ingest.c', 'rtmp/ingest.c', 'readme'], symbols: ['parse_header'] });
  });
});
