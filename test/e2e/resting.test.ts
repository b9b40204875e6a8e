// In a real browser: cemetery staff open their section grid, choose a free plot, hold it and see it held on the
// grid; the administrator opens a columbarium wall, a niche and the inventory. Each page passes axe-core (nothing
// serious or critical). Screenshots land in test/artifacts/.
import { expect } from 'chai';
import { accessibilityProblems, browserSuite, screenshot, watchErrors, signIn } from '../helpers/browser.js';

const SUITE = 'resting';

describe('browser: niches and plots', function () {
  this.timeout(120_000);
  const suite = browserSuite();

  it('cemetery staff open section D1 from the navigation, hold plot D1-06-07 and see it held on the grid', async () => {
    const context = await suite.browser().newContext({ baseURL: suite.app().url });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const problems = watchErrors(page);
    try {
      await signIn(page, 'cemetery');
      await page.getByRole('link', { name: '格位墓位' }).click();
      await page.waitForURL(/\/staff\/resting\/\d+$/);
      expect(await page.locator('main').innerText()).to.contain('大河镇农村公益性公墓（示例）');
      expect(await accessibilityProblems(page), 'axe-core on the cemetery page').to.deep.equal([]);
      await screenshot(page, SUITE, 'cemetery');

      await page.getByRole('link', { name: /墓区 D1/ }).click();
      await page.waitForURL(/\/grid\/\d+$/);
      expect(await page.locator('.resting-legend').innerText()).to.contain('已预定');
      expect(await accessibilityProblems(page), 'axe-core on the section grid').to.deep.equal([]);
      await screenshot(page, SUITE, 'section-grid');

      await page.getByRole('link', { name: 'D1-06-07 空闲' }).click();
      await page.waitForURL(/\/staff\/resting\/places\/\d+$/);
      expect(await accessibilityProblems(page), 'axe-core on the plot page').to.deep.equal([]);
      await page.getByRole('button', { name: /预定（保留 72 小时）/ }).click();
      // The same address before and after the post: wait for the flash of the page it redirects to.
      await page.getByText(/D1-06-07 已预定，保留至/).waitFor();
      const main = await page.locator('main').innerText();
      expect(main).to.contain('D1-06-07 已预定，保留至');
      expect(main).to.contain('公墓管理员');
      expect(await accessibilityProblems(page), 'axe-core on the held plot').to.deep.equal([]);
      await screenshot(page, SUITE, 'plot-held');

      await page.getByRole('link', { name: '墓区 D1' }).click();
      await page.waitForURL(/\/grid\/\d+$/);
      expect(await page.getByRole('link', { name: 'D1-06-07 已预定' }).count()).to.equal(1);
      await screenshot(page, SUITE, 'section-grid-held');
      expect(problems).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });

  it('the administrator opens the columbarium, wall A-01, a niche and the range form', async () => {
    const context = await suite.browser().newContext({ baseURL: suite.app().url });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const problems = watchErrors(page, { expectedStatuses: [409] });
    try {
      await signIn(page, 'admin');
      await page.goto('/staff/resting');
      await page.getByRole('link', { name: '钟山区公益性骨灰堂（示例）' }).click();
      await page.waitForURL(/\/staff\/resting\/\d+$/);
      expect(await page.locator('.resting-inventory tfoot').innerText()).to.contain('6,000');
      expect(await accessibilityProblems(page), 'axe-core on the columbarium page').to.deep.equal([]);
      await screenshot(page, SUITE, 'columbarium');

      await page.getByRole('link', { name: '格位墙 A-01' }).click();
      await page.waitForURL(/\/grid\/\d+$/);
      expect(await page.locator('table.resting-grid tbody td').count()).to.equal(200);
      expect(await accessibilityProblems(page), 'axe-core on the wall page').to.deep.equal([]);
      await screenshot(page, SUITE, 'wall');

      await page.getByRole('link', { name: 'A-01-01-03 即将到期' }).click();
      await page.waitForURL(/\/staff\/resting\/places\/\d+$/);
      expect(await page.locator('main').innerText()).to.contain('即将到期');
      expect(await accessibilityProblems(page), 'axe-core on the niche page').to.deep.equal([]);
      await screenshot(page, SUITE, 'niche');

      await page.goto('/staff/resting');
      await page.getByRole('link', { name: '钟山区公益性骨灰堂（示例）' }).click();
      await page.getByRole('link', { name: '生成格位墙' }).click();
      await page.getByRole('button', { name: '下一步' }).click();
      await page.getByText('A 厅的这些墙中已有墙存在').first().waitFor(); // the demo's hall A
      await page.getByLabel('厅号').fill('C');
      await page.getByRole('button', { name: '下一步' }).click();
      await page.getByText('将在 C 厅生成 12 面墙，共 2,400 个格位').waitFor();
      expect(await accessibilityProblems(page), 'axe-core on the confirm step').to.deep.equal([]);
      await screenshot(page, SUITE, 'walls-confirm');
      expect(problems).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
