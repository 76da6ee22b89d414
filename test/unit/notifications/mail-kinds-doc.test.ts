import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WEBHOOK_EVENTS } from '../../../src/core/notifications/events.ts';
import { maintainerMailKind } from '../../../src/services/mail/maintainers.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

test("docs/email.md's table of mail kinds names the kind of every event maintainers can be mailed", () => {
  const doc = readFileSync(join(ROOT, 'docs', 'email.md'), 'utf8');
  const listed = new Set([...doc.matchAll(/`([a-z]+(?:-[a-z]+)+)`/g)].map((m) => m[1]));
  // report.state_changed is the team's own doing and never mailed to it (src/core/notifications/preferences.ts).
  const mailed = WEBHOOK_EVENTS.filter((t) => t !== 'report.state_changed').map(maintainerMailKind);
  assert.deepEqual(mailed.filter((k) => !listed.has(k)), []);
});
