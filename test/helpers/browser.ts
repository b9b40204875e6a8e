// A real browser for end-to-end tests: Debian's Chromium at /usr/bin/chromium driven by playwright-core (no
// downloaded browsers). Suites call chromiumAvailable() first and skip, saying why, when it is not installed.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { pino } from 'pino';
import { DEMO_PASSWORD, dialect, startApp, type TestApp } from './app.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_MISSING =
  `Chromium is not installed at ${CHROMIUM_PATH}: the browser tests are skipped. ` +
  'Install it with `apt-get update && apt-get install -y chromium` (and `fonts-noto-cjk` so Chinese renders in screenshots); ' +
  'never `npx playwright install`.';

/** Screenshots go here; the folder is git-ignored. */
export const artifactsDir = path.resolve(import.meta.dirname, '..', 'artifacts');

export function chromiumAvailable(): boolean {
  try {
    fs.accessSync(CHROMIUM_PATH, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface TestBrowser {
  browser: Browser;
  /** A new, isolated context (own cookies and storage): one per person in a test. Chinese locale by default. */
  newContext(opts?: BrowserContextOptions): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium. launch() (rather than launchPersistentContext) so each person in a test gets an
 * isolated context; Playwright gives the browser a fresh temporary user-data-dir (playwright_chromiumdev_profile-*
 * under the OS temp dir) and removes it on close.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 20_000,
  });
  return {
    browser,
    newContext: (opts = {}) => browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 }, ...opts }),
    close: () => browser.close(),
  };
}

/** Saves a full-page screenshot as test/artifacts/<suite>-<step>-<dialect>.png and returns its path. */
export async function screenshot(page: Page, suite: string, step: string): Promise<string> {
  fs.mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${suite}-${step}-${dialect}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Collects what a page reports as broken: console errors (a CSP violation shows up as one) and uncaught
 * exceptions. Check the returned list is empty at the end of a test. Chromium also logs "Failed to load resource"
 * for every 4xx/5xx response, including a page the server deliberately answers with an error status (a refused
 * login is a 401); list such statuses in `expectedStatuses` to leave out that line for the page's own document (never for
 * its scripts, styles or fetches).
 */
export function watchErrors(page: Page, opts: { expectedStatuses?: number[] } = {}): string[] {
  const problems: string[] = [];
  const expected = new Set(opts.expectedStatuses ?? []);
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const status = /^Failed to load resource: the server responded with a status of (\d+)/.exec(msg.text());
    if (status && expected.has(Number(status[1])) && msg.location().url === page.url()) return;
    problems.push(
      `console error on ${page.url()}: ${msg.text()}${msg.location().url ? ` (${msg.location().url})` : ''}`,
    );
  });
  page.on('pageerror', (err) => problems.push(`page error on ${page.url()}: ${err.message}`));
  return problems;
}

/**
 * Hooks for a browser suite: a real app with demo data and Chromium, started before its tests and closed after;
 * the suite is skipped, saying why, where Chromium is absent.
 */
/** One line of the server's pino log, shortened to its time, request, answer and duration where it has them. */
function logLine(line: string): string {
  try {
    const o = JSON.parse(line) as {
      time?: number;
      msg?: string;
      req?: { method?: string; url?: string };
      res?: { statusCode?: number };
      responseTime?: number;
    };
    const at = o.time ? new Date(o.time).toISOString().slice(11, 23) : '';
    if (o.req && o.res) return `${at} ${o.req.method} ${o.req.url} → ${o.res.statusCode} in ${o.responseTime} ms`;
    return `${at} ${o.msg ?? ''}`;
  } catch {
    return line.slice(0, 300);
  }
}

/** Browser suites started by this process: numbers their server logs, which the next run overwrites. */
let suitesStarted = 0;

export function browserSuite(): { app: () => TestApp; browser: () => TestBrowser } {
  let app: TestApp | undefined;
  let browser: TestBrowser | undefined;
  let logFile = '';
  before(async function () {
    if (!chromiumAvailable()) {
      console.log(`    ${CHROMIUM_MISSING}`);
      this.skip();
    }
    // The server's request log goes beside the screenshots, so that a stalled journey can be read from both sides.
    fs.mkdirSync(artifactsDir, { recursive: true });
    logFile = path.join(artifactsDir, `server-${dialect}-${++suitesStarted}.log`);
    const log = pino({ level: 'info' }, pino.destination({ dest: logFile, sync: true }));
    [app, browser] = await Promise.all([startApp({ log }), launchBrowser()]);
  });
  afterEach(function () {
    // A failed journey prints the end of its server's request log (what the server answered, and when).
    if (this.currentTest?.state !== 'failed') return;
    const lines = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trimEnd().split('\n') : [];
    console.log(`    server log ${logFile}, last ${Math.min(lines.length, 25)} lines:`);
    for (const line of lines.slice(-25)) console.log(`      ${logLine(line)}`);
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });
  return { app: () => app!, browser: () => browser! };
}

/** axe-core's engine, read once; evaluated in the page through the debugging protocol, which the page's CSP allows. */
let axeSource: string | undefined;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) on the page as it stands and answers the serious and critical
 * violations, one line each with the elements they were found on: an empty list is what a test expects.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  axeSource ??= fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: unknown[] }> } })
      .axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations;
  });
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${page.url()}: ${v.impact} ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
}

/** Signs a demo user in on the login page and waits for the staff dashboard. */
export async function signIn(page: Page, username: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  try {
    await page.waitForURL('**/staff');
  } catch (err) {
    // Say where the browser was left and what the page said, so that a stalled sign-in can be read from the log.
    const said = await page
      .locator('main')
      .innerText({ timeout: 2_000 })
      .catch(() => '(no main element)');
    throw new Error(`signIn(${username}) stayed at ${page.url()}: ${said.slice(0, 300).replace(/\s+/g, ' ')}`, {
      cause: err,
    });
  }
}
