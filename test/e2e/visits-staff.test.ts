// In a real browser, the cemetery's staff on a visit day (issue 17 items 1, 4, 7): sign in, see the fortnight of
// windows, make windows in bulk through the confirm step, book for an elderly caller (代约) and print the slip with
// its QR code, admit the caller at the gate with the code as a scanner reads it, and see the day summary count the
// arrival. axe-core checks each page; screenshots land in test/artifacts/.
import { expect } from 'chai';
import { DEMO_PASSWORD } from '../helpers/app.js';
import { accessibilityProblems, browserSuite, screenshot, watchErrors } from '../helpers/browser.js';
import { CEMETERY, dayFromToday, facilityNamed, nextPhone } from '../visits/fixtures.js';
import { allDayWindow } from '../visits/staff-fixtures.js';

const SUITE = 'visits-staff';

describe('browser: cemetery staff make windows, book for a caller, admit at the gate, read the day', function () {
  this.timeout(150_000);
  this.retries(1);
  const suite = browserSuite();

  it('windows → generate → 代约 → slip → gate → day summary', async () => {
    const db = suite.app().db;
    const cemetery = await facilityNamed(db, CEMETERY);
    // A window of today open till midnight, so that the caller's code is today's whatever the hour of the run.
    const tonight = await allDayWindow(db, cemetery, 30);
    const context = await suite.browser().newContext({ baseURL: suite.app().url });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const problems = watchErrors(page, { expectedStatuses: [409] }); // the gate refusing a second use
    const axe = async (step: string) => {
      expect(await accessibilityProblems(page), `axe-core on ${step}`).to.deep.equal([]);
      await screenshot(page, SUITE, step);
    };
    try {
      await page.goto('/login');
      await page.getByLabel('用户名').fill('cemetery');
      await page.getByLabel('密码').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.waitForURL('**/staff');

      await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '祭扫预约' }).click();
      await page.waitForURL('**/staff/visits');
      expect(await page.locator('h1').innerText()).to.contain(CEMETERY);
      expect(await page.locator('table.visit-windows tbody tr').count()).to.be.greaterThan(14 * 4 - 1);
      await axe('windows');

      // Windows in bulk: three days, two windows a day, the last day at peak capacity.
      await page.getByRole('link', { name: '批量生成时段' }).click();
      expect(await page.getByLabel('高峰日期').inputValue()).to.match(/^\d{4}-04-\d\d( \d{4}-04-\d\d){6}$/);
      await axe('generate');
      await page.getByLabel('开始日期').fill(dayFromToday(40));
      await page.getByLabel('结束日期').fill(dayFromToday(42));
      await page.getByLabel('每日时段').fill('06:00-07:00\n07:00-08:00');
      await page.getByRole('spinbutton', { name: '每个时段的场地容量（必填）' }).fill('80');
      await page.getByLabel('高峰日期').fill(dayFromToday(42));
      await page.getByLabel('高峰日每个时段的场地容量').fill('200');
      await page.getByRole('button', { name: '下一步：核对' }).click();
      expect(await page.getByTestId('generate-summary').innerText()).to.contain('将新增 6 个，已存在 0 个');
      await axe('generate-confirm');
      await page.getByRole('button', { name: '生成 6 个时段' }).click();
      expect(await page.locator('.flash').innerText()).to.equal('已新增 6 个时段，跳过 0 个（已存在）。');
      expect(await page.locator('table.visit-windows').innerText())
        .to.contain('06:00–07:00')
        .and.contain('高峰');
      await screenshot(page, SUITE, 'generated');

      // 代约: an elderly caller on the phone.
      await page.goto('/staff/visits');
      await page.getByRole('link', { name: '代约' }).first().click();
      await axe('book');
      await page.locator(`a[href="/staff/visits/windows/${tonight}/book"]`).click();
      await page.getByLabel('姓名').fill('示例老人');
      const phone = nextPhone();
      await page.getByLabel('手机号码').fill(phone);
      await page.getByLabel('人数').fill('2');
      await page.getByLabel('祭扫对象').fill('示例逝者');
      await axe('book-form');
      await page.getByRole('button', { name: '确认代约' }).click();
      const code = (await page.getByTestId('slip-code').innerText()).trim();
      expect(code).to.match(/^[2-9A-HJ-NP-Z]{8}$/);
      expect(await page.locator('.flash').innerText()).to.equal(`代约成功，预约码 ${code}。`);
      const slip = await page.locator('.visit-slip').innerText();
      expect(slip)
        .to.contain(CEMETERY)
        .and.contain('2')
        .and.contain(`${phone.slice(0, 3)}****${phone.slice(7)}`);
      expect(await page.locator('.slip-qr svg').count()).to.equal(1);
      // The QR code reads back as the gate expects it, with the jsQR the gate's camera script uses.
      const read = await page.evaluate(async () => {
        await new Promise((resolve, reject) => {
          const s = document.createElement('script');
          s.src = '/static/vendor/jsqr/jsQR.js';
          s.onload = resolve;
          s.onerror = reject;
          document.head.appendChild(s);
        });
        const svg = new XMLSerializer().serializeToString(document.querySelector('.slip-qr svg')!);
        const img = new Image(400, 400);
        img.src = `data:image/svg+xml;base64,${btoa(svg)}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = canvas.height = 400;
        const ctx = canvas.getContext('2d')!;
        ctx.fillStyle = '#fff';
        ctx.fillRect(0, 0, 400, 400);
        ctx.drawImage(img, 0, 0, 400, 400);
        const data = ctx.getImageData(0, 0, 400, 400);
        type JsQR = (d: Uint8ClampedArray, w: number, h: number) => { data: string } | null;
        return (window as unknown as { jsQR: JsQR }).jsQR(data.data, 400, 400)?.data;
      });
      expect(read).to.equal(`SHIAN-VISIT:${code}`);
      expect(await page.getByRole('button', { name: '打印凭条' }).isVisible()).to.equal(true);
      await axe('slip');
      // Printed: the slip alone, without the navigation and buttons.
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('.site-nav').isVisible()).to.equal(false);
      expect(await page.getByTestId('slip-code').isVisible()).to.equal(true);
      await screenshot(page, SUITE, 'slip-print');
      await page.emulateMedia({ media: 'screen' });
      await page.getByRole('link', { name: '为来电人取消' }).click();
      expect(await page.locator('h1').innerText()).to.equal(`取消预约 ${code}？`);
      await axe('cancel-confirm');
      await page.getByRole('link', { name: '保留预约' }).click();

      // The window: its capacity, the close confirmation and the printed list with the caller on it.
      await page.goto(`/staff/visits/windows/${tonight}`);
      await axe('window');
      await page.getByRole('link', { name: '关闭时段' }).click();
      await axe('window-close');
      await page.getByRole('link', { name: '不改变' }).click();
      await page.getByRole('link', { name: '预约名单' }).first().click();
      expect(await page.locator('.visit-sheet').innerText())
        .to.contain('示例老人')
        .and.contain('代约');
      await axe('sheet');

      // At the gate: the code as the scanner reads it from the QR code.
      await page.goto('/staff/visits');
      await page.getByRole('link', { name: '入园核验' }).click();
      // With scripts and a camera API the scan button shows; the form works without it.
      expect(await page.getByRole('button', { name: '用摄像头扫码' }).isVisible()).to.equal(true);
      await axe('gate');
      await page.getByLabel('预约码').fill(`SHIAN-VISIT:${code.toLowerCase()}`);
      await page.getByRole('button', { name: '核验入园' }).click();
      // The gate is kept on a phone: its answer fits a phone's width.
      await page.setViewportSize({ width: 390, height: 844 });
      const result = await page.getByTestId('gate-result').innerText();
      expect(result).to.contain('准许入园').and.contain('2 人').and.contain('示**人');
      await axe('gate-admitted');
      await page.getByLabel('预约码').fill(code);
      await page.getByRole('button', { name: '核验入园' }).click();
      expect(await page.getByTestId('gate-result').innerText())
        .to.contain('不予入园')
        .and.contain('不能重复使用');
      await screenshot(page, SUITE, 'gate-refused');
      await page.setViewportSize({ width: 1280, height: 800 });

      // The day: the caller's window shows one reservation of two people, arrived.
      await page.getByRole('link', { name: '当日汇总' }).click();
      const row = page.locator('[data-testid="day-summary"] tbody tr', { hasText: '00:00–23:59' });
      expect((await row.innerText()).split(/\s+/).slice(1)).to.deep.equal(['30', '1', '2', '1', '2', '0']);
      await axe('day');
      expect(problems, 'console errors / page errors').to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
