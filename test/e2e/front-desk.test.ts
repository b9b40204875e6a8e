// In a real browser, the front desk's day with one case (issue 15): the day's work on the dashboard; register a death
// (region picked with the picker's JavaScript); receive the body and put it in a fridge slot; book a cremator and a
// farewell hall, each adding its charge; bring in the papers; hold the farewell and record the cremation against its
// booking; take the payment; print the receipt and the certificate (their text read back); release the ashes to the
// recipient the family named. axe-core checks each page it visits; screenshots land in test/artifacts/.
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { checkCharacter } from '../../server/cases/id-number.js';
import { pdfText } from '../documents/pdf-tools.js';
import { DEMO_PASSWORD } from '../helpers/app.js';
import { nextIdNumber } from '../helpers/id-numbers.js';
import { accessibilityProblems, browserSuite, screenshot, watchErrors } from '../helpers/browser.js';

const SUITE = 'front-desk';

describe('browser: the front desk takes a case from intake to the ashes released', function () {
  this.timeout(150_000);
  // One more try for the intermittent stall after login on PostgreSQL late in a full run: see test/e2e/roles.test.ts.
  this.retries(1);
  const suite = browserSuite();

  it('intake → custody → bookings with their charges → papers → cremation recorded → payment → receipt and certificate → release', async () => {
    const context = await suite.browser().newContext({ baseURL: suite.app().url });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const problems = watchErrors(page);
    try {
      await page.goto('/login');
      await page.getByLabel('用户名').fill('frontdesk');
      await page.getByLabel('密码').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.waitForURL('**/staff');
      // The day starts on the dashboard: today's work of the home.
      expect(await page.locator('main').innerText())
        .to.contain('待接运')
        .and.contain('本周预约');
      expect(await accessibilityProblems(page), 'axe-core on today').to.deep.equal([]);
      await screenshot(page, SUITE, 'today');

      // 接运登记
      await page.getByRole('link', { name: '治丧业务' }).first().click();
      await page.getByRole('link', { name: '接运登记' }).click();
      const idNumber = nextIdNumber(); // a person of their own on each try: one open case per person
      await page.getByLabel('逝者姓名').fill('王桂兰');
      await page.getByLabel('身份证号').fill(idNumber);
      await page
        .getByLabel('死亡时间')
        .fill(DateTime.now().setZone('Asia/Shanghai').minus({ hours: 3 }).toFormat("yyyy-MM-dd'T'HH:mm"));
      await page.locator('#household_region__county').selectOption('520201');
      await page.locator('#household_region__township').selectOption('520201101');
      await page.getByLabel('联系人姓名').fill('王建国');
      await page.getByLabel('联系电话').fill('13985812345');
      await page.getByLabel('与逝者关系').fill('儿子');
      expect(await accessibilityProblems(page), 'axe-core on intake').to.deep.equal([]);
      await screenshot(page, SUITE, 'intake');
      await page.getByRole('button', { name: '登记' }).click();
      await page.waitForSelector('.flash');
      expect(await page.locator('.flash').innerText()).to.match(/已登记，案件号 \d{4}-\d{6}。/);
      const caseUrl = page.url();
      const caseId = Number(caseUrl.split('/').pop());

      const db = suite.app().db;
      const { facility_id: home } = await db('funeral_cases').where({ id: caseId }).first('facility_id');
      const badge = (status: string) => page.locator('.page-header .badge', { hasText: status }).waitFor(); // the new page
      const local = (t: DateTime) => t.setZone('Asia/Shanghai').toFormat("yyyy-MM-dd'T'HH:mm");

      // Custody: the body received with its tag, then into the first free fridge slot.
      await page.getByRole('link', { name: '接收遗体' }).click();
      await page.getByLabel('遗体标识牌号').fill(`E2E-${Date.now() % 1_000_000}`);
      await page.getByLabel('交接人').fill('医院太平间');
      expect(await accessibilityProblems(page), 'axe-core on receive').to.deep.equal([]);
      await page.getByRole('button', { name: '确认接收' }).click();
      await badge('遗体已接收');
      await page.getByRole('link', { name: '入柜冷藏' }).click();
      expect(await accessibilityProblems(page), 'axe-core on move').to.deep.equal([]);
      await page.getByRole('button', { name: '确认移动' }).click();
      await badge('冷藏保存');

      // A cremator that charges (the resource names its price item) two days ahead, then a farewell hall for the
      // same case: the grid comes back for the case after the first booking.
      const cremator = await db('cremators').where({ facility_id: home }).whereNotNull('price_item_id').first('id');
      const day = DateTime.now().setZone('Asia/Shanghai').plus({ days: 2 }).toISODate();
      await page.goto(`/staff/cremation?facility=${home}&date=${day}&case=${caseId}`);
      expect(await accessibilityProblems(page), 'axe-core on grid').to.deep.equal([]);
      await screenshot(page, SUITE, 'grid');
      await page.locator(`a.slot-book[href*="kind=cremator"][href*="resource=${cremator.id}&"]`).first().click();
      await page.getByRole('button', { name: '确认预约' }).click();
      expect(await page.locator('.flash').innerText()).to.contain('已添加费用');
      expect(await accessibilityProblems(page), 'axe-core on booked').to.deep.equal([]);
      await screenshot(page, SUITE, 'booked');
      await page.locator('a.slot-book[href*="kind=hall"]').first().click();
      await page.getByRole('button', { name: '确认预约' }).click();
      expect(await page.locator('.flash').innerText()).to.contain('已添加费用');
      const cremation = await db('cremation_bookings').where({ case_id: caseId, status: 'booked' }).first();
      const hall = await db('hall_bookings').where({ case_id: caseId, status: 'booked' }).first();
      expect(cremation, 'cremator booked').to.exist;
      expect(hall, 'hall booked').to.exist;
      await page.goto(caseUrl);
      expect(await page.locator('[data-line-from-booking]').count(), 'two lines made by the bookings').to.equal(2);

      // The papers: each required one uploaded (its type read from its bytes).
      await page.goto(`${caseUrl}/papers`);
      expect(await accessibilityProblems(page), 'axe-core on papers').to.deep.equal([]);
      const pdfBytes = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
      for (const kind of ['death_certificate', 'id_copy', 'authorisation']) {
        const form = page.locator('form', { has: page.locator(`#file-${kind}`) });
        await form
          .locator('input[type=file]')
          .setInputFiles({ name: `${kind}.pdf`, mimeType: 'application/pdf', buffer: pdfBytes });
        await form.getByRole('button', { name: '上传' }).click();
        await page.waitForURL(`**/staff/cases/${caseId}/papers`);
      }
      await screenshot(page, SUITE, 'papers');
      await page.goto(caseUrl);
      expect(await page.locator('main').innerText()).to.contain('结案必需材料已齐全');

      // The farewell is held and the cremation recorded once their slots have begun: the slots booked two days
      // ahead are moved back here (no page books the past), the hall before the cremator.
      const hallAt = DateTime.now().startOf('minute').minus({ hours: 3 });
      const slot = DateTime.now().startOf('minute').minus({ hours: 2 });
      await db('hall_bookings')
        .where({ id: hall.id })
        .update({ starts_at: hallAt.toUTC().toISO()!, ends_at: hallAt.plus({ hours: 1 }).toUTC().toISO()! });
      await db('cremation_bookings')
        .where({ id: cremation.id })
        .update({ starts_at: slot.toUTC().toISO()!, ends_at: slot.plus({ hours: 1 }).toUTC().toISO()! });
      await page.reload();
      await page.locator('#to').selectOption('farewell_done');
      await page.getByRole('button', { name: '确认', exact: true }).click();
      await badge('告别完成');
      await page.getByRole('link', { name: '记录火化' }).click();
      await page.getByLabel('实际开始时间').fill(local(slot.plus({ minutes: 5 })));
      await page.getByLabel('实际结束时间').fill(local(slot.plus({ minutes: 55 })));
      await page.getByLabel('操作员姓名').fill('刘师傅');
      expect(await accessibilityProblems(page), 'axe-core on record cremation').to.deep.equal([]);
      await screenshot(page, SUITE, 'record-cremation');
      await page.getByRole('button', { name: '保存火化记录' }).click();
      await badge('已火化');

      // The family pays the balance; the receipt carries its number, payer and amount.
      const balance = (await page.getByTestId('balance').innerText()).replace(/[¥,\s]/g, '');
      expect(Number(balance)).to.be.greaterThan(0);
      await page.locator('#amount').fill(balance);
      await page.getByRole('button', { name: '登记收费' }).click();
      await page.waitForSelector('.flash');
      expect(await page.getByTestId('balance').innerText()).to.match(/¥0\.00/);
      const payment = await db('case_payments').where({ case_id: caseId }).first();
      const receiptHref = await page.locator('a[href$="receipt.pdf"]').first().getAttribute('href');
      const receipt = await page.request.get(receiptHref!);
      expect(receipt.status()).to.equal(200);
      const receiptText = pdfText(await receipt.body());
      expect(receiptText).to.contain(payment.receipt_number).and.contain('王建国').and.contain('王桂兰');
      expect(receiptText).to.contain(Number(balance).toLocaleString('en-US', { minimumFractionDigits: 2 }));

      // The certificate states what happened: the recorded start and the cremator actually used.
      const certificateHref = await page.locator('a[href$="certificate.pdf"]').first().getAttribute('href');
      const certificate = await page.request.get(certificateHref!);
      expect(certificate.status()).to.equal(200);
      expect(certificate.headers()['content-type']).to.contain('application/pdf');
      const certificateText = pdfText(await certificate.body());
      const used = await db('cremators').where({ id: cremator.id }).first('name');
      expect(certificateText).to.contain(used.name);
      expect(certificateText).to.contain(slot.plus({ minutes: 5 }).setZone('Asia/Shanghai').toFormat('H:mm'));

      // The ashes go to the recipient the family named: the form is filled from that contact; ID checked.
      await page.getByRole('link', { name: '骨灰领取' }).click();
      expect(await page.getByLabel('领取人姓名').inputValue()).to.equal('王建国');
      const recipient = '52020119650312001';
      await page.getByLabel('领取人身份证号').fill(recipient + checkCharacter(recipient));
      await page.getByLabel('原件已核验').check();
      expect(await accessibilityProblems(page), 'axe-core on release').to.deep.equal([]);
      await screenshot(page, SUITE, 'release');
      await page.getByRole('button', { name: '确认领取' }).click();
      await badge('骨灰已领取');
      expect(await accessibilityProblems(page), 'axe-core on case-done').to.deep.equal([]);
      await screenshot(page, SUITE, 'case-done');
      expect(problems, 'console errors / page errors').to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
