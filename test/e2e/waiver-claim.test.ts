// In a real browser: a 低保 deceased declared with a certificate at intake, through to a settled claim. The front desk
// declares the certificate (待核实), the family pays its share, the front desk submits the claim; the bureau opens the
// claim list and the claim, approves it, and settles the home's month in a batch. Each page passes axe-core (nothing
// serious or critical). Screenshots land in test/artifacts/.
import { expect } from 'chai';
import { seedDemoWaivers } from '../../db/seeds/demo-waivers.js';
import { addPayment } from '../../server/cases/money-service.js';
import { addLine } from '../../server/cases/lines-service.js';
import { addDays, todayInShanghai } from '../../server/time.js';
import { accessibilityProblems, browserSuite, screenshot, watchErrors, signIn } from '../helpers/browser.js';
import { nextIdNumber } from '../helpers/id-numbers.js';
import { at, facilityId } from '../cremation/fixtures.js';

const SUITE = 'waiver-claim';

describe('browser: a waiver claim from intake to settlement', function () {
  this.timeout(180_000);
  const suite = browserSuite();

  it('takes a declared 低保 deceased’s waiver through claim, approval and a settlement batch', async () => {
    const context = await suite.browser().newContext({ baseURL: suite.app().url });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const problems = watchErrors(page);
    try {
      const db = suite.app().db;
      const home = await facilityId(db);
      const bureauId = (await db('users').where({ username: 'bureau' }).first('id')).id;
      await db.transaction((trx) => seedDemoWaivers(trx, '5202', bureauId));
      const now = new Date().toISOString();
      const [row] = await db('funeral_cases')
        .insert({
          facility_id: home,
          case_number: `EC-${process.pid}`,
          status: 'stored',
          deceased_name: '钱某某',
          id_number: nextIdNumber(),
          sex: 'female',
          birth_date: '1938-06-15',
          death_at: at(addDays(todayInShanghai(), -1), '06:00'),
          household_region_code: '520201',
          created_at: now,
          updated_at: now,
        })
        .returning('id');
      const caseId = typeof row === 'object' ? row.id : row;
      const clerk = await db('users').where({ username: 'frontdesk' }).first('id', 'username', 'role', 'facility_id');
      const item = async (code: string) => (await db('price_items').where({ facility_id: home, code }).first('id')).id;
      await addLine(db, clerk, caseId, await item('BASIC_CREMATION'), 1, null);
      await addLine(db, clerk, caseId, await item('BASIC_COLD'), 5, null);
      await addLine(db, clerk, caseId, await item('OPT_DRESSING'), 1, null);

      // Front desk: the 低保 certificate declared, the family's share paid, the claim submitted.
      await signIn(page, 'frontdesk');
      await page.goto(`/staff/cases/${caseId}`);
      await page.getByLabel('名单类别').selectOption('dibao');
      await page.getByLabel('证件编号').fill('六低保字第2026-0815号');
      await page.getByRole('button', { name: '申报' }).click();
      await page.waitForURL(/#waivers$/);
      expect(await page.locator('#waivers').innerText()).to.contain('待核实');
      expect(await page.locator('#waiver-claim').innerText()).to.contain('尚未结清');
      const totals = async () => {
        const sum = async (t: string) =>
          Number((await db(t).where({ case_id: caseId }).sum({ s: 'amount_fen' }).first())?.s ?? 0);
        return (await sum('case_lines')) - (await sum('case_deductions'));
      };
      await addPayment(db, clerk, caseId, { kind: 'payment', method: 'cash', amount_fen: await totals() }, null);
      await page.goto(`/staff/cases/${caseId}`);
      await page.getByRole('button', { name: '提交减免申领' }).click();
      await page.waitForURL(/#waiver-claim$/);
      const claimText = await page.locator('#waiver-claim').innerText();
      expect(claimText).to.contain('待审核');
      expect(await accessibilityProblems(page), 'axe-core on the case page').to.deep.equal([]);
      await page.locator('#waiver-claim').scrollIntoViewIfNeeded();
      await screenshot(page, SUITE, 'case-claimed');
      const claim = await db('waiver_claims').where({ case_id: caseId }).first();

      // Bureau: the list, the claim with its basis, approval, settlement of the month, the batch page.
      await context.clearCookies();
      await signIn(page, 'bureau');
      await page.getByRole('link', { name: '减免申领' }).click();
      await page.waitForURL('**/staff/waivers/claims');
      expect(await accessibilityProblems(page), 'axe-core on the claims list').to.deep.equal([]);
      await screenshot(page, SUITE, 'list');
      await page.getByRole('link', { name: claim.claim_number }).click();
      await page.waitForURL(/\/staff\/waivers\/claims\/\d+$/);
      expect(await page.locator('main').innerText()).to.contain('六低保字第2026-0815号');
      expect(await accessibilityProblems(page), 'axe-core on the claim').to.deep.equal([]);
      await screenshot(page, SUITE, 'claim');
      await page.getByRole('button', { name: '批准' }).click();
      await page.waitForURL(/\/staff\/waivers\/claims\/\d+$/);
      expect(await page.locator('main').innerText()).to.contain('已批准');
      await page.goto('/staff/waivers/settlements');
      await page.getByLabel('殡仪馆').selectOption(String(home));
      await page.getByLabel('申领月份').fill(claim.month);
      await page.getByRole('button', { name: '显示待结算申领' }).click();
      expect(await accessibilityProblems(page), 'axe-core on the settlement page').to.deep.equal([]);
      await screenshot(page, SUITE, 'settle');
      await page.locator('[data-settle]').click();
      await page.waitForURL(/\/staff\/waivers\/settlements\/\d+$/);
      const batch = await page.locator('main').innerText();
      expect(batch).to.contain(claim.claim_number);
      expect(batch).to.contain('共 1 笔');
      expect(await accessibilityProblems(page), 'axe-core on the batch page').to.deep.equal([]);
      await screenshot(page, SUITE, 'batch');
      expect((await db('waiver_claims').where({ id: claim.id }).first()).status).to.equal('settled');
      expect(problems).to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
