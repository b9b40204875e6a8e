// The Qingming burst (issue 17, item 13): one day's visit windows at one facility, and 100 connections posting
// reservations through the JSON API until every place is taken. Each request is another family: its own mobile
// number (the per-phone daily limit), one of a few thousand client addresses (X-Forwarded-For, the app trusting the
// loopback proxy) so that the per-address limit counts as it would in the field. Reports reservations/s (201s per
// second until full), latencies, and checks in the database that the places booked are exactly the places there were.
import autocannon from 'autocannon';
import type { Knex } from 'knex';
import { createDb } from '../server/db.js';
import { generateWindows } from '../server/visits/service.js';
import { todayInShanghai, zone } from '../server/time.js';
import { DateTime } from 'luxon';

/** A facility of a visit kind without demo windows (db/seeds/demo.ts), so the day holds the burst's windows only. */
const FACILITY = '凉都经营性公墓（示例）';
/** The day's size: its windows, the places of each window, and the places of each of the warm-up day's windows. */
export interface BurstSize {
  windows: number;
  places: number;
  warmPlaces: number;
}
/** Client addresses the requests come from, in turn: about a family per address and a few requests each. */
const ADDRESSES = 2_000;

export interface BurstResult {
  reservations: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  requests: number;
  /** 409 full: a window filled between a request's choice and its answer. */
  full: number;
  /** Of `requests`, those answered after the last place was taken (409 full): outside p50, p99 and CPU per request. */
  afterLast: number;
  /** Anything but 201 and 409 full, socket errors and timeouts. */
  bad: number;
  codes: string;
  cpuMs?: number;
  check: string;
}

export interface BurstTarget {
  base: string;
  connections: number;
  sqliteFile?: string;
  databaseUrl?: string;
  cpu(): number | undefined;
}

function openDb(t: BurstTarget): Knex {
  return t.databaseUrl ? createDb({ databaseUrl: t.databaseUrl, poolMax: 2 }) : createDb({ sqliteFile: t.sqliteFile });
}

/** Makes the day's windows through the visit service (audited as the administrator); returns their ids. */
async function makeDay(
  db: Knex,
  offset: number,
  count: number,
  places: number,
): Promise<{ facility: number; windows: number[] }> {
  const facility = (await db('facilities').where({ name: FACILITY }).first('id', 'region_code')) as {
    id: number;
    region_code: string;
  };
  const admin = (await db('users').where({ username: 'admin' }).first('id', 'username')) as {
    id: number;
    username: string;
  };
  const date = DateTime.fromISO(todayInShanghai(), { zone }).plus({ days: offset }).toISODate()!;
  const times = Array.from({ length: count }, (_, i) => ({
    start: `${String(8 + i).padStart(2, '0')}:00`,
    end: `${String(9 + i).padStart(2, '0')}:00`,
  }));
  await generateWindows(
    db,
    { facility_id: facility.id, from: date, to: date, times, capacity: places, peak_dates: [] },
    admin,
    facility.region_code,
  );
  const rows = await db('visit_windows').where({ facility_id: facility.id, visit_date: date }).orderBy('starts_at');
  const windows = rows.map((r: { id: number }) => Number(r.id));
  if (windows.length !== count || rows.some((r: { booked: number }) => Number(r.booked) !== 0))
    throw new Error(`Qingming burst: expected ${count} empty windows on ${date}, found ${windows.length}`);
  return { facility: facility.id, windows };
}

/** The database's word on the day: every place booked, none twice, no window over its capacity. */
async function checkDay(db: Knex, windows: number[]): Promise<{ ok: boolean; text: string }> {
  const [w] = (await db('visit_windows')
    .whereIn('id', windows)
    .sum({ booked: 'booked', capacity: 'capacity' })
    .select(db.raw('SUM(CASE WHEN booked > capacity THEN 1 ELSE 0 END) AS over'))) as Record<string, unknown>[];
  const [r] = await db('visit_reservations')
    .whereIn('window_id', windows)
    .where({ status: 'booked' })
    .sum({ people: 'party_size' })
    .count({ n: '*' });
  const booked = Number(w.booked),
    capacity = Number(w.capacity),
    over = Number(w.over),
    people = Number(r.people);
  const ok = booked === capacity && over === 0 && people === booked;
  return {
    ok,
    text: `sum(booked) ${booked} ${booked === capacity ? '=' : '≠'} sum(capacity) ${capacity}, windows over capacity ${over}, people in reservations ${people}`,
  };
}

let phoneSeq = 0;
const phone = () => `138${String(phoneSeq++).padStart(8, '0')}`;

interface Day {
  windows: number[];
  places: number;
}

/**
 * 100 connections posting across the warm-up day's windows until they are full, then, on the same connections, across
 * the measured day's windows until the last place is taken. The connections are opened and in use before the clock
 * starts: Node (libuv ≥ 1.45) accepts one new connection per turn of the event loop, so 100 connections opened at
 * once against a server whose turns each wait for a commit reach it over 100 commits, and that ramp, not the
 * reservations, made the tail of the measured burst (docs/BENCHMARKS.md, "Qingming burst"). Latencies are those of
 * the measured day's requests answered until its last place was taken, from the request's making to its answer; the
 * server's CPU per request is its CPU time over the same span divided by the same requests.
 */
function burst(t: BurstTarget, warm: Day, day: Day): Promise<Omit<BurstResult, 'check'>> {
  const total = day.windows.length * day.places;
  const full = [new Set<number>(), new Set<number>()];
  const days = [warm, day];
  let phase = 0;
  let next = 0;
  let created = 0;
  let refused = 0;
  let requests = 0;
  let firstAt = 0;
  let lastAt = 0;
  let cpuAtStart: number | undefined;
  let cpuAtEnd: number | undefined;
  /** Requests answered when the last place was taken: the ones whose CPU the server's time up to then holds. */
  let requestsAtEnd = 0;
  const latencies: number[] = [];
  let ending: NodeJS.Timeout | undefined;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: t.base,
        connections: t.connections,
        duration: 180, // a ceiling: the burst stops when the day is full
        sampleInt: 100, // stop() takes effect at the next sample: 0.1 s after the last place rather than up to 1 s
        timeout: 30,
        requests: [
          {
            method: 'POST',
            setupRequest: (req: Record<string, unknown>, context: Record<string, unknown>) => {
              if (phase === 0 && full[0].size === warm.windows.length) phase = 1;
              const { windows } = days[phase];
              let w = windows[next++ % windows.length];
              for (let i = 0; full[phase].has(w) && i < windows.length; i++) w = windows[next++ % windows.length];
              context.window = w;
              context.phase = phase;
              const n = phoneSeq;
              const out = {
                ...req,
                path: `/api/v1/visit-windows/${w}/reservations`,
                headers: {
                  'content-type': 'application/json',
                  'x-forwarded-for': `10.${(n % ADDRESSES) >> 8}.${(n % ADDRESSES) & 255}.${1 + (n % 7)}`,
                },
                body: JSON.stringify({ name: '示例家属', phone: phone(), party_size: 1 }),
              };
              context.sentAt = performance.now();
              if (phase === 1 && firstAt === 0) {
                firstAt = context.sentAt as number;
                cpuAtStart = t.cpu();
              }
              return out;
            },
            onResponse: (status: number, _body: string, context: Record<string, unknown>) => {
              const p = context.phase as number;
              const now = performance.now();
              if (p === 1) {
                requests++;
                // Until the last place: the 409s answered after it (autocannon stops at its next sample) are no
                // longer the burst, and counted they made p50 and p99 look shorter than the burst's own.
                if (created < total) latencies.push(now - (context.sentAt as number));
                if (status === 201) {
                  created++;
                  lastAt = now;
                  if (created === total) {
                    cpuAtEnd = t.cpu();
                    requestsAtEnd = requests;
                    instance.stop();
                  }
                } else if (status === 409) refused++;
              }
              // Marks the window full for the rest of the burst.
              if (status !== 409) return;
              full[p].add(context.window as number);
              // Every window full: the answers still on their way get a moment to arrive, then the burst is over.
              if (p === 1 && full[1].size === day.windows.length && !ending)
                ending = setTimeout(() => instance.stop(), 2_000);
            },
          },
        ],
      } as unknown as autocannon.Options,
      (err: unknown, result: autocannon.Result) => {
        clearTimeout(ending);
        if (err) return reject(err);
        const codes = Object.entries(result.statusCodeStats ?? {})
          .map(([code, s]) => `${code}×${s.count ?? 0}`)
          .join(', ');
        const seconds = (lastAt - firstAt) / 1000;
        latencies.sort((a, b) => a - b);
        const at = (q: number) =>
          Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0);
        resolve({
          reservations: created,
          seconds,
          perSecond: created / seconds,
          p50: at(0.5),
          p99: at(0.99),
          requests,
          full: refused,
          afterLast: requests - requestsAtEnd,
          bad: requests - created - refused + result.errors + result.timeouts,
          codes: `warm-up and measured: ${codes}`,
          // The 409s answered after the last place are not in the CPU time read then, so not in the divisor either.
          cpuMs:
            cpuAtStart !== undefined && cpuAtEnd !== undefined ? (cpuAtEnd - cpuAtStart) / requestsAtEnd : undefined,
        });
      },
    );
  });
}

/**
 * The warm-up (another day, `size.windows` × `size.warmPlaces`: a second or two, as the other scenarios' 2 s, so the
 * measured burst is of code the JIT has compiled) and then the measured burst (`size.windows` × `size.places`), each
 * checked in the database.
 */
export async function qingmingBurst(t: BurstTarget, log: (s: string) => void, size: BurstSize): Promise<BurstResult> {
  const db = openDb(t);
  const total = size.windows * size.places;
  try {
    const warm = await makeDay(db, 5, size.windows, size.warmPlaces);
    const day = await makeDay(db, 6, size.windows, size.places);
    log(
      `  Qingming burst: warming up (${size.windows} × ${size.warmPlaces} places), then measuring on the same ` +
        `connections (${size.windows} × ${size.places} places, ${t.connections} connections, until full)…`,
    );
    const r = await burst(
      t,
      { windows: warm.windows, places: size.warmPlaces },
      { windows: day.windows, places: size.places },
    );
    const check = await checkDay(db, day.windows);
    log(`  Qingming burst: ${r.reservations} reservations in ${r.seconds.toFixed(2)} s; ${check.text}`);
    if (!check.ok) throw new Error(`Qingming burst: CHECK FAILED: ${check.text}`);
    // A reservation made but not answered in time (a client timeout) is in `bad`, which fails the run.
    if (r.reservations !== total)
      log(`  ✗ Qingming burst: ${r.reservations} answers 201 of ${total} places booked (${r.codes})`);
    return {
      ...r,
      check: check.text,
    };
  } finally {
    await db.destroy();
  }
}
