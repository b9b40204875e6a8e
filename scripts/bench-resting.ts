// What the resting-place bench scenarios need (issue 18, item 11), found through the app's own pages on the freshly
// seeded benchmark server: the demo columbarium (halls A and B, 30 walls of 10 × 20, 6,000 niches; its first wall
// has niches occupied, expiring, expired, held and blocked), the page of that first wall, and a bureau officer's
// API token for the inventory. Nothing is written but the token: autocannon repeats the same reads.

export interface BenchSession {
  username: string;
  cookie: string;
}
export interface PrepareContext {
  base: string;
  session?: BenchSession;
  login(username: string): Promise<BenchSession>;
}

const COLUMBARIUM = '钟山区公益性骨灰堂（示例）';
const NICHES = 6000;

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

/** An API token for the demo user `username`, made on the tokens page by the administrator as a person would. */
async function tokenFor(ctx: PrepareContext, username: string): Promise<string> {
  const admin = await ctx.login('admin');
  let cookie = withCookies(admin.cookie, await fetch(`${ctx.base}/staff`, { headers: { cookie: admin.cookie } }));
  const page = await fetch(`${ctx.base}/staff/tokens`, { headers: { cookie } });
  cookie = withCookies(cookie, page);
  const html = await expectOk(page, 'GET /staff/tokens');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const userId = new RegExp(`<option value="(\\d+)"[^>]*>${username}（`).exec(html)?.[1];
  if (!csrf || !userId) throw new Error(`GET /staff/tokens: no CSRF field or no ${username} user in the form`);
  const res = await fetch(`${ctx.base}/staff/tokens`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, user_id: userId, label: 'bench: resting places' }).toString(),
  });
  const token = /shian_[0-9a-f]{8}_[A-Za-z0-9_-]+/.exec(await expectOk(res, 'POST /staff/tokens', 201))?.[0];
  if (!token) throw new Error('POST /staff/tokens: no token on the page');
  return token;
}

interface Fixture {
  facility: number;
  wallPath: string;
  token: string;
  notes: string[];
}
let fixture: Promise<Fixture> | undefined;
let noted = false;

/** The fixture's notes, once per run: whichever of the two scenarios runs first prints them. */
function notesOnce(f: Fixture): string[] {
  if (noted) return [];
  noted = true;
  for (const n of f.notes) process.stdout.write(`  ${n}\n`);
  return f.notes;
}

/** The columbarium from the resting-places index, its first wall from its page, and its size from the API. */
async function setUp(ctx: PrepareContext): Promise<Fixture> {
  const admin = ctx.session ?? (await ctx.login('admin'));
  const index = await expectOk(
    await fetch(`${ctx.base}/staff/resting`, { headers: { cookie: admin.cookie } }),
    'GET /staff/resting',
  );
  const facility = Number(new RegExp(`href="/staff/resting/(\\d+)">${COLUMBARIUM}<`).exec(index)?.[1]);
  if (!facility) throw new Error(`GET /staff/resting: no ${COLUMBARIUM}`);
  const page = await expectOk(
    await fetch(`${ctx.base}/staff/resting/${facility}`, { headers: { cookie: admin.cookie } }),
    `GET /staff/resting/${facility}`,
  );
  const walls = [...page.matchAll(new RegExp(`href="(/staff/resting/${facility}/grid/\\d+)"`, 'g'))].map((m) => m[1]);
  if (walls.length === 0) throw new Error(`GET /staff/resting/${facility}: no wall`);
  const token = await tokenFor(ctx, 'bureau');
  const inv = JSON.parse(
    await expectOk(
      await fetch(`${ctx.base}/api/v1/facilities/${facility}/inventory`, {
        headers: { authorization: `Bearer ${token}` },
      }),
      'GET /api/v1/facilities/:id/inventory',
    ),
  ) as { total: number; by_status: Record<string, number> };
  if (inv.total !== NICHES)
    throw new Error(`the bench's columbarium has ${inv.total} niches, expected ${NICHES} (db/seeds/demo-resting.ts)`);
  const states = Object.entries(inv.by_status)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`)
    .join(', ');
  return {
    facility,
    wallPath: walls[0],
    token,
    notes: [`resting places: the demo columbarium has ${walls.length} walls, ${inv.total} niches (${states})`],
  };
}

/** The first wall's page (10 × 20 niches, every state shown), as a signed-in reader would open it. */
export async function wallPage(ctx: PrepareContext): Promise<{ path: string; notes: string[] }> {
  fixture ??= setUp(ctx);
  const f = await fixture;
  return { path: f.wallPath, notes: notesOnce(f) };
}

/** The columbarium's inventory by the JSON API, with the city bureau's token. */
export async function inventoryApi(
  ctx: PrepareContext,
): Promise<{ path: string; headers: Record<string, string>; notes: string[] }> {
  fixture ??= setUp(ctx);
  const f = await fixture;
  return {
    path: `/api/v1/facilities/${f.facility}/inventory`,
    headers: { authorization: `Bearer ${f.token}` },
    notes: notesOnce(f),
  };
}
