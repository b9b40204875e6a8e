// In a real browser, an online memorial page from the front desk to a visitor's message: the front desk opens the
// case's memorial page and issues a claim code, printed on the statement (its text read back); the family claims the
// page on a phone and keeps the management link; writes the biography, makes the page public and uploads a photo; a
// visitor leaves a message, told it waits for approval; the family approves it and it shows. axe-core checks every
// public page at 390×844 and at 360 px wide; screenshots land in test/artifacts/.
import { expect } from 'chai';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { pdfText } from '../documents/pdf-tools.js';
import { DEMO_PASSWORD } from '../helpers/app.js';
import { accessibilityProblems, browserSuite, screenshot, watchErrors } from '../helpers/browser.js';
import { facilityId, insertCase } from '../cremation/fixtures.js';

const SUITE = 'memorials';
const PHONE = { width: 390, height: 844 };
const NARROW = { width: 360, height: 740 };

/** axe-core at both phone widths the public pages are made for. */
async function phoneProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  for (const size of [PHONE, NARROW]) {
    await page.setViewportSize(size);
    problems.push(...(await accessibilityProblems(page)).map((p) => `${size.width}px: ${p}`));
  }
  await page.setViewportSize(PHONE);
  return problems;
}

describe('browser: an online memorial page from the front desk to a visitor’s message', function () {
  this.timeout(150_000);
  this.retries(1);
  const suite = browserSuite();

  it('claim code on the statement → family claims → edits and photo → visitor’s message → approved → shown', async () => {
    const db = suite.app().db;
    const home = await facilityId(db);
    const caseId = await insertCase(db, home, { status: 'cremated', deceased_name: '李秀兰' });
    await db('funeral_cases')
      .where({ id: caseId })
      .update({ death_certificate_no: 'E2E-0001', birth_date: '1938-04-12' });

    const staff = await suite.browser().newContext({ baseURL: suite.app().url });
    const family = await suite.browser().newContext({ baseURL: suite.app().url, viewport: PHONE, isMobile: true });
    const visitor = await suite.browser().newContext({ baseURL: suite.app().url, viewport: NARROW });
    for (const c of [staff, family, visitor]) c.setDefaultTimeout(15_000);
    const desk = await staff.newPage();
    const phone = await family.newPage();
    const guest = await visitor.newPage();
    const problems = [...watchErrors(desk), ...watchErrors(phone), ...watchErrors(guest)];
    try {
      // The front desk: the case page links to its memorial page, which issues the claim code.
      await desk.goto('/login');
      await desk.getByLabel('用户名').fill('frontdesk');
      await desk.getByLabel('密码').fill(DEMO_PASSWORD);
      await desk.getByRole('button', { name: '登录', exact: true }).click();
      await desk.waitForURL('**/staff');
      await desk.goto(`/staff/cases/${caseId}`);
      await desk.getByRole('link', { name: '网上纪念页' }).click();
      expect(await desk.locator('main').innerText()).to.contain('此案件尚无网上纪念页');
      expect(await accessibilityProblems(desk), 'axe-core on the staff memorial page').to.deep.equal([]);
      await desk.getByRole('button', { name: '发放认领码并打印' }).click();
      const code = (await desk.locator('[data-claim-code]').innerText()).trim();
      expect(code).to.match(/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$/);
      expect(await accessibilityProblems(desk), 'axe-core on the claim code').to.deep.equal([]);
      await screenshot(desk, SUITE, 'claim-code');
      // The print button posts the code back for the statement; read the PDF as the family will.
      const csrf = await desk.locator('input[name="_csrf"]').first().inputValue();
      const pdf = await desk.request.post(`/staff/cases/${caseId}/memorial/claim-code/statement.pdf`, {
        form: { _csrf: csrf, code },
      });
      expect(pdf.status()).to.equal(200);
      const text = pdfText(await pdf.body());
      expect(text)
        .to.contain('殡葬服务收费明细')
        .and.contain('李秀兰')
        .and.contain(code)
        .and.contain('/memorials/claim');

      // The family, on a phone: claims the page and keeps the link shown once.
      await phone.goto('/memorials/claim');
      expect(await phoneProblems(phone), 'axe-core on the claim form').to.deep.equal([]);
      await phone.getByLabel('认领码').fill(code.toLowerCase());
      await phone.getByLabel('管理人真实姓名').fill('李建华');
      await phone.getByLabel('管理人手机号码').fill('139 0858 1234');
      await screenshot(phone, SUITE, 'claim');
      await phone.getByRole('button', { name: '认领' }).click();
      await phone.waitForSelector('[data-manage-link]');
      expect(await phone.locator('main').innerText())
        .to.contain('认领成功')
        .and.contain('李秀兰');
      expect(await phoneProblems(phone), 'axe-core on the claimed page').to.deep.equal([]);
      await screenshot(phone, SUITE, 'claimed');
      const manageUrl = (await phone.locator('[data-manage-link]').innerText()).trim();
      await phone.getByRole('link', { name: '打开管理页面' }).click();
      await phone.waitForURL('**/manage?key=*');
      expect(await phoneProblems(phone), 'axe-core on the management page').to.deep.equal([]);

      // Biography, public, photo.
      await phone.getByRole('textbox', { name: '生平' }).fill('（示例）一生从教，桃李满天下。\n喜爱书法与园艺。');
      await phone.getByLabel('公开（出现在网上祭扫列表中）').check();
      await phone.getByRole('button', { name: '保存' }).click();
      await phone.locator('.flash', { hasText: '已保存' }).waitFor();
      const png = await sharp({ create: { width: 900, height: 1200, channels: 3, background: '#9aa7b4' } })
        .png()
        .toBuffer();
      await phone.getByLabel('选择照片').setInputFiles({ name: 'portrait.png', mimeType: 'image/png', buffer: png });
      await phone.getByRole('button', { name: '上传照片' }).click();
      await phone.locator('.flash', { hasText: '已更新照片' }).waitFor();
      expect(await phoneProblems(phone), 'axe-core on the management page after the changes').to.deep.equal([]);
      await screenshot(phone, SUITE, 'manage');
      const pageUrl = new URL(manageUrl).pathname.replace(/\/manage$/, '');

      // A visitor, 360 px wide: the list has the page; a message waits for approval.
      await guest.goto('/memorials');
      expect(await guest.locator('main').innerText()).to.contain('李秀兰');
      expect(await phoneProblems(guest), 'axe-core on the list').to.deep.equal([]);
      await screenshot(guest, SUITE, 'list');
      await guest.getByRole('link', { name: '李秀兰' }).click();
      await guest.waitForURL(`**${pageUrl}`);
      expect(await guest.locator('main').innerText())
        .to.contain('生于 1938年4月12日')
        .and.contain('一生从教');
      expect(await guest.locator('img.memorial-photo').evaluate((img: HTMLImageElement) => img.naturalWidth)).to.equal(
        900,
      );
      expect(await phoneProblems(guest), 'axe-core on the memorial page').to.deep.equal([]);
      await guest.getByRole('radio', { name: '留言' }).check();
      await guest.locator('#message').fill('李老师，您的教诲我们永远铭记。');
      await guest.getByLabel('署名').fill('学生（示例）');
      await guest.getByRole('button', { name: '提交' }).click();
      await guest.locator('.flash', { hasText: '已提交，待家属审核后显示' }).waitFor();
      expect(await guest.locator('#tributes').innerText()).to.not.contain('永远铭记');
      expect(await phoneProblems(guest), 'axe-core after a tribute').to.deep.equal([]);
      await screenshot(guest, SUITE, 'sent');

      // The family approves it; the visitor sees it.
      await phone.goto(manageUrl);
      expect(await phone.locator('main').innerText()).to.contain('永远铭记');
      await phone.getByRole('button', { name: '显示', exact: true }).click();
      await phone.locator('.flash', { hasText: '已显示该条祭奠' }).waitFor();
      await guest.reload();
      expect(await guest.locator('#tributes').innerText())
        .to.contain('李老师，您的教诲我们永远铭记。')
        .and.contain('学生（示例）');
      await screenshot(guest, SUITE, 'shown');

      // The front desk sees the owner (phone masked) and the decided tribute.
      await desk.goto(`/staff/cases/${caseId}/memorial`);
      const staffText = await desk.locator('main').innerText();
      expect(staffText).to.contain('李建华').and.contain('139****1234').and.not.contain('13908581234');
      expect(await accessibilityProblems(desk), 'axe-core on the staff memorial page, claimed').to.deep.equal([]);
      await screenshot(desk, SUITE, 'staff');
      expect(problems).to.deep.equal([]);
    } finally {
      await Promise.all([staff.close(), family.close(), visitor.close()]);
    }
  });
});
