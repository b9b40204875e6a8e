// In a real browser: the bureau writes a residents' waiver policy through its form; the front desk opens a resident's
// case and sees the policy applied, each line charged, waived and to pay, and declares a 低保 certificate that shows
// as 待核实. Each page passes axe-core (nothing serious or critical). Screenshots land in test/artifacts/.
import { expect } from 'chai';
import { addLine } from '../../server/cases/lines-service.js';
import { todayInShanghai } from '../../server/time.js';
import { accessibilityProblems, browserSuite, screenshot, watchErrors, signIn } from '../helpers/browser.js';
import { nextIdNumber } from '../helpers/id-numbers.js';
import { at, facilityId } from '../cremation/fixtures.js';

const SUITE = 'waivers';

describe('browser: fee waivers', function () {
  this.timeout(120_000);
  const suite = browserSuite();

  it('the bureau writes a policy; the front desk sees it waive a resident’s lines and declares a certificate', async () => {
    const context = await suite.browser().newContext({ baseURL: suite.app().url });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const problems = watchErrors(page);
    try {
      await signIn(page, 'bureau');
      await page.goto('/staff/waivers/new');
      await page.getByLabel('政策名称').fill('钟山区户籍居民基本殡葬服务费减免');
      await page.getByLabel('适用地区（市或区县代码）').fill('520201');
      await page.getByLabel('每例总额上限（元，可空）').fill('1540');
      await page.getByLabel('户籍居民').check();
      await page.locator('[name=match_value_0]').fill('cremation');
      await page.locator('[name=cap_0]').fill('400');
      await page.locator('[name=match_value_1]').fill('refrigeration');
      await page.locator('[name=quantity_cap_1]').fill('3');
      expect(await accessibilityProblems(page), 'axe-core on the policy form').to.deep.equal([]);
      await screenshot(page, SUITE, 'policy-form');
      await page.getByRole('button', { name: '保存' }).click();
      await page.waitForURL(/\/staff\/waivers\/\d+$/);
      expect(await page.locator('main').innerText()).to.contain('第 1 版');
      expect(await accessibilityProblems(page), 'axe-core on the policy page').to.deep.equal([]);
      await screenshot(page, SUITE, 'policy');

      const db = suite.app().db;
      const home = await facilityId(db);
      const now = new Date().toISOString();
      const [row] = await db('funeral_cases')
        .insert({
          facility_id: home,
          case_number: `E-${process.pid}`,
          status: 'stored',
          deceased_name: '王某某',
          id_number: nextIdNumber(),
          sex: 'female',
          birth_date: '1940-02-01',
          death_at: at(todayInShanghai(), '06:00'),
          household_region_code: '520201',
          created_at: now,
          updated_at: now,
        })
        .returning('id');
      const caseId = typeof row === 'object' ? row.id : row;
      const clerk = await db('users').where({ username: 'frontdesk' }).first('id', 'username', 'role', 'facility_id');
      const item = async (code: string) => (await db('price_items').where({ facility_id: home, code }).first('id')).id;
      await addLine(db, clerk, caseId, await item('BASIC_CREMATION'), 1, null);
      await addLine(db, clerk, caseId, await item('BASIC_COLD'), 4, null);

      await context.clearCookies();
      await signIn(page, 'frontdesk');
      await page.goto(`/staff/cases/${caseId}`);
      const panel = page.locator('#waivers');
      expect(await panel.innerText()).to.contain('适用');
      expect(await panel.locator('[data-waiver-lines]').innerText()).to.contain('−¥700.00');
      await page.getByLabel('证件编号').fill('低保证-0001');
      await page.getByRole('button', { name: '申报' }).click();
      await page.waitForURL(/#waivers$/);
      expect(await page.locator('#waivers').innerText()).to.contain('待核实');
      expect(await accessibilityProblems(page), 'axe-core on the case page').to.deep.equal([]);
      await page.locator('#waivers').scrollIntoViewIfNeeded();
      await screenshot(page, SUITE, 'case');
      expect(problems).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
