// What the cremation bench scenarios need, made once through the app's own HTTP interfaces on the freshly seeded
// benchmark server: an admin API token, a few funeral cases with cremation bookings on a day ahead, and one more
// case with no booking that keeps asking for a taken slot (each attempt a 409 slot_taken, never a new row, so
// autocannon can repeat the same request honestly).
import { DateTime } from 'luxon';
import { checkCharacter } from '../server/cases/id-number.js';

export interface BenchSession {
  username: string;
  cookie: string;
}
export interface PrepareContext {
  base: string;
  session?: BenchSession;
  login(username: string): Promise<BenchSession>;
}

interface Fixture {
  token: string;
  home: number;
  date: string;
  taken: { cremator_id: number; starts_at: string };
  contender: number;
}

const HOME = '六盘水市殡仪馆（示例）';
const BOOKED = 6;

let fixture: Promise<Fixture> | undefined;

async function expectOk(res: Response, what: string, status = 200): Promise<string> {
  const text = await res.text();
  if (res.status !== status)
    throw new Error(`${what}: status ${res.status}, expected ${status}\n${text.slice(0, 400)}`);
  return text;
}

/** The cookie header after a response: later Set-Cookie values replace earlier ones of the same name. */
function withCookies(cookie: string, res: Response): string {
  const jar = new Map(
    cookie
      .split('; ')
      .filter(Boolean)
      .map((c) => [c.slice(0, c.indexOf('=')), c] as const),
  );
  for (const c of res.headers.getSetCookie()) {
    const pair = c.split(';')[0];
    jar.set(pair.slice(0, pair.indexOf('=')), pair);
  }
  return [...jar.values()].join('; ');
}

/**
 * An admin token, made on the tokens page as an administrator would. The first page view sets the CSRF cookie;
 * the tokens page, seen with it, carries a field that matches it.
 */
async function adminToken(base: string, admin: BenchSession): Promise<string> {
  let cookie = withCookies(admin.cookie, await fetch(`${base}/staff`, { headers: { cookie: admin.cookie } }));
  const page = await fetch(`${base}/staff/tokens`, { headers: { cookie } });
  cookie = withCookies(cookie, page);
  const html = await expectOk(page, 'GET /staff/tokens');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const userId = /<option value="(\d+)"[^>]*>admin（/.exec(html)?.[1];
  if (!csrf || !userId) throw new Error('GET /staff/tokens: no CSRF field or no admin user in the form');
  const res = await fetch(`${base}/staff/tokens`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, user_id: userId, label: 'bench: cremation' }).toString(),
  });
  const token = /shian_[0-9a-f]{8}_[A-Za-z0-9_-]+/.exec(await expectOk(res, 'POST /staff/tokens', 201))?.[0];
  if (!token) throw new Error('POST /staff/tokens: no token on the page');
  return token;
}

async function setUp(ctx: PrepareContext): Promise<Fixture> {
  const token = await adminToken(ctx.base, await ctx.login('admin'));
  const json = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const homes = JSON.parse(
    await expectOk(await fetch(`${ctx.base}/api/v1/facilities?kind=funeral_home`), 'GET /api/v1/facilities'),
  ) as { id: number; name: string }[];
  const home = homes.find((h) => h.name === HOME)?.id;
  if (!home) throw new Error(`no funeral home named ${HOME} in the demo data`);
  const date = DateTime.now().setZone('Asia/Shanghai').plus({ days: 3 }).toISODate()!;

  const cases: number[] = [];
  for (let i = 0; i <= BOOKED; i += 1) {
    const first17 = `52020119500101${String(100 + i).padStart(3, '0')}`;
    const res = await fetch(`${ctx.base}/api/v1/cases`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        facility_id: home,
        request_id: `bench-cremation-${i}`,
        deceased: {
          name: `压测${i}`,
          id_number: first17 + checkCharacter(first17),
          death_at: DateTime.now().minus({ days: 1 }).toISO(),
        },
        contact: { name: '家属', phone: '13800000000', relationship: '子女' },
      }),
    });
    cases.push((JSON.parse(await expectOk(res, 'POST /api/v1/cases', 201)) as { id: number }).id);
  }

  const slots = JSON.parse(
    await expectOk(
      await fetch(`${ctx.base}/api/v1/cremation/availability?facility=${home}&date=${date}`, { headers: json }),
      'GET availability',
    ),
  ) as { cremator_id: number; starts_at: string; state: string }[];
  const free = slots.filter((s) => s.state === 'free');
  if (free.length < BOOKED) throw new Error(`only ${free.length} free cremation slots on ${date}`);
  // Spread over the cremators, so the page shows a realistic morning rather than one full row.
  const chosen = Array.from({ length: BOOKED }, (_, i) => free[(i * 7) % free.length]);
  for (const [i, slot] of chosen.entries()) {
    const res = await fetch(`${ctx.base}/api/v1/cremation/bookings`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ case_id: cases[i], cremator_id: slot.cremator_id, starts_at: slot.starts_at }),
    });
    await expectOk(res, 'POST /api/v1/cremation/bookings', 201);
  }
  return {
    token,
    home,
    date,
    taken: { cremator_id: chosen[0].cremator_id, starts_at: chosen[0].starts_at },
    contender: cases[BOOKED],
  };
}

const fixtureFor = (ctx: PrepareContext) => (fixture ??= setUp(ctx));

/** GET the availability grid of the sample home on the day with the bookings. */
export async function availabilityPage(ctx: PrepareContext): Promise<{ path: string }> {
  const f = await fixtureFor(ctx);
  return { path: `/staff/cremation?facility=${f.home}&date=${f.date}` };
}

/** POST a booking of a slot another case holds: every attempt goes through the rules and the insert, and loses. */
export async function takenSlotBooking(
  ctx: PrepareContext,
): Promise<{ headers: Record<string, string>; body: string }> {
  const f = await fixtureFor(ctx);
  return {
    headers: { authorization: `Bearer ${f.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ case_id: f.contender, cremator_id: f.taken.cremator_id, starts_at: f.taken.starts_at }),
  };
}
