// In a real browser: cemetery staff open the expiring contracts from their cemetery's page, switch to 7 days, reveal
// one holder's number and open the expired list; each page passes axe-core (nothing serious or critical).
// Screenshots land in test/artifacts/.
import { expect } from 'chai';
import { accessibilityProblems, browserSuite, screenshot, watchErrors, signIn } from '../helpers/browser.js';
import { addDays, todayInShanghai } from '../../server/time.js';
import { CEMETERY, facilityNamed } from '../resting/fixtures.js';
import { contractOn, noticeOn } from '../resting/list-fixtures.js';

const SUITE = 'resting-lists';

describe('browser: the lists staff work from', function () {
  this.timeout(120_000);
  const suite = browserSuite();

  it('cemetery staff read the expiring contracts, reveal a number and open the expired ones', async () => {
    const db = suite.app().db;
    const cemetery = await facilityNamed(db, CEMETERY);
    const today = todayInShanghai();
    await contractOn(db, {
      facility: cemetery,
      code: 'D1-07-01',
      termEndsOn: addDays(today, 5),
      holderName: '周某某',
      holderPhone: '13812341234',
      deceased: ['吴某某'],
    });
    await contractOn(db, {
      facility: cemetery,
      code: 'D1-07-02',
      termEndsOn: addDays(today, 45),
      holderName: '郑某某',
      holderPhone: '13900001111',
      deceased: ['冯某某'],
    });
    const old = await contractOn(db, {
      facility: cemetery,
      code: 'D2-05-01',
      termEndsOn: addDays(today, -60),
      holderName: '陈某某',
      deceased: ['褚某某', '卫某某'],
    });
    await noticeOn(db, old.id, addDays(today, -35));

    const context = await suite.browser().newContext({ baseURL: suite.app().url });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const problems = watchErrors(page);
    try {
      await signIn(page, 'cemetery');
      await page.getByRole('link', { name: '格位墓位' }).click();
      await page.waitForURL(/\/staff\/resting\/\d+$/);
      await page.getByRole('link', { name: '即将到期的合同' }).click();
      await page.waitForURL(/\/expiring$/);
      const main = await page.locator('main').innerText();
      expect(main).to.contain('138****1234');
      expect(main).to.contain('139****1111');
      expect(main).to.not.contain('13812341234');
      expect(await accessibilityProblems(page), 'axe-core on the expiring list').to.deep.equal([]);
      await screenshot(page, SUITE, 'expiring-90');

      await page.getByRole('link', { name: /7 天内/ }).click();
      await page.waitForURL(/within=7/);
      expect(await page.locator('tr[data-contract]').count()).to.equal(1);
      await page.getByRole('button', { name: '显示完整号码（D1-07-01 的持有人）' }).click();
      await page.getByText('已显示完整号码，此次查看已记入审计日志。').waitFor();
      expect(await page.locator('tr[data-contract] [data-phone]').innerText()).to.equal('13812341234');
      expect(await accessibilityProblems(page), 'axe-core on the revealed number').to.deep.equal([]);
      await screenshot(page, SUITE, 'expiring-7-revealed');

      await page.getByRole('link', { name: '已到期的合同' }).click();
      await page.waitForURL(/\/expired$/);
      expect(await page.locator('main').innerText()).to.contain('可清理');
      expect(await accessibilityProblems(page), 'axe-core on the expired list').to.deep.equal([]);
      await screenshot(page, SUITE, 'expired');

      await page.getByRole('link', { name: '通知与清理（D2-05-01）' }).click();
      await page.waitForURL(/\/expired\/\d+$/);
      expect(await accessibilityProblems(page), 'axe-core on the notices page').to.deep.equal([]);
      await screenshot(page, SUITE, 'notices');
      expect(problems).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
