// In a real browser (Debian's Chromium, see test/helpers/browser.ts): each demo account logs in through the form,
// sees exactly the navigation its role allows, opens a page, and logs out; the public home page on a phone; a
// wrong password; and the region picker's JavaScript on the facilities filter. No page may log a console error
// (a Content-Security-Policy violation would be one). Screenshots land in test/artifacts/.
import { expect } from 'chai';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { Role } from '../../server/accounts/roles.js';
import { todayInShanghai } from '../../server/time.js';
import { DEMO_PASSWORD } from '../helpers/app.js';
import { accessibilityProblems, browserSuite, screenshot, watchErrors } from '../helpers/browser.js';

const SUITE = 'roles';

// The demo accounts of db/seeds/demo.ts, each with a page its role may open besides the dashboard, and the
// navigation its role is to see, written out here rather than asked of server/http/nav.ts, the code under test.
const accounts: {
  username: string;
  role: Role;
  displayName: string;
  page: string;
  heading: string;
  nav: (facilityId: number) => string[];
}[] = [
  {
    username: 'admin',
    role: 'admin',
    displayName: '系统管理员',
    page: '/staff/users',
    heading: '用户',
    nav: () => [
      '/staff',
      '/staff/cases',
      '/staff/takings',
      '/staff/cremation',
      '/staff/custody',
      '/staff/funeral-homes',
      '/staff/waivers/claims',
      '/staff/waivers',
      '/staff/waiver-reports',
      '/staff/visits',
      '/staff/resting',
      '/staff/facilities',
      '/staff/coverage',
      '/staff/satisfaction',
      '/staff/regions',
      '/staff/users',
      '/staff/tokens',
      '/staff/audit',
    ],
  },
  {
    username: 'bureau',
    role: 'bureau',
    displayName: '市民政局殡葬管理科',
    page: '/staff/facilities',
    heading: '设施',
    nav: () => [
      '/staff',
      '/staff/cases',
      '/staff/takings',
      '/staff/cremation',
      '/staff/custody',
      '/staff/funeral-homes',
      '/staff/waivers/claims',
      '/staff/waivers',
      '/staff/waiver-reports',
      '/staff/visits',
      '/staff/resting',
      '/staff/facilities',
      '/staff/coverage',
      '/staff/satisfaction',
      '/staff/regions',
      '/staff/audit',
    ],
  },
  {
    username: 'county',
    role: 'county_bureau',
    displayName: '钟山区民政局',
    page: '/staff/audit',
    heading: '审计日志',
    nav: () => [
      '/staff',
      '/staff/waivers/claims',
      '/staff/waivers',
      '/staff/waiver-reports',
      '/staff/visits',
      '/staff/resting',
      '/staff/facilities',
      '/staff/coverage',
      '/staff/satisfaction',
      '/staff/regions',
      '/staff/audit',
    ],
  },
  {
    username: 'frontdesk',
    role: 'front_desk',
    displayName: '殡仪馆前台',
    page: '/staff/facilities',
    heading: '设施',
    nav: (home) => [
      '/staff',
      '/staff/cases',
      '/staff/takings',
      '/staff/cremation',
      `/staff/funeral-homes/${home}/fridges`,
      `/staff/funeral-homes/${home}/prices`,
      '/staff/waivers/claims',
      '/staff/waivers',
      '/staff/facilities',
      '/staff/satisfaction',
      '/staff/regions',
    ],
  },
  {
    username: 'cemetery',
    role: 'cemetery_staff',
    displayName: '公墓管理员',
    page: '/staff/regions',
    heading: '行政区划',
    nav: (home) => [
      '/staff',
      '/staff/cases',
      '/staff/visits',
      `/staff/resting/${home}`,
      '/staff/facilities',
      '/staff/regions',
    ],
  },
];

describe('browser: each role logs in, sees its navigation, logs out', function () {
  this.timeout(30_000);
  // In about one full `npm test` run in three, on PostgreSQL late in the run, one browser journey (here or in
  // bureau.test.ts) has waited 10–20 s for the dashboard's load event after the login's 302; never when these files
  // or test/e2e run alone, even with both cores busy. The test database's checkpoints sync thousands of files (every
  // suite makes and drops a schema; PostgreSQL's log shows sync phases up to 17 s), a likely but unproven cause.
  // Until it is found, a journey gets one more try, and a failure names the requests still unfinished (withPage).
  this.retries(1);
  const suite = browserSuite();

  /** A fresh context and page; fails the test if the page logged any console error or threw. */
  async function withPage(
    fn: (page: Page, context: BrowserContext) => Promise<void>,
    opts: BrowserContextOptions & { expectedStatuses?: number[] } = {},
  ) {
    const { expectedStatuses, ...contextOptions } = opts;
    const context = await suite.browser().newContext({ baseURL: suite.app().url, ...contextOptions });
    context.setDefaultTimeout(10_000); // generous: CI machines are slow and busy
    const page = await context.newPage();
    const problems = watchErrors(page, { expectedStatuses });
    const pending = new Map<object, string>();
    page.on('request', (r) => pending.set(r, `${r.method()} ${new URL(r.url()).pathname} at ${Date.now()}`));
    page.on('requestfinished', (r) => pending.delete(r));
    page.on('requestfailed', (r) => pending.set(r, `FAILED ${r.url()} ${r.failure()?.errorText}`));
    try {
      await fn(page, context).catch((err: Error) => {
        err.message += `\nrequests not finished at ${Date.now()}: ${JSON.stringify([...pending.values()])}`;
        console.error(`    roles journey failed (${err.message.split('\n')[0]}); ${err.message.split('\n').at(-1)}`);
        throw err;
      });
      expect(problems, 'console errors / page errors').to.deep.equal([]);
    } finally {
      await context.close();
    }
  }

  async function logIn(page: Page, username: string, password: string) {
    await page.goto('/login');
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录', exact: true }).click();
  }

  const navHrefs = (page: Page) =>
    page.locator('header nav.site-nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));

  it('shows the public home page in Chinese at phone width (375×800)', async () => {
    await withPage(
      async (page) => {
        const res = await page.goto('/');
        expect(res?.status()).to.equal(200);
        expect(await page.locator('html').getAttribute('lang')).to.equal('zh-CN');
        expect((await page.locator('h1').innerText()).trim()).to.equal('逝有所安');
        // The directory lists the operating sample facilities.
        expect(await page.locator('.facility-list li').count()).to.be.greaterThan(0);
        // Nothing sticks out sideways on a phone.
        expect(await page.evaluate('document.documentElement.scrollWidth'), 'page width at 375px').to.be.at.most(375);
        expect(await accessibilityProblems(page), 'axe-core: serious or critical').to.deep.equal([]);
        await screenshot(page, SUITE, 'home-phone');
      },
      { viewport: { width: 375, height: 800 }, isMobile: true, hasTouch: true },
    );
  });

  it('refuses a wrong password with the error next to the form', async () => {
    await withPage(
      async (page) => {
        const refused = page.waitForResponse(
          (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login',
        );
        await logIn(page, 'frontdesk', 'wrong-password-1');
        expect((await refused).status()).to.equal(401);
        expect(new URL(page.url()).pathname).to.equal('/login');
        const alert = page.locator('.login-box [role=alert]');
        await alert.waitFor();
        expect(await alert.innerText()).to.contain('用户名或密码不正确。');
        // Shown in the login box, right above the form, and the username is kept for another try.
        const [alertBox, formBox] = [await alert.boundingBox(), await page.locator('.login-box form').boundingBox()];
        expect(alertBox && formBox && formBox.y - (alertBox.y + alertBox.height)).to.be.within(0, 80);
        expect(await page.getByLabel('用户名').inputValue()).to.equal('frontdesk');
        expect(await page.getByLabel('密码').inputValue()).to.equal('');
        expect(await accessibilityProblems(page), 'axe-core: serious or critical').to.deep.equal([]);
        await screenshot(page, SUITE, 'login-wrong-password');
      },
      { expectedStatuses: [401] },
    ); // the refused login page is answered with 401 on purpose
  });

  for (const account of accounts) {
    it(`${account.username} (${account.role}): logs in, sees its navigation, opens ${account.page}, logs out`, async () => {
      await withPage(async (page) => {
        const answered = page.waitForResponse(
          (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login',
        );
        await logIn(page, account.username, DEMO_PASSWORD);
        const login = await answered;
        expect([login.status(), login.headers().location], 'the login answer').to.deep.equal([302, '/staff']);
        await page.waitForURL((url) => url.pathname === '/staff');
        expect(await page.locator('main h1').innerText()).to.contain(account.displayName);
        expect(await page.getByTestId('user-name').innerText()).to.equal(account.displayName);

        // Staff tied to one facility get links to that facility's own pages.
        const { facility_id: facilityId } = await suite
          .app()
          .db('users')
          .where({ username: account.username })
          .first('facility_id');
        expect(await navHrefs(page), 'nav links on the dashboard').to.deep.equal(account.nav(facilityId));
        expect(await page.locator('header nav.site-nav a[aria-current=page]').getAttribute('href')).to.equal('/staff');
        expect(await accessibilityProblems(page), 'axe-core: serious or critical').to.deep.equal([]);
        await screenshot(page, SUITE, `dashboard-${account.username}`);

        // A page of the navigation this role may open, reached by clicking its link.
        await page.locator(`header nav.site-nav a[href="${account.page}"]`).click();
        await page.waitForURL((url) => url.pathname === account.page);
        expect(await page.locator('main h1').innerText()).to.equal(account.heading);
        expect(await navHrefs(page), `nav links on ${account.page}`).to.deep.equal(account.nav(facilityId));
        expect(await page.locator('header nav.site-nav a[aria-current=page]').getAttribute('href')).to.equal(
          account.page,
        );
        expect(await accessibilityProblems(page), 'axe-core: serious or critical').to.deep.equal([]);
        await screenshot(page, SUITE, `page-${account.username}`);

        await page.getByRole('button', { name: '退出', exact: true }).click();
        await page.waitForURL((url) => url.pathname === '/login');
        expect(await page.getByRole('status').innerText()).to.contain('您已安全退出。');
        expect(
          await page.locator('header nav.site-nav a[href="/staff"]').count(),
          'no staff nav after logout',
        ).to.equal(0);

        // The session is gone: the staff area sends the browser back to log in.
        await page.goto('/staff');
        expect(new URL(page.url()).pathname).to.equal('/login');
      });
    });
  }

  it('region picker: choosing a county loads its townships, and filtering by 大河镇 lists the facilities there', async () => {
    await withPage(async (page) => {
      await logIn(page, 'bureau', DEMO_PASSWORD);
      await page.waitForURL((url) => url.pathname === '/staff');
      await page.goto('/staff/facilities');
      const [{ n }] = await suite.app().db('facilities').count({ n: '*' });
      expect(await page.locator('table.table tbody tr').count(), 'the first page of the registry').to.equal(
        Math.min(30, Number(n)),
      );
      expect(
        await page.getByLabel('乡镇（街道）', { exact: true }).count(),
        'no township select before a county is chosen',
      ).to.equal(0);

      const regionResponse = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/regions/520201');
      await page.getByLabel('区县', { exact: true }).selectOption({ label: '钟山区' });
      expect((await regionResponse).status()).to.equal(200);
      const township = page.getByLabel('乡镇（街道）', { exact: true });
      await township.waitFor();
      await page.waitForFunction(() => document.querySelectorAll('select[name="region__township"] option').length > 1);
      expect(await township.locator('option[value="520201101"]').innerText()).to.equal('大河镇');
      await township.selectOption('520201101');
      await screenshot(page, SUITE, 'picker-chosen');

      await page.getByRole('button', { name: '筛选', exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get('region__township') === '520201101');
      const names = await page
        .locator('table.table tbody tr td:first-child')
        .evaluateAll((cells) => cells.map((c) => (c.firstChild?.textContent ?? '').trim()));
      const inDahe = (await suite
        .app()
        .db('facilities')
        .where('region_code', 'like', '520201101%')
        .pluck('name')) as string[];
      expect(inDahe).to.include.members(['大河镇农村公益性公墓（示例）', '钟山区公益性骨灰堂（示例）']);
      expect(names.sort()).to.deep.equal(inDahe.sort());
      // The page comes back with the choice kept, drawn by the server this time.
      expect(await page.getByLabel('区县', { exact: true }).inputValue()).to.equal('520201');
      expect(await page.getByLabel('乡镇（街道）', { exact: true }).inputValue()).to.equal('520201101');
      await screenshot(page, SUITE, 'picker-filtered');
    });
  });

  it('on a phone, a wide staff table is a named frame that the keyboard can focus and scroll (390×844)', async () => {
    await withPage(
      async (page) => {
        await logIn(page, 'county', DEMO_PASSWORD);
        await page.waitForURL((url) => url.pathname === '/staff');
        // Last year's figures of the county: a table of plain text, wider than a phone.
        await page.goto(`/staff/coverage/years/submit?region=520201&year=${Number(todayInShanghai().slice(0, 4)) - 1}`);
        const frame = page.getByRole('region', { name: '表格（可左右滚动）' }).first();
        const sizes = await frame.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
        expect(sizes.scroll, 'the table is wider than its frame').to.be.greaterThan(sizes.client);
        expect(await accessibilityProblems(page), 'axe-core: serious or critical').to.deep.equal([]);
        await frame.focus();
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('ArrowRight');
        await page.waitForFunction(
          () => (document.querySelector('.table-wrap') as HTMLElement).scrollLeft > 0,
          undefined,
          { timeout: 2_000 },
        );
        await screenshot(page, SUITE, 'year-figures-phone-scrolled');
      },
      { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
    );
  });
});
