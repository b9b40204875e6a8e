// temporary: profile one scenario against a running server
import autocannon from 'autocannon';
import { availabilityPage, takenSlotBooking } from './bench-cremation.js';
const base = process.argv[2];
const which = process.argv[3];
async function login(username: string) {
  const page = await fetch(`${base}/login`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
  const c0 = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const res = await fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: c0 }, body: new URLSearchParams({ _csrf: token, username, password: 'prof-pass-2026' }).toString() });
  return { username, cookie: res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('shian.sid'))! };
}
const ctx = { base, login };
let opts: autocannon.Options;
if (which === 'page') {
  const { path } = await availabilityPage(ctx);
  const s = await login('frontdesk');
  opts = { url: base + path, headers: { cookie: s.cookie }, connections: 10, duration: 8 };
} else {
  const t = await takenSlotBooking(ctx);
  opts = { url: `${base}/api/v1/cremation/bookings`, method: 'POST', headers: t.headers, body: t.body, connections: 10, duration: 8 };
}
const r = await autocannon(opts);
console.log(which, r.requests.average, 'req/s', r.statusCodeStats);
