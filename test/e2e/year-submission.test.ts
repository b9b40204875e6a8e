// In a real browser, 年度报送: the county bureau submits its county's 2025 after reading the figures, the city bureau
// accepts it; a back-dated closure then shows the difference against the submitted figures; and the year-on-year page.
// Every page passes axe-core. Screenshots land in test/artifacts/.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../helpers/app.js';
import { accessibilityProblems, browserSuite, screenshot, watchErrors } from '../helpers/browser.js';

const SUITE = 'years';
const YEAR = 2025;

describe('browser: a county submits its year and the city accepts it', function () {
  this.timeout(120_000);
  this.retries(1);
  const suite = browserSuite();

  async function signIn(username: string): Promise<{ page: Page; close: () => Promise<void>; problems: string[] }> {
    const context = await suite.browser().newContext({ baseURL: suite.app().url });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const problems = watchErrors(page, { expectedStatuses: [409] });
    await page.goto('/login');
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL('**/staff');
    return { page, problems, close: () => context.close() };
  }

  const axe = async (page: Page, step: string) => {
    expect(await accessibilityProblems(page), `axe-core on ${step}`).to.deep.equal([]);
    await screenshot(page, SUITE, step);
  };

  it('county submits 2025, the city accepts, a back-dated change shows the difference', async () => {
    const county = await signIn('county');
    try {
      const { page } = county;
      await page.goto('/staff/coverage/years');
      await axe(page, 'list-county');
      await page.getByRole('link', { name: `报送 钟山区 ${YEAR}` }).click();
      await page.waitForURL((u) => u.pathname === '/staff/coverage/years/submit');
      expect(await page.locator('main h1').innerText()).to.contain(`报送 钟山区 ${YEAR} 年度数据`);
      await axe(page, 'submit');
      await page.getByLabel('我已核对以上数据，确认报送').check();
      await page.getByRole('button', { name: '确认报送' }).click();
      await page.waitForURL(/\/staff\/coverage\/years\/\d+$/);
      expect(await page.locator('main').innerText()).to.contain('已报送，待审核');
      await axe(page, 'submitted');
      expect(county.problems, 'console errors (county)').to.deep.equal([]);
    } finally {
      await county.close();
    }

    const bureau = await signIn('bureau');
    try {
      const { page } = bureau;
      await page.goto('/staff/coverage/years');
      await axe(page, 'list-city');
      await page.locator('main table tr', { hasText: '钟山区' }).getByRole('link', { name: '已报送，待审核' }).click();
      await page.waitForURL(/\/staff\/coverage\/years\/\d+$/);
      await axe(page, 'review');
      await page.getByLabel('我已核对以上数据，确认通过').check();
      await page.getByRole('button', { name: '审核通过' }).click();
      await page.waitForURL(/\/staff\/coverage\/years\/\d+$/);
      const main = await page.locator('main').innerText();
      expect(main).to.contain('已通过').and.contain('市民政局殡葬管理科');

      // A back-dated closure of a cemetery that served a village in 2025 is refused and shows the difference.
      await page.goto('/staff/facilities/52');
      await page.getByLabel('状态', { exact: true }).selectOption('closed');
      await page.getByLabel('生效日期').fill(`${YEAR}-11-01`);
      await page.locator('#status-form').getByRole('button', { name: '记录', exact: true }).click();
      await page.waitForSelector('#closed-year');
      const diff = await page.locator('#closed-year').innerText();
      expect(diff).to.contain('已报送').and.contain('变更后').and.contain('差额').and.contain('行政村覆盖');
      await axe(page, 'closed-year-diff');

      await page.goto(`/staff/coverage/compare?region=520201&date=${YEAR + 1}-12-31`);
      expect(await page.locator('main').innerText()).to.contain('上年为已报送数据（已通过）');
      await axe(page, 'compare');
      expect(bureau.problems, 'console errors (bureau)').to.deep.equal([]);
    } finally {
      await bureau.close();
    }
  });
});
