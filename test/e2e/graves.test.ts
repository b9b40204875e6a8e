// In a real browser at the narrowest phone the 适老化 rules name (360 px), JavaScript off, in standard and large type,
// a family finds a grave: home → 查墓 → a wrong phone (the neutral answer) → the right one → the place in words and
// the booking link → the visits page of that columbarium. axe-core runs on every page (in a twin with scripts, as
// the visits journey does); screenshots land in test/artifacts/.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../helpers/app.js';
import { accessibilityProblems, browserSuite, screenshot, watchErrors } from '../helpers/browser.js';
import { COLUMBARIUM, facilityNamed } from '../resting/fixtures.js';
import { insertContract, insertPlacement, plotAt } from '../resting/finder-fixtures.js';

const SUITE = 'graves';
const PHONE = { width: 360, height: 740 };

describe('browser: a family finds a grave on a phone', function () {
  this.timeout(150_000);
  const suite = browserSuite();

  before(async () => {
    const db = suite.app().db;
    const columbarium = await facilityNamed(db, COLUMBARIUM);
    const place = await plotAt(db, columbarium, 'B-05-06-07');
    const c = await insertContract(db, {
      facility: columbarium,
      place: place.id,
      holderName: '示例家属甲',
      holderPhone: '13900001111',
    });
    await insertPlacement(db, {
      facility: columbarium,
      contract: c.id,
      place: place.id,
      deceasedName: '示例逝者甲',
      method: 'niche',
    });
  });

  for (const mode of ['standard', 'large'] as const)
    it(`home → 查墓 → neutral answer → found → book a visit, JavaScript off, ${mode} type`, async () => {
      const context = await suite.browser().newContext({
        baseURL: suite.app().url,
        viewport: PHONE,
        isMobile: true,
        hasTouch: true,
        javaScriptEnabled: false,
      });
      if (mode === 'large') await context.addCookies([{ name: 'display', value: 'large', url: suite.app().url }]);
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      const problems = watchErrors(page);
      const twinContext = await suite.browser().newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
      const twin = await twinContext.newPage();
      const check = async (step: string) => {
        await screenshot(page, SUITE, `${step}-${mode}`);
        const html = await page.content();
        const at = new URL('/__as-served', page.url()).href;
        await twin.route(at, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
        await twin.goto(at);
        expect(await accessibilityProblems(twin), `axe-core on ${step}`).to.deep.equal([]);
        const widths = await twin.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        expect(widths[0], `page width of ${step}`).to.be.at.most(widths[1]);
      };
      const main = (p: Page) => p.locator('main').innerText();
      try {
        await page.goto('/');
        await page.getByRole('link', { name: '查墓' }).click();
        await page.waitForURL('**/graves');
        expect(await page.locator('main h1').innerText()).to.equal('查询墓位、格位');
        await check('form');

        await page.getByLabel('逝者姓名').fill('示例逝者甲');
        await page.getByLabel('联系人手机号').fill('139 0000 1112');
        await page.getByRole('button', { name: '查询' }).click();
        await page.locator('.graves-none').waitFor();
        expect(await main(page)).to.contain('没有查到可以显示的信息');
        expect(page.url()).to.match(/\/graves$/); // posted: nothing typed stands in the address
        await check('none');

        await page.getByLabel('联系人手机号').fill('139 0000 1111');
        await page.getByRole('button', { name: '查询' }).click();
        await page.locator('.grave-card').waitFor();
        const text = await main(page);
        expect(text).to.contain(COLUMBARIUM).and.contain('B 厅 5 号墙 第 6 行 第 7 列').and.contain('B-05-06-07');
        expect(page.url()).to.match(/\/graves$/);
        await check('found');

        await page.getByRole('link', { name: '预约祭扫' }).click();
        await page.waitForURL(/\/visits\/\d+$/);
        expect(await page.locator('main h1').innerText()).to.contain(COLUMBARIUM);
        expect(problems).to.deep.equal([]);
      } finally {
        await context.close();
        await twinContext.close();
      }
    });

  it('lets cemetery staff find a deceased by a part of the name and open the place from the results', async () => {
    const context = await suite
      .browser()
      .newContext({ baseURL: suite.app().url, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = watchErrors(page);
    try {
      const db = suite.app().db;
      const cemetery = await facilityNamed(db, '大河镇农村公益性公墓（示例）');
      const place = await plotAt(db, cemetery, 'D1-08-08');
      const c = await insertContract(db, {
        facility: cemetery,
        place: place.id,
        holderName: '示例家属乙',
        holderPhone: '13900002222',
      });
      await insertPlacement(db, { facility: cemetery, contract: c.id, place: place.id, deceasedName: '示例逝者乙' });
      await page.goto('/login');
      await page.getByLabel('用户名').fill('cemetery');
      await page.getByLabel('密码').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.waitForURL('**/staff');
      await page.goto('/staff/resting');
      await page.getByRole('link', { name: '查找逝者与墓位' }).click();
      await page.getByLabel('逝者姓名').fill('逝者乙');
      await page.getByLabel('包含').check();
      await page.getByRole('button', { name: '查找', exact: true }).click();
      await page.locator('table.finder-results').waitFor();
      expect(await page.locator('table.finder-results').innerText())
        .to.contain('示例逝者乙')
        .and.contain('139****2222')
        .and.contain('在葬');
      await screenshot(page, SUITE, 'staff-results');
      expect(await accessibilityProblems(page), 'axe-core on the staff results').to.deep.equal([]);
      await page.getByRole('link', { name: 'D1-08-08' }).click();
      await page.waitForURL(`**/staff/resting/places/${place.id}`);
      expect(problems).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
