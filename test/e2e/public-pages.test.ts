// Every public page for families (适老化, issue 17 item 10), in a real browser at two phone sizes, in standard and
// large type: axe-core finds nothing serious or critical, nothing sticks out sideways, every line of text is spaced
// at least 1.3 times its size, large type is large; and the 大字模式 link works with JavaScript off and is remembered
// from page to page. A new public page is one line in `publicPages` (the first test fails until it is there).
import { expect } from 'chai';
import { DateTime } from 'luxon';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { insertCase } from '../cremation/fixtures.js';
import type { TestApp } from '../helpers/app.js';
import { seedDemoWaivers } from '../../db/seeds/demo-waivers.js';
import { accessibilityProblems, browserSuite, screenshot, watchErrors } from '../helpers/browser.js';

const SUITE = 'public-pages';

/** A public page: its route in the route table, a name for the screenshots, and a concrete path to open. */
interface PublicPage {
  route: string;
  name: string;
  path: (app: TestApp) => string | Promise<string>;
}

const firstHome = async (app: TestApp) =>
  (await app.db('facilities').where({ kind: 'funeral_home', status: 'operating' }).orderBy('id').first('id')).id;

/** A survey code of the demo data not yet used (the statement of a closed demo case carries it). */
const openCode = async (app: TestApp) =>
  (await app.db('satisfaction_surveys').whereNull('rated_at').orderBy('id').first('code')).code;

/** An open visit window still to come (demo-visits.ts makes them for the days ahead): its facility, day and id. */
async function nextWindow(app: TestApp): Promise<{ facility: number; date: string; id: number }> {
  const w = await app
    .db('visit_windows')
    .where('status', 'open')
    .where('starts_at', '>', new Date(Date.now() + 3_600_000).toISOString())
    .orderBy('starts_at')
    .first('id', 'facility_id', 'visit_date');
  const date = typeof w.visit_date === 'string' ? w.visit_date : DateTime.fromJSDate(w.visit_date).toISODate()!;
  return { facility: w.facility_id, date: date.slice(0, 10), id: w.id };
}

export const publicPages: PublicPage[] = [
  { route: '/', name: 'home', path: () => '/' },
  { route: '/prices', name: 'prices', path: () => '/prices' },
  { route: '/prices/:facilityId', name: 'prices-home', path: async (app) => `/prices/${await firstHome(app)}` },
  { route: '/login', name: 'login', path: () => '/login' },
  { route: '/rate', name: 'rate', path: () => '/rate' },
  { route: '/rate', name: 'rate-form', path: async (app) => `/rate?code=${await openCode(app)}` },
  { route: '/rate/thanks', name: 'rate-thanks', path: () => '/rate/thanks' },
  { route: '/visits', name: 'visits', path: () => '/visits' },
  { route: '/visits/lookup', name: 'visits-lookup', path: () => '/visits/lookup' },
  {
    route: '/visits/r/:code',
    name: 'visit-ticket',
    path: async (app) =>
      `/visits/r/${(await app.db('visit_reservations').where({ status: 'booked' }).orderBy('id').first('code')).code}`,
  },
  {
    route: '/visits/:facilityId',
    name: 'visits-facility',
    path: async (app) => `/visits/${(await nextWindow(app)).facility}`,
  },
  {
    route: '/visits/:facilityId/:date',
    name: 'visits-day',
    path: async (app) => {
      const w = await nextWindow(app);
      return `/visits/${w.facility}/${w.date}`;
    },
  },
  {
    route: '/visits/:facilityId/:date/:windowId',
    name: 'visits-book',
    path: async (app) => {
      const w = await nextWindow(app);
      return `/visits/${w.facility}/${w.date}/${w.id}`;
    },
  },
  { route: '/graves', name: 'graves', path: () => '/graves' },
  {
    route: '/waivers',
    name: 'waivers',
    // The demo policies (tests start without them), once: the page lists their groups, items and caps.
    path: async (app) => {
      if (!(await app.db('waiver_policies').first('id'))) await seedDemoWaivers(app.db, '5202', null);
      return '/waivers';
    },
  },
  { route: '/memorials', name: 'memorials', path: () => '/memorials' },
  { route: '/memorials/claim', name: 'memorials-claim', path: () => '/memorials/claim' },
  {
    route: '/memorials/:slug',
    name: 'memorial',
    path: async (app) =>
      `/memorials/${(await app.db('memorials').where({ status: 'open', visibility: 'public' }).orderBy('id').first('slug')).slug}`,
  },
];

/**
 * Public GET routes that answer no page of their own (a redirect, JSON, a file), or a page that needs a secret
 * shown once (the memorial owner's key: test/e2e/memorials.test.ts walks it).
 */
const notPages = new Set([
  '/lang/:lang',
  '/display/:mode',
  '/healthz',
  '/memorials/:slug/photo.jpg',
  '/memorials/:slug/manage',
]);

const viewports = [
  { width: 360, height: 740 },
  { width: 390, height: 844 },
];
const modes = ['standard', 'large'] as const;

/** Elements with text of their own whose line height is below 1.3 times their font size ('normal' counts as below). */
const tightText = (page: Page) =>
  page.evaluate(() => {
    const found: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
      const ownText = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent!.trim() !== '');
      if (!ownText || el.getClientRects().length === 0) continue;
      const s = getComputedStyle(el);
      if (s.visibility === 'hidden' || s.display === 'none') continue;
      const ratio = s.lineHeight === 'normal' ? 0 : parseFloat(s.lineHeight) / parseFloat(s.fontSize);
      if (!(ratio >= 1.3 - 1e-6))
        found.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent!.trim().slice(0, 20)}" ${ratio}`);
    }
    return found;
  });

describe('e2e: public pages for the elderly (适老化)', function () {
  this.timeout(240_000);
  const { app, browser } = browserSuite();

  async function withPage(fn: (page: Page, context: BrowserContext) => Promise<void>, opts: BrowserContextOptions) {
    const context = await browser().newContext({ baseURL: app().url, isMobile: true, hasTouch: true, ...opts });
    const page = await context.newPage();
    const problems = opts.javaScriptEnabled === false ? [] : watchErrors(page);
    try {
      await fn(page, context);
      expect(problems, 'console errors / page errors').to.deep.equal([]);
    } finally {
      await context.close();
    }
  }

  it('lists every public page of the route tables', () => {
    const pages = app()
      .routes.filter((r) => r.roles === 'public' && r.method === 'get' && !r.path.startsWith('/api/'))
      .map((r) => r.path)
      .filter((p) => !notPages.has(p));
    expect(pages.length).to.be.greaterThan(3);
    for (const p of pages)
      expect(
        publicPages.map((x) => x.route),
        `${p} is a public page: add it to publicPages`,
      ).to.include(p);
  });

  for (const mode of modes)
    for (const viewport of viewports)
      it(`passes axe-core, fits and spaces its lines at ${viewport.width}×${viewport.height} in ${mode} type`, async () => {
        await withPage(
          async (page, context) => {
            if (mode === 'large') await context.addCookies([{ name: 'display', value: 'large', url: app().url }]);
            for (const p of publicPages) {
              const path = await p.path(app());
              const res = await page.goto(path);
              expect(res?.status(), path).to.equal(200);
              const where = `${path} at ${viewport.width}px, ${mode}`;
              expect(await page.locator('body').getAttribute('class'), where).to.equal(
                mode === 'large' ? 'layout-public type-large' : 'layout-public',
              );
              expect(await accessibilityProblems(page), `axe-core on ${where}`).to.deep.equal([]);
              const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
              expect(widths[0], `page width on ${where}`).to.be.at.most(widths[1]);
              expect(await tightText(page), `line height below 1.3 on ${where}`).to.deep.equal([]);
              const bodySize = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
              if (mode === 'large') expect(bodySize, where).to.be.at.least(24);
              else expect(bodySize, where).to.be.at.least(16);
              // The toggle is a target of at least 44 px, reachable by keyboard.
              const toggle = page.locator('a.display-toggle');
              expect((await toggle.boundingBox())!.height, `toggle on ${where}`).to.be.at.least(44);
              await screenshot(page, SUITE, `${p.name}-${viewport.width}-${mode}`);
            }
          },
          { viewport },
        );
      });

  it('switches to large type and back with JavaScript off, remembered from page to page', async () => {
    await withPage(
      async (page) => {
        await page.goto('/prices');
        const toggle = page.locator('a.display-toggle');
        expect((await toggle.innerText()).trim()).to.equal('大字模式');
        await toggle.click();
        await page.waitForURL('**/prices');
        expect(await page.locator('body').getAttribute('class')).to.equal('layout-public type-large');
        expect((await toggle.innerText()).trim()).to.equal('标准字号');
        // Remembered: another page opens in large type too.
        await page.goto('/login');
        expect(await page.locator('body').getAttribute('class')).to.equal('layout-public type-large');
        await screenshot(page, SUITE, 'login-large-no-js');
        await page.locator('a.display-toggle').click();
        await page.waitForURL('**/login');
        expect(await page.locator('body').getAttribute('class')).to.equal('layout-public');
        await page.goto('/');
        expect(await page.locator('body').getAttribute('class')).to.equal('layout-public');
      },
      { viewport: viewports[0], javaScriptEnabled: false },
    );
  });

  it('reaches the large-type link from the keyboard, after the skip link, with a visible focus ring', async () => {
    await withPage(
      async (page) => {
        await page.goto('/');
        const focused: string[] = [];
        for (let i = 0; i < 6; i += 1) {
          await page.keyboard.press('Tab');
          focused.push(await page.evaluate(() => (document.activeElement as HTMLElement).className || ''));
          if (focused.at(-1) === 'display-toggle') break;
        }
        expect(focused[0]).to.equal('skip-link');
        expect(focused).to.include('display-toggle');
        const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
        expect(outline).to.equal('solid');
        await page.keyboard.press('Enter');
        await page.waitForURL((u) => u.pathname === '/');
        expect(await page.locator('body').getAttribute('class')).to.equal('layout-public type-large');
      },
      { viewport: viewports[1] },
    );
  });

  it('lets a family rate the service with JavaScript off, in large type, from the code to the thanks', async () => {
    const home = (await app().db('facilities').where({ kind: 'funeral_home' }).orderBy('id').first('id')).id;
    const caseId = await insertCase(app().db, home, { status: 'ashes_placed' });
    await app()
      .db('satisfaction_surveys')
      .insert({ case_id: caseId, facility_id: home, code: 'E2E2TEST', issued_at: new Date().toISOString() });
    await withPage(
      async (page, context) => {
        await context.addCookies([{ name: 'display', value: 'large', url: app().url }]);
        await page.goto('/rate');
        await page.getByLabel('测评码').fill('e2e2-test');
        await page.getByRole('button', { name: '下一步' }).click();
        await page.getByRole('button', { name: '提交评价' }).waitFor();
        // Sent without a choice: the message is at the top and by the choices, the comment kept.
        await page.getByLabel('意见和建议（选填）').fill('告别厅安排得很好。');
        await page.getByRole('button', { name: '提交评价' }).click();
        await page.locator('.errors-summary').waitFor();
        expect(await page.locator('.errors-summary').innerText()).to.contain('请选择一项评价');
        expect(await page.getByLabel('意见和建议（选填）').inputValue()).to.equal('告别厅安排得很好。');
        await screenshot(page, SUITE, 'rate-error-large');
        await page.getByLabel('4 分 · 满意').check();
        await page.getByRole('button', { name: '提交评价' }).click();
        await page.waitForURL('**/rate/thanks');
        expect(await page.locator('h1').innerText()).to.equal('感谢您的评价');
        const row = await app().db('satisfaction_surveys').where({ code: 'E2E2TEST' }).first();
        expect([row.rating, row.comment]).to.deep.equal([4, '告别厅安排得很好。']);
      },
      { viewport: viewports[0], javaScriptEnabled: false },
    );
  });
});
