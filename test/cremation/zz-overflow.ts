import { chromium } from 'playwright-core';
import { dayAhead } from './fixtures.js';
const base = 'http://127.0.0.1:3600';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
const page = await ctx.newPage();
await page.goto(`${base}/login`);
await page.fill('#username', 'frontdesk'); await page.fill('#password', 'demo-pass-2026'); await page.click('button[type=submit]'); await page.waitForURL(/\/staff/);
for (const p of ['/staff/facilities', '/staff/funeral-homes/1/prices', '/staff/facilities', '/staff/funeral-homes/1/prices', `/staff/cremation?date=${dayAhead(1)}`, `/staff/cremation/board?date=${dayAhead(1)}`, '/staff', '/staff/funeral-homes/1/resources']) {
  await page.goto(base + p);
  const r = await page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll('body *')) { const b = el.getBoundingClientRect(); if (b.right > 392) out.push(`${el.tagName}.${el.className} ${Math.round(b.right)}`); }
    return { sw: document.documentElement.scrollWidth, els: out.filter((s) => !/^(TH|TD|TR|THEAD|TBODY|A|SPAN|STRONG)\./.test(s)).slice(0, 12) };
  });
  console.log(p, JSON.stringify(r));
}
await browser.close();
