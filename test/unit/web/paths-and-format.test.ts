import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchPath } from '../../../web/src/paths.ts';
import { formatBytes, formatDate, formatDuration, formatRemaining, humanize, safeHref } from '../../../web/src/format.ts';

test('matchPath: literal, parameter and rest segments', () => {
  const cases: [string, string, Record<string, string> | null][] = [
    ['/', '/', {}],
    ['/', '/p', null],
    ['/p/:slug', '/p/privastream', { slug: 'privastream' }],
    ['/p/:slug', '/p/privastream/', { slug: 'privastream' }],
    ['/p/:slug', '/p', null],
    ['/p/:slug', '/p/privastream/report', null],
    ['/p/:slug/report', '/p/privastream/report', { slug: 'privastream' }],
    ['/p/:slug/report', '/p/privastream/status', null],
    ['/app/reports/:id', '/app/reports/PRIV-2026-0001', { id: 'PRIV-2026-0001' }],
    ['/app/*', '/app/a/b%20c', { '*': 'a/b c' }],
    ['/app/*', '/app', { '*': '' }],
    ['/p/:slug', '/p/a%2Fb', { slug: 'a/b' }],
    // Broken percent-encoding is "no match" (NotFound), not an exception out of the render.
    ['/p/:slug', '/p/%E0%A4%A', null],
  ];
  for (const [pattern, path, want] of cases) assert.deepEqual(matchPath(pattern, path), want, `${pattern} vs ${path}`);
});

test('format helpers', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(200_000), '195 KB');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(10 * 1024 * 1024), '10 MB');
  assert.equal(formatBytes(5 * 1024 * 1024 + 1), '5.0 MB');
  assert.equal(formatDate('2026-03-02T09:00:00.000Z'), '2026-03-02 09:00 UTC');
  assert.equal(formatDate('not a date'), 'not a date');
  assert.equal(formatRemaining(2 * 86_400_000 + 5), 'in 2 days');
  assert.equal(formatRemaining(-3_600_000), '1 hour ago');
  assert.equal(formatRemaining(30_000), 'in less than a minute');
  assert.equal(formatDuration('48h'), '48 hours');
  assert.equal(formatDuration('5bd'), '5 business days');
  assert.equal(formatDuration('1w'), '1 week');
  assert.equal(formatDuration('soon'), 'soon');
  assert.equal(humanize('in-scope'), 'In scope');
  assert.equal(humanize('detailed_response'), 'Detailed response');
  // Codes that drop an apostrophe get it back.
  assert.equal(humanize('wont-fix'), 'Won’t fix');
});

test('safeHref links only http(s) URLs and same-site paths', () => {
  assert.equal(safeHref('https://example.org/key.asc'), 'https://example.org/key.asc');
  assert.equal(safeHref('http://127.0.0.1:8080/projects/x/pgp-key.asc'), 'http://127.0.0.1:8080/projects/x/pgp-key.asc');
  assert.equal(safeHref('/projects/x/pgp-key.asc'), '/projects/x/pgp-key.asc');
  for (const bad of ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,<script>', '//evil.example/x', 'vbscript:x', 'not a url', '', undefined]) {
    assert.equal(safeHref(bad), null, String(bad));
  }
});
