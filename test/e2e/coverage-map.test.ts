// In a real browser: the bureau opens the coverage map of the city and of one county, reads a county's and a
// facility's popup, and opens the print view. Polygons, hatching and markers must render from the app's own files
// with no console error (a CSP violation would be one). Screenshots land in test/artifacts/.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../helpers/app.js';
import { accessibilityProblems, browserSuite, screenshot, watchErrors } from '../helpers/browser.js';

const SUITE = 'coverage-map';
const DATE = '2027-06-30';

describe('browser: the bureau reads the coverage map', function () {
  this.timeout(90_000);
  // One more try for the intermittent stall after login on PostgreSQL late in a full run: see test/e2e/roles.test.ts.
  this.retries(1);
  const suite = browserSuite();

  before(async () => {
    // Markers whatever the demo data: one facility with coordinates in each of two counties.
    const db = suite.app().db;
    const now = new Date().toISOString();
    for (const [name, county, kind, lng, lat] of [
      ['地图测试骨灰堂', '520201', 'columbarium', 104.86, 26.62],
      ['地图测试公墓', '520203', 'rural_public_cemetery', 105.45, 26.24],
    ] as const) {
      const township = await db('regions')
        .where({ parent_code: county, level: 'township' })
        .orderBy('code')
        .first('code');
      const [row] = await db('facilities')
        .insert({
          name,
          kind,
          region_code: township.code,
          status: 'operating',
          lng,
          lat,
          is_sample: false,
          created_at: now,
          updated_at: now,
        })
        .returning('id');
      await db('facility_status_history').insert({
        facility_id: typeof row === 'object' ? row.id : row,
        status: 'operating',
        effective_on: '2026-01-01',
        recorded_at: now,
      });
    }
  });

  async function logIn(page: Page) {
    await page.goto('/login');
    await page.getByLabel('用户名').fill('bureau');
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL('**/staff');
  }

  async function facilitiesWithCoordinates(page: Page, region: string): Promise<number> {
    const res = await page.request.get(`/staff/coverage/map/data.json?region=${region}&date=${DATE}`);
    expect(res.status()).to.equal(200);
    return (await res.json()).facilities.length;
  }

  it('draws the counties shaded with their names, the zones and a marker per facility, with popups and a print view', async () => {
    const context = await suite
      .browser()
      .newContext({ baseURL: suite.app().url, viewport: { width: 1440, height: 1000 } });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const problems = watchErrors(page);
    try {
      await logIn(page);
      await page.getByRole('link', { name: '覆盖与规划' }).first().click();
      await page.getByRole('navigation', { name: '覆盖与规划' }).getByRole('link', { name: '覆盖地图' }).click();
      await page.waitForURL('**/staff/coverage/map**');
      await page.goto(`/staff/coverage/map?region=5202&date=${DATE}`);
      await page.locator('[data-map-state="ready"]').waitFor();

      // Four county fills (clickable), their casing, names; a marker per facility with coordinates; the legend.
      expect(await page.locator('.leaflet-overlay-pane path.leaflet-interactive').count()).to.equal(4);
      expect(await page.locator('.leaflet-overlay-pane path').count()).to.be.at.least(8);
      expect(await page.locator('.cm-label').allInnerTexts()).to.have.length(4);
      expect((await page.locator('.cm-label').allInnerTexts()).join(' '))
        .to.contain('钟山区')
        .and.contain('盘州市');
      const markers = await facilitiesWithCoordinates(page, '5202');
      expect(markers).to.be.at.least(2);
      expect(await page.locator('.leaflet-marker-pane .cm-marker').count()).to.equal(markers);
      expect(await page.locator('[data-map-legend]').innerText())
        .to.contain('行政村覆盖率')
        .and.contain('土葬改革区')
        .and.contain('骨灰堂');
      expect(await page.locator('.leaflet-overlay-pane svg pattern#cm-hatch').count()).to.equal(1);
      expect(await accessibilityProblems(page), 'axe-core on city').to.deep.equal([]);
      await screenshot(page, SUITE, 'city');

      // A county's popup: its rates and a link to its dashboard.
      // Click a point of 盘州市 where its fill, not a marker, is under the pointer.
      const at = await page.evaluate(() => {
        const label = [...document.querySelectorAll('.cm-label')]
          .find((l) => l.textContent!.includes('盘州市'))!
          .getBoundingClientRect();
        for (let dy = 0; dy < 120; dy += 6)
          for (const dx of [0, 30, -30, 60, -60]) {
            const x = label.left + label.width / 2 + dx,
              y = label.bottom + 10 + dy;
            if (document.elementFromPoint(x, y)?.matches('path.leaflet-interactive')) return { x, y };
          }
        return null;
      });
      expect(at, 'a point inside 盘州市').to.not.equal(null);
      await page.mouse.click(at!.x, at!.y);
      const popup = page.locator('.leaflet-popup-content');
      await popup.waitFor();
      expect(await popup.innerText())
        .to.contain('行政村覆盖')
        .and.contain('乡镇覆盖')
        .and.contain('殡葬改革区划');
      expect(await popup.innerText()).to.contain('盘州市');
      expect(await popup.locator('a', { hasText: '查看覆盖概览' }).getAttribute('href')).to.equal(
        '/staff/coverage?region=520281&date=2027-06-30',
      );

      // One county: zoomed to it, the others still drawn; its facilities only; a facility's popup.
      await page.goto(`/staff/coverage/map?region=520203&date=${DATE}`);
      await page.locator('[data-map-state="ready"]').waitFor();
      expect(await page.locator('.leaflet-overlay-pane path.leaflet-interactive').count()).to.equal(4);
      expect(await page.locator('.leaflet-marker-pane .cm-marker').count()).to.equal(
        await facilitiesWithCoordinates(page, '520203'),
      );
      await page.locator('.cm-marker[title^="地图测试公墓"]').click();
      expect(await popup.innerText())
        .to.contain('地图测试公墓')
        .and.contain('农村公益性公墓')
        .and.contain('运营（2026年1月1日起）');
      expect(await popup.locator('a', { hasText: '查看设施详情' }).getAttribute('href')).to.match(
        /^\/staff\/facilities\/\d+$/,
      );
      // Leaflet fades a popup in: measure contrast once it is fully opaque.
      await page.waitForFunction(() => getComputedStyle(document.querySelector('.leaflet-popup')!).opacity === '1');
      expect(await accessibilityProblems(page), 'axe-core on county').to.deep.equal([]);
      await screenshot(page, SUITE, 'county');

      // The print view: the same map, the legend beside it.
      await page.goto(`/staff/coverage/map/print?region=5202&date=${DATE}`);
      await page.locator('[data-map-state="ready"]').waitFor();
      expect(await page.locator('#sheet-legend [data-map-legend]').count()).to.equal(1);
      expect(await page.locator('.leaflet-overlay-pane path').count()).to.be.at.least(8);
      expect(await accessibilityProblems(page), 'axe-core on print').to.deep.equal([]);
      await screenshot(page, SUITE, 'print');
      expect(problems, 'console errors / page errors').to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
