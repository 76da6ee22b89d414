import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO } from '../../support/fixtures.ts';

/**
 * Chromium for the e2e tests: Debian's /usr/bin/chromium (installed by apt, `.ci/run` does it; never a
 * downloaded browser), headless, with a fresh profile, and a page wrapper that records every console error,
 * uncaught exception and Content-Security-Policy violation so a test can fail on them.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(REPO, 'test-artifacts', 'screenshots');
export const WIDTHS = [375, 1280] as const;

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface E2eBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Launches Chromium. Every launch gets a fresh, empty profile: Playwright creates a new temporary user data
 * directory per launch() and deletes it on close (it refuses a `--user-data-dir` argument for that reason).
 */
export async function launchBrowser(): Promise<E2eBrowser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, headless: true, timeout: 60_000 });
  return { browser, close: () => browser.close() };
}

/** Reports CSP violations to the console, where the page guard below records them (added before any page script). */
const CSP_LISTENER = `document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber);
});`;

export interface GuardedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, uncaught exceptions and CSP violations so far (minus the ones a test declared expected). */
  problems(): string[];
  /** Declares console errors the test provokes on purpose (e.g. the 400 of a form submitted empty). */
  expectConsole(pattern: RegExp): void;
  close(): Promise<void>;
}

export async function guardedPage(browser: Browser, baseURL: string, width: number = 1280, opts: { timezoneId?: string } = {}): Promise<GuardedPage> {
  const context = await browser.newContext({ baseURL, viewport: { width, height: 900 }, acceptDownloads: true, reducedMotion: 'reduce', ...opts });
  await context.addInitScript({ content: CSP_LISTENER });
  const page = await context.newPage();
  // Generous: CI machines and busy laptops run these next to the rest of the suite.
  page.setDefaultTimeout(60_000);
  const seen: string[] = [];
  const expected: RegExp[] = [];
  page.on('console', (m) => {
    const text = m.text();
    if (m.type() === 'error' || /content security policy|CSP violation/i.test(text)) seen.push(`console.${m.type()}: ${text} (${m.location().url})`);
  });
  page.on('pageerror', (e) => seen.push(`uncaught: ${e.message}`));
  page.on('crash', () => seen.push('page crashed'));
  return {
    page,
    context,
    problems: () => seen.filter((s) => !expected.some((re) => re.test(s))),
    expectConsole: (re) => expected.push(re),
    close: () => context.close(),
  };
}

/**
 * Runs `fn` on a fresh guarded page, then fails on any console error, uncaught exception or CSP violation the page
 * saw (minus those `fn` declared expected). The page's context is closed either way.
 */
/** `opts.timezoneId`: the browser's own time zone (IANA name), as a user elsewhere has it. */
export async function withGuardedPage(browser: Browser, baseURL: string, fn: (g: GuardedPage) => Promise<void>, width = 1280, opts: { timezoneId?: string } = {}): Promise<void> {
  const g = await guardedPage(browser, baseURL, width, opts);
  try {
    await fn(g);
    assert.deepEqual(g.problems(), [], 'console errors, uncaught exceptions or CSP violations');
  } finally {
    await g.close();
  }
}

let axeSource: string | null = null;

/**
 * Runs axe-core in the page and returns its serious and critical violations. The library is evaluated through
 * the DevTools protocol (page.evaluate), not added as a <script>: an inline script would be (rightly) blocked by
 * the CSP, and the served app must not carry test code.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(join(REPO, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  const loaded = await page.evaluate(`(() => { if (!window.axe) { ${axeSource}\n } return typeof window.axe; })()`);
  if (loaded !== 'object') throw new Error(`axe-core did not load (${String(loaded)})`);
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] })`)) as {
    violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * The visible selects whose chosen option's text is wider than the room the closed select gives it (its content box
 * less Chromium's drop-down arrow), measured with the select's own font.
 */
async function cutSelects(page: Page): Promise<string[]> {
  // A string: the tests compile without the DOM's types.
  return (await page.evaluate(`(() => {
    const ARROW = 20;
    const measure = document.createElement('canvas').getContext('2d');
    return [...document.querySelectorAll('select')].flatMap((select) => {
      if (!select.offsetParent) return [];
      const style = getComputedStyle(select);
      measure.font = style.font;
      const text = select.options[select.selectedIndex]?.text ?? '';
      const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - ARROW;
      return measure.measureText(text).width > room ? [(select.id ? '#' + select.id : select.name || 'select') + ' ("' + text + '")'] : [];
    });
  })()`)) as string[];
}

/**
 * Screenshots the current page at both widths (375 px phone, 1280 px desktop) into test-artifacts/screenshots,
 * and checks at each width: no horizontal scrolling, no select cutting off the option it shows (at 375 px the
 * queue's filters read "Open (not close" and "Anyone or nobo"), and no serious or critical axe-core violation. Returns the
 * problems found (empty when fine). The viewport is restored afterwards.
 */
export async function checkAtBothWidths(page: Page, name: string): Promise<string[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize() ?? { width: 1280, height: 900 };
  const problems: string[] = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const scrollWidth = (await page.evaluate('document.documentElement.scrollWidth')) as number;
    if (scrollWidth > width) problems.push(`${name} at ${width}px scrolls sideways (content ${scrollWidth}px wide)`);
    for (const cut of await cutSelects(page)) problems.push(`${name} at ${width}px: the select ${cut} does not show its chosen option whole`);
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
    for (const v of await axeViolations(page)) problems.push(`${name} at ${width}px: ${v}`);
  }
  await page.setViewportSize(original);
  return problems;
}
