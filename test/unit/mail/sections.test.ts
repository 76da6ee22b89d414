import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitSections } from '../../../src/core/mail/sections.ts';

const cases: Array<{ name: string; text: string; description: string; fields: Record<string, string> }> = [
  { name: 'plain text is all description', text: 'The loader reads ../ paths.\n\nThanks', description: 'The loader reads ../ paths.\n\nThanks', fields: {} },
  {
    name: 'labelled sections after the description',
    text: 'Path traversal.\n\nSteps to reproduce:\n1. GET /x\n2. read\nImpact: file read\n',
    description: 'Path traversal.',
    fields: { steps_to_reproduce: '1. GET /x\n2. read', impact: 'file read' },
  },
  {
    name: 'markdown headings and bold labels, any case, CRLF',
    text: 'Desc\r\n## STEPS TO REPRODUCE:\r\nrun it\r\n**Affected version:** 1.0.3\r\ncvss: CVSS:3.1/AV:N\r\n',
    description: 'Desc',
    fields: { steps_to_reproduce: 'run it', affected_version: '1.0.3', cvss_vector: 'CVSS:3.1/AV:N' },
  },
  { name: 'a label inside a line is not a label', text: 'The impact: is high', description: 'The impact: is high', fields: {} },
  { name: 'only sections: the whole text is the description too', text: 'Impact: total', description: 'Impact: total', fields: { impact: 'total' } },
  { name: 'the AI-use question answered in a mail', text: 'D\nAI tools: none, all by hand', description: 'D', fields: { ai_disclosure: 'none, all by hand' } },
  { name: 'empty sections are dropped', text: 'D\nImpact:\n\nEnvironment: linux', description: 'D', fields: { environment: 'linux' } },
];

for (const c of cases) {
  test(`splitSections: ${c.name}`, () => {
    const s = splitSections(c.text);
    assert.equal(s.description, c.description);
    assert.deepEqual(s.fields, c.fields);
  });
}
