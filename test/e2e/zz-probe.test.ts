import { startApp, DEMO_PASSWORD } from '../helpers/app.js';
import { launchBrowser } from '../helpers/browser.js';
describe('probe', function () {
  this.timeout(60000);
  it('probe', async () => {
    const [app, b] = await Promise.all([startApp(), launchBrowser()]);
    const ctx = await b.newContext({ baseURL: app.url, viewport: { width: 375, height: 800 }, isMobile: true }); const page = await ctx.newPage();
    await page.goto('/');
    console.log('home scrollWidth', await page.evaluate(() => document.documentElement.scrollWidth));
    await page.goto('/login');
    await page.getByLabel('用户名').fill('cemetery'); await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click(); await page.waitForURL('**/staff');
    console.log(await page.evaluate(() => {
      const cs = (s: string) => { const e = document.querySelector(s)!; const c = getComputedStyle(e); return `${s}: color ${c.color} bg ${c.backgroundColor} border ${c.borderColor} font ${c.fontSize}`; };
      return [cs('.site-header'), cs('[data-testid=user-name]'), cs('.badge-role'), cs('.user-menu .btn-link'), cs('.card .figure.small'), cs('td.mono, .mono')].join('\n') + '\nscrollWidth ' + document.documentElement.scrollWidth;
    }));
    await page.screenshot({ path: '/tmp/staff-phone.png', fullPage: true });
    await page.goto('/staff/facilities');
    console.log('facilities scrollWidth', await page.evaluate(() => document.documentElement.scrollWidth));
    await page.screenshot({ path: '/tmp/fac-phone.png', fullPage: true });
    await b.close(); await app.close();
  });
});
