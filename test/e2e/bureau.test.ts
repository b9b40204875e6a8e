// In a real browser, a bureau officer's coverage morning: open 覆盖与规划 from the navigation, read the city's
// village coverage against its target, go down to a county, open the map, ask what it would take to reach 100%,
// and download the printed progress report; then the province's and the country's pages. Screenshots land in
// test/artifacts/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { computeCoverage } from '../../server/coverage/engine/service.js';
import { todayInShanghai } from '../../server/time.js';
import { DEMO_PASSWORD } from '../helpers/app.js';
import { accessibilityProblems, browserSuite, screenshot, watchErrors } from '../helpers/browser.js';

const SUITE = 'bureau';

describe('browser: the bureau reads coverage, the map, a proposal and prints the report', function () {
  this.timeout(120_000);
  // One more try for the intermittent stall after login on PostgreSQL late in a full run: see test/e2e/roles.test.ts.
  this.retries(1);
  const suite = browserSuite();

  it('goes from the dashboard to the map, the proposal and the PDF report', async () => {
    const context = await suite.browser().newContext({ baseURL: suite.app().url, acceptDownloads: true });
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    const problems = watchErrors(page);
    try {
      await page.goto('/login');
      await page.getByLabel('用户名').fill('bureau');
      await page.getByLabel('密码').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await page.waitForURL('**/staff');

      // The dashboard shows the same village figures as the engine.
      await page.locator('header nav.site-nav').getByRole('link', { name: '覆盖与规划' }).click();
      await page.waitForURL((url) => url.pathname === '/staff/coverage');
      const city = await computeCoverage(suite.app().db, { region: '5202', date: todayInShanghai() });
      const v = city.region.indicators.villages;
      const main = await page.locator('main').innerText();
      expect(main).to.contain('六盘水市');
      expect(main).to.contain(`${v.covered} / ${v.total}`);
      expect(main).to.contain(`${((v.rate ?? 0) * 100).toFixed(1)}%`);
      expect(await accessibilityProblems(page), 'axe-core on dashboard-city').to.deep.equal([]);
      await screenshot(page, SUITE, 'dashboard-city');

      // Down to a county through the table of counties.
      await page.locator('main table').first().getByRole('link', { name: '盘州市', exact: true }).click();
      await page.waitForURL((url) => url.searchParams.get('region') === '520281');
      expect(await page.locator('main h1').innerText()).to.contain('盘州市');
      expect(await accessibilityProblems(page), 'axe-core on dashboard-county').to.deep.equal([]);
      await screenshot(page, SUITE, 'dashboard-county');

      // The map draws the county outlines and the facility markers from the app's own files.
      await page.locator('nav.tabs').getByRole('link', { name: '覆盖地图' }).click();
      await page.waitForURL((url) => url.pathname === '/staff/coverage/map');
      await page.waitForSelector('.leaflet-overlay-pane path', { state: 'attached' });
      expect(await page.locator('.leaflet-overlay-pane path').count()).to.be.greaterThan(3);
      expect(await accessibilityProblems(page), 'axe-core on map').to.deep.equal([]);
      await screenshot(page, SUITE, 'map');

      // What would it take to cover every village of the county.
      await page.locator('nav.tabs').getByRole('link', { name: '补缺测算' }).click();
      await page.waitForURL((url) => url.pathname === '/staff/coverage/proposal');
      expect(await page.locator('main').innerText()).to.contain('全镇统建');
      expect(await accessibilityProblems(page), 'axe-core on proposal').to.deep.equal([]);
      await screenshot(page, SUITE, 'proposal');

      // Back on the city's dashboard, the PDF report downloads and reads back in Chinese.
      await page.goto('/staff/coverage?region=5202');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'PDF', exact: true }).click(),
      ]);
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'shian-report-')), 'report.pdf');
      await download.saveAs(file);
      expect(fs.readFileSync(file).subarray(0, 5).toString()).to.equal('%PDF-');
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(text).to.contain('六盘水市').and.contain('盘州市').and.contain('钟山区');
      fs.rmSync(path.dirname(file), { recursive: true, force: true });

      // ## Province and country pages (issue 16, item 3), each checked with axe-core: a block of its own.
      for (const [name, url] of [
        ['country', '/staff/coverage?region=all'],
        ['province', '/staff/coverage?region=52'],
        ['map-country', '/staff/coverage/map?region=all'],
        ['map-province', '/staff/coverage/map?region=52'],
        ['communities-province', '/staff/coverage/villages?region=52&kind=community'],
      ] as const) {
        await page.goto(url);
        expect(await page.locator('nav.breadcrumb, main h1').first().innerText(), name).to.not.equal('');
        expect(await accessibilityProblems(page), `axe-core on ${name}`).to.deep.equal([]);
        await screenshot(page, SUITE, name);
      }
      expect(problems, 'console errors').to.deep.equal([]);
    } finally {
      await context.close();
    }
  });
});
