import { chromium } from 'playwright-core';
import { dayAhead } from './fixtures.js';
const base = 'http://127.0.0.1:3600';
const out = '/tmp/crem-shots';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
const page = await ctx.newPage();
await page.goto(`${base}/login`);
await page.fill('#username', process.argv[2] ?? 'frontdesk');
await page.fill('#password', 'demo-pass-2026');
await page.click('button[type=submit]');
await page.waitForURL(/\/staff/);
const d1 = dayAhead(1);
const shots: [string, string][] = [
  ['grid', `/staff/cremation?date=${d1}`],
  ['grid-closed', `/staff/cremation?date=${dayAhead(7)}`],
  ['resources', '/staff/funeral-homes/1/resources'],
  ['book', `/staff/cremation/bookings/new?kind=cremator&resource=1&starts_at=${encodeURIComponent(new Date(Date.parse(`${d1}T10:00:00+08:00`)).toISOString())}`],
  ['board', `/staff/cremation/board?date=${d1}`],
  ['closure-form', '/staff/funeral-homes/1/closures/new'],
  ['cremator-form', '/staff/funeral-homes/1/cremators/3'],
  ['reschedule', '/staff/cremation/bookings/cremator/1/reschedule'],
  ['cancel', '/staff/cremation/bookings/cremator/1/cancel'],
];
for (const [name, path] of shots) {
  const r = await page.goto(base + path);
  console.log(name, r?.status());
  await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
}
await page.goto(`${base}/staff/cremation/board?date=${d1}`);
await page.emulateMedia({ media: 'print' });
await page.screenshot({ path: `${out}/board-print.png`, fullPage: true });
await page.pdf({ path: `${out}/board.pdf`, format: 'A4' }).catch((e) => console.log('pdf', e.message));
await page.emulateMedia({ media: 'screen' });
const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', storageState: await ctx.storageState() });
const pp = await phone.newPage();
await pp.goto(`${base}/staff/cremation?date=${d1}`);
await pp.screenshot({ path: `${out}/grid-phone.png`, fullPage: true });
await browser.close();
