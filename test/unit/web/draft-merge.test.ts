import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeDraft } from '../../../web/src/draft-merge.ts';

const base = { title: 'Old', details: '', cwe: 'cwe-79', credits: [{ name: 'Ada' }] };

test('untouched fields take the server\'s value (its normalising too); typed ones keep what was typed', () => {
  const shown = base;
  const sent = { ...base, title: 'Saved title' };
  // After the save, the user typed on in the title and wrote details; the server normalised the CWE.
  const current = { ...sent, title: 'Saved title, typed on', details: 'typed after Saved.' };
  const server = { ...sent, cwe: 'CWE-79' };
  assert.deepEqual(mergeDraft(current, shown, sent, server), { title: 'Saved title, typed on', details: 'typed after Saved.', cwe: 'CWE-79', credits: [{ name: 'Ada' }] });
});

test('a field sent and not typed in since takes the server\'s answer; without a save, only what was shown counts', () => {
  const sent = { ...base, title: 'Sent' };
  assert.equal(mergeDraft(sent, base, sent, { ...base, title: 'Sent (trimmed)' }).title, 'Sent (trimmed)');
  // No save in flight (a state move, the report's date followed): an edited field stays edited.
  assert.equal(mergeDraft({ ...base, title: 'Unsaved' }, base, null, { ...base, title: 'From elsewhere' }).title, 'Unsaved');
  // Lists compare by value.
  assert.deepEqual(mergeDraft({ ...base, credits: [{ name: 'Ada' }] }, base, null, { ...base, credits: [] }).credits, []);
});
