// In a real browser: the bureau reads the satisfaction ratings per home and month (满意度) from its navigation, the
// page passes axe-core, and the month filter is a plain GET form. Screenshots land in test/artifacts/.
import { expect } from 'chai';
import { DEMO_PASSWORD } from '../helpers/app.js';
import { accessibilityProblems, browserSuite, screenshot, watchErrors } from '../helpers/browser.js';

const SUITE = 'satisfaction';

describe('e2e: the satisfaction page for the bureau', function () {
  this.timeout(60_000);
  const { app, browser } = browserSuite();

  it('opens from the navigation, filters by month and shows the demo rating', async () => {
    const context = await browser().newContext({ baseURL: app().url });
    const page = await context.newPage();
    const problems = watchErrors(page);
    try {
      await page.goto('/login');
      await page.getByLabel('用户名').fill('bureau');
      await page.getByLabel('密码').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.waitForURL('**/staff');
      await page.locator('nav.site-nav a', { hasText: '满意度' }).click();
      await page.waitForURL('**/staff/satisfaction');
      expect(await page.locator('h1').innerText()).to.contain('服务满意度');
      // The demo's rated case closed last November: open the months from a year back.
      const year = new Date().getFullYear() - 1;
      await page.getByLabel('起始月份').fill(`${year}-01`);
      await page.getByRole('button', { name: '筛选' }).click();
      await page.locator('[data-testid=per-month]').waitFor();
      const cells = await page.locator('[data-testid=per-month] tbody tr').first().locator('td').allInnerTexts();
      expect(cells.slice(1, 4)).to.deep.equal(['六盘水市殡仪馆（示例）', '1', '5.0']);
      expect(await page.locator('[data-testid=comments]').innerText()).to.contain('感谢殡仪馆工作人员的帮助。');
      expect(await accessibilityProblems(page), 'axe-core: serious or critical').to.deep.equal([]);
      await screenshot(page, SUITE, 'bureau');
      expect(problems).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
