import { chromium } from 'playwright-core';
import { dayAhead, at } from './fixtures.js';
const base = 'http://127.0.0.1:3600';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
async function as(user: string) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#username', user); await page.fill('#password', 'demo-pass-2026'); await page.click('button[type=submit]'); await page.waitForURL(/\/staff/);
  return page;
}
const b = await as('bureau');
await b.goto(`${base}/staff/cremation?date=${dayAhead(1)}`);
await b.screenshot({ path: '/tmp/crem-shots/grid-bureau.png', fullPage: false });
const f = await as('frontdesk');
// a form opened on 10:00, then someone else takes it: the submit shows the 409 message
await f.goto(`${base}/staff/cremation/bookings/new?kind=cremator&resource=1&starts_at=${encodeURIComponent(at(dayAhead(1), '08:00'))}`);
await f.screenshot({ path: '/tmp/crem-shots/book-taken-warning.png' });
await f.goto(`${base}/staff/cremation/bookings/new?kind=cremator&resource=1&starts_at=${encodeURIComponent(at(dayAhead(1), '10:00'))}`);
await f.selectOption('#case_id', { index: 1 });
await f.evaluate(() => { (document.querySelector('input[name=starts_at]') as HTMLInputElement).value = (document.querySelector('input[name=starts_at]') as HTMLInputElement).value.replace('T02:00', 'T00:00'); });
await f.click('main button[type=submit]');
await f.screenshot({ path: '/tmp/crem-shots/book-409.png' });
await f.goto(`${base}/staff/funeral-homes/1/cremators/new`);
await f.fill('#name', '1号炉（平板炉）'); await f.fill('#slot_minutes', '50');
await f.click('main button[type=submit]');
await f.screenshot({ path: '/tmp/crem-shots/cremator-errors.png', fullPage: true });
await browser.close();
