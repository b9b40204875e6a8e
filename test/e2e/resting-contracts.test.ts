// In a real browser, as the demo cemetery user: hold plot D1-08-08, write its contract (the deceased typed by hand),
// open the contract's PDF, and see the plot occupied on the section grid with the contract on its page. Each page
// passes axe-core (nothing serious or critical). Screenshots land in test/artifacts/.
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { accessibilityProblems, browserSuite, screenshot, watchErrors, signIn } from '../helpers/browser.js';
import { nextIdNumber } from '../helpers/id-numbers.js';
import { todayInShanghai, zone } from '../../server/time.js';

const SUITE = 'resting-contracts';

describe('browser: contracts of niches and plots', function () {
  this.timeout(120_000);
  const suite = browserSuite();

  it('cemetery staff hold plot D1-08-08, sign its contract, print it and see it occupied on the grid', async () => {
    const context = await suite.browser().newContext({ baseURL: suite.app().url });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const problems = watchErrors(page);
    try {
      await signIn(page, 'cemetery');
      await page.getByRole('link', { name: '格位墓位' }).click();
      await page.waitForURL(/\/staff\/resting\/\d+$/);
      await page.getByRole('link', { name: /墓区 D1/ }).click();
      await page.waitForURL(/\/grid\/\d+$/);
      await page.getByRole('link', { name: 'D1-08-08 空闲' }).click();
      await page.waitForURL(/\/staff\/resting\/places\/\d+$/);
      await page.getByRole('button', { name: /预定（保留 72 小时）/ }).click();
      await page.getByText(/D1-08-08 已预定，保留至/).waitFor();

      await page.getByRole('link', { name: '签订使用合同' }).click();
      await page.waitForURL(/\/contract\/new$/);
      expect(await page.locator('main').innerText()).to.contain('单穴墓位使用费');
      expect(await accessibilityProblems(page), 'axe-core on the contract form').to.deep.equal([]);
      await page.getByLabel(/^姓名/).fill('王某某');
      await page.getByLabel(/^手机号码/).fill('13985801234');
      await page.getByLabel(/^与逝者关系/).fill('子女');
      await page.getByLabel('逝者姓名', { exact: true }).fill('李某');
      await page.getByLabel('身份证号', { exact: true }).fill(nextIdNumber());
      const yesterday = DateTime.fromISO(todayInShanghai(), { zone }).minus({ days: 1 }).toISODate()!;
      await page.getByLabel('死亡日期').fill(yesterday);
      await page.getByLabel('户籍地区划代码').fill('520201101'); // 大河镇, which the sample cemetery serves
      await screenshot(page, SUITE, 'form');
      await page.getByRole('button', { name: '签订合同', exact: true }).click();
      await page.waitForURL(/\/staff\/resting\/contracts\/\d+$/);
      const main = await page.locator('main').innerText();
      expect(main).to.match(/合同 \d{4}-\d{6} 已签订，D1-08-08 已安放/);
      expect(main).to.contain('13985801234');
      expect(main).to.contain('¥6,000.00');
      expect(await accessibilityProblems(page), 'axe-core on the contract page').to.deep.equal([]);
      await screenshot(page, SUITE, 'contract');

      const href = await page.getByRole('link', { name: '打印合同（PDF）' }).getAttribute('href');
      const pdf = await page.request.get(href!);
      expect(pdf.status()).to.equal(200);
      expect(pdf.headers()['content-type']).to.equal('application/pdf');
      expect((await pdf.body()).subarray(0, 5).toString()).to.equal('%PDF-');

      await page.getByRole('link', { name: /^墓位 D1-08-08/ }).click();
      await page.waitForURL(/\/staff\/resting\/places\/\d+$/);
      expect(await page.locator('main').innerText()).to.contain('签订合同');
      await page.getByRole('link', { name: '墓区 D1' }).click();
      await page.waitForURL(/\/grid\/\d+$/);
      expect(await page.getByRole('link', { name: 'D1-08-08 已安放' }).count()).to.equal(1);
      await page.locator('details.resting-contracts summary').click();
      await page.getByRole('link', { name: /^D1-08-08 · 合同 \d{4}-\d{6}$/ }).click();
      await page.waitForURL(/\/staff\/resting\/contracts\/\d+$/);
      await page.goBack();
      await page.waitForURL(/\/grid\/\d+$/);
      expect(await accessibilityProblems(page), 'axe-core on the section grid').to.deep.equal([]);
      await screenshot(page, SUITE, 'grid-occupied');
      expect(problems).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
