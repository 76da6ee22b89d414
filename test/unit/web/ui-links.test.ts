import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchPath } from '../../../web/src/paths.ts';
import { UI_ROUTES, uiPath } from '../../../src/core/ui-paths.ts';
import { maintainerReportUrl } from '../../../src/services/events/dispatch.ts';

/**
 * The server links into the web UI (reminder mails, SECURITY.md's web form): those links must land on a page
 * the UI's router serves, with the parameters it expects.
 */
test('a reminder mail links to the maintainer report page of the UI', () => {
  const url = new URL(maintainerReportUrl('https://embargo.example', 'privastream', 'PRIV-0007'));
  assert.deepEqual(matchPath(UI_ROUTES.maintainerReport, url.pathname), { slug: 'privastream', trackingId: 'PRIV-0007' });
});

test('uiPath fills every parameter, encoded, and refuses a missing one', () => {
  assert.equal(uiPath(UI_ROUTES.reportForm, { slug: 'a b' }), '/p/a%20b/report');
  assert.deepEqual(matchPath(UI_ROUTES.reportForm, uiPath(UI_ROUTES.reportForm, { slug: 'a b' })), { slug: 'a b' });
  assert.throws(() => uiPath(UI_ROUTES.maintainerReport, { slug: 'x' }), /trackingId/);
});
