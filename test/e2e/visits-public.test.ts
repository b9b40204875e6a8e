// In a real browser at a phone's size (390 × 844), a family books a visit: home → 祭扫预约 → the columbarium → a day
// → a window → the form (a wrong phone first) → the ticket with its code and the QR made on the server (decoded
// from a screenshot) → look it up by code and phone → cancel after a confirmation. Once with JavaScript on and once
// off: nothing on these pages needs a script. axe-core runs on every page; screenshots land in test/artifacts/.
import { expect } from 'chai';
import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { accessibilityProblems, browserSuite, screenshot, watchErrors } from '../helpers/browser.js';
import { COLUMBARIUM, nextPhone } from '../visits/fixtures.js';

const SUITE = 'visits-public';
const PHONE = { width: 390, height: 844 };

/** The QR's text, read back from a screenshot of the SVG on the page. */
async function readQr(page: Page): Promise<string | undefined> {
  const png = await page.locator('svg.visit-qr').screenshot();
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR.default(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height)?.data;
}

/** What a phone-first page must hold: no sideways scrolling, touch targets of 44 px, lines spaced ≥ 1.3. */
async function phoneProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth) out.push(`scrolls sideways: ${doc.scrollWidth} > ${window.innerWidth}`);
    const targets = document.querySelectorAll<HTMLElement>(
      'main a.visit-choice, main .btn, main input:not([type=hidden]), main select, main .visit-back a',
    );
    for (const el of targets) {
      if (el.hidden || el.offsetParent === null) continue;
      const h = el.getBoundingClientRect().height;
      if (h < 44) out.push(`touch target ${h.toFixed(0)} px high: ${el.outerHTML.slice(0, 80)}`);
    }
    for (const el of document.querySelectorAll<HTMLElement>('main p, main li, main dd, main label')) {
      const s = getComputedStyle(el);
      const lh = parseFloat(s.lineHeight);
      if (!Number.isNaN(lh) && lh / parseFloat(s.fontSize) < 1.3 - 1e-6)
        out.push(`line height ${s.lineHeight} for ${s.fontSize}: ${el.outerHTML.slice(0, 60)}`);
    }
    return out;
  });
}

describe('browser: a family books, shows and cancels a visit on a phone', function () {
  this.timeout(150_000);
  const suite = browserSuite();

  for (const js of [true, false]) {
    const mode = js ? 'js' : 'nojs';
    it(`reserve → ticket with QR → look up → cancel, JavaScript ${js ? 'on' : 'off'}`, async () => {
      const context = await suite.browser().newContext({
        baseURL: suite.app().url,
        viewport: PHONE,
        isMobile: true,
        hasTouch: true,
        javaScriptEnabled: js,
      });
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      const problems = watchErrors(page, { expectedStatuses: [400] });
      // axe-core needs scripts (its run waits on timers): with them off, the page as served is checked in a twin
      // page of the same size where they run, its HTML handed over as it stands.
      const twinContext = js
        ? undefined
        : await suite.browser().newContext({ viewport: PHONE, isMobile: true, hasTouch: true });
      const twin = await twinContext?.newPage();
      const check = async (step: string) => {
        await screenshot(page, SUITE, `${step}-${mode}`);
        let checked = page;
        if (twin) {
          const html = await page.content();
          const at = new URL('/__as-served', page.url()).href;
          await twin.route(at, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
          await twin.goto(at);
          checked = twin;
        }
        expect(await accessibilityProblems(checked), `axe-core on ${step}`).to.deep.equal([]);
        expect(await phoneProblems(checked), `phone layout of ${step}`).to.deep.equal([]);
        // The narrowest phones the 适老化 rules name: 360 px.
        await checked.setViewportSize({ width: 360, height: PHONE.height });
        expect(await phoneProblems(checked), `phone layout of ${step} at 360 px`).to.deep.equal([]);
        await checked.setViewportSize(PHONE);
      };
      try {
        await page.goto('/');
        await page.getByRole('navigation').getByRole('link', { name: '祭扫预约' }).click();
        await page.waitForURL('**/visits');
        expect(await page.locator('main h1').innerText()).to.equal('祭扫预约');
        await check('index');
        // No session for a family that only reads.
        expect((await context.cookies()).map((c) => c.name)).to.not.include('shian.sid');

        await page.getByRole('link', { name: new RegExp(COLUMBARIUM) }).click();
        expect(await page.locator('main').innerText())
          .to.contain('可预约日期')
          .and.contain('余');
        await check('facility');

        await page.locator('.visit-days a.visit-choice:not(.visit-choice-off)').first().click();
        expect(await page.locator('main').innerText()).to.match(/\d\d:00–\d\d:00/);
        await check('day');

        await page.locator('.visit-windows a.visit-choice').first().click();
        await page.getByLabel('预约人姓名').waitFor();
        await check('form');

        // A wrong number first: the form comes back saying what to fix, with what was typed.
        await page.getByLabel('预约人姓名').fill('示例家属庚');
        await page.getByLabel('手机号').fill('12345');
        await page.getByLabel('祭扫人数').selectOption('3');
        await page.getByLabel('祭扫对象（选填）').fill('示例逝者乙');
        await page.getByLabel('车牌号（选填）').fill('贵B12345');
        await page.getByRole('button', { name: '提交预约' }).click();
        await page.locator('.errors-summary').waitFor();
        expect(await page.locator('main').innerText()).to.contain('请填写 11 位中国大陆手机号码');
        expect(await page.getByLabel('预约人姓名').inputValue()).to.equal('示例家属庚');
        await check('form-error');

        const phone = nextPhone();
        await page.getByLabel('手机号').fill(phone);
        await page.getByRole('button', { name: '提交预约' }).click();
        await page.waitForURL(/\/visits\/r\/[A-Z0-9]{8}$/);
        const code = page.url().split('/').pop()!;
        const main = await page.locator('main').innerText();
        expect(main)
          .to.contain('预约成功')
          .and.contain(`${code.slice(0, 4)} ${code.slice(4)}`);
        expect(main)
          .to.contain('3 人')
          .and.contain(`${phone.slice(0, 3)}****${phone.slice(7)}`)
          .and.contain('当天有效');
        expect(main).to.not.contain(phone);
        expect(await page.locator('svg.visit-qr').count()).to.equal(1);
        expect(await readQr(page)).to.equal(`SHIAN-VISIT:${code}`);
        // The print button where scripts run, the hint to use the browser's command where they do not.
        expect(await page.locator('[data-print]').isVisible()).to.equal(js);
        expect(await page.locator('[data-print-hint]').isVisible()).to.equal(!js);
        await check('ticket');
        await page.emulateMedia({ media: 'print' });
        await screenshot(page, SUITE, `ticket-print-${mode}`);
        await page.emulateMedia({ media: 'screen' });

        const db = suite.app().db;
        expect((await db('visit_reservations').where({ code }).first('status')).status).to.equal('booked');

        await page.getByRole('link', { name: '查询或取消预约' }).click();
        expect(await page.getByLabel('预约码').inputValue()).to.equal(code);
        await check('lookup');
        await page.getByLabel('手机号').fill(phone);
        await page.getByRole('button', { name: '查询' }).click();
        await page.getByRole('heading', { name: '您的预约' }).waitFor();
        expect(await page.locator('main').innerText()).to.contain('已预约');
        await check('found');

        await page.getByRole('button', { name: '取消这个预约' }).click();
        await page.getByRole('heading', { name: '确认取消预约' }).waitFor();
        await check('cancel');
        await page.getByRole('button', { name: '确认取消' }).click();
        await page.getByRole('heading', { name: '预约已取消' }).waitFor();
        expect(page.url()).to.match(new RegExp(`/visits/r/${code}$`));
        expect(await page.locator('svg.visit-qr').count()).to.equal(0);
        await check('cancelled');
        expect((await db('visit_reservations').where({ code }).first('status')).status).to.equal('cancelled');
        expect(problems).to.deep.equal([]);
      } finally {
        await context.close();
        await twinContext?.close();
      }
    });
  }
});
