// The day of a funeral home's cremators and halls, as staff see it: the availability grid (drawn once per kept
// day, day-cache.ts), the morning day board, and the JSON availability.
import type { Request, Response } from 'express';
import { canWrite } from '../accounts/access.js';
import type { Role } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { translator } from '../i18n/index.js';
import { NotFoundError } from '../http/errors.js';
import type { RouteDef } from '../http/routes.js';
import { renderBody, sendWithBody } from '../http/views.js';
import { parse } from '../http/validate.js';
import { todayInShanghai } from '../time.js';
import { ApiDayQuery, CaseParam, DayQuery, type ResourceKind } from './schemas.js';
import * as day from './day-service.js';
import * as cremation from './service.js';
import { dayCaches, type KeptGrid } from './day-cache.js';
import { closureSpan } from './resource-routes.js';
import { addDays, span, weekdayOf } from './slots.js';

const READ: Role[] = ['admin', 'bureau', 'front_desk'];

export function dayRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const grids = dayCaches(db, ctx.clock);

  // ## The day: availability grid, bookings, board
  async function dayFor(req: Request) {
    const q = parse(DayQuery, req.query);
    const facilityId = await cremation.defaultFuneralHome(db, req.user!, q.facility);
    if (!facilityId) throw new NotFoundError();
    const date = q.date ?? todayInShanghai();
    return { facilityId, date };
  }

  const dayLinks = (base: string, facilityId: number, date: string, extra = '') => ({
    prev: `${base}?facility=${facilityId}&date=${addDays(date, -1)}${extra}`,
    next: `${base}?facility=${facilityId}&date=${addDays(date, 1)}${extra}`,
    today: `${base}?facility=${facilityId}&date=${todayInShanghai()}${extra}`,
    isToday: date === todayInShanghai(),
  });

  /**
   * The grid of a day. Its body is the same for everyone allowed to see it (given the language, whether they may
   * book, and whether they pick among funeral homes), so it is drawn once per kept day (day-cache.ts) and shown in
   * each user's layout; it is drawn again when a shown slot begins or the date turns. A grid opened for a case
   * names that case and is drawn for the request.
   */
  async function availabilityPage(req: Request, res: Response) {
    const { facilityId, date } = await dayFor(req);
    const caseId = CaseParam.parse(req.query.case);
    const user = req.user!;
    const lang = req.lang ?? 'zh-CN';
    const writer = canWrite(user, facilityId);
    const rows = await day.dayRows(db, user, facilityId, date);
    const forCase = caseId ? await cremation.caseToBook(db, user, caseId, facilityId) : undefined;
    // The case in hand (from the case page, or carried on after a booking): what it holds already, what is next.
    const caseBookings = forCase
      ? (await cremation.bookingsForCase(db, forCase.id)).filter((b) => b.status === 'booked')
      : [];
    const draw = async (): Promise<KeptGrid> => {
      const view = day.dayViewOf(rows, date, new Date(grids.clock.now()));
      const homes = user.facility_id ? [] : await cremation.listFuneralHomes(db);
      const t = translator(lang);
      const dayBookings = [...view.farewells, ...view.cremations]
        .sort((a, b) => a.starts_at.localeCompare(b.starts_at))
        .map((b) => ({ ...b, when: span(b) }));
      const bytes = await renderBody(res, 'cremation/availability', {
        facility: view.facility,
        day: date,
        dayLabel: dayLabel(date, lang),
        weekday: weekdayOf(date),
        homes,
        forCase,
        caseBookings: caseBookings.map((b) => ({ ...b, when: span(b) })),
        caseNeeds: forCase && {
          cremator: !caseBookings.some((b) => b.kind === 'cremator'),
          hall: !caseBookings.some((b) => b.kind === 'hall') && forCase.status !== 'farewell_done',
        },
        dayBookings,
        grids: [
          { kind: 'cremator', grid: flagged(view.cremators) },
          { kind: 'hall', grid: flagged(view.halls) },
        ],
        closures: view.closures.map((c) => ({ ...c, when: closureSpan(c, date) })),
        // Looked up once for the grid's cells rather than by a helper call in each of them.
        words: Object.fromEntries(['book', 'free', 'closed', 'past'].map((w) => [w, t(`cremation.${w}`)])),
        canWrite: writer,
        links: dayLinks('/staff/cremation', facilityId, date, caseId ? `&case=${caseId}` : ''),
        caseParam: caseId ? `&case=${caseId}` : '',
      });
      return { rows, bytes, until: view.changesAt };
    };
    let body: KeptGrid;
    if (forCase || caseId) body = await draw();
    else {
      // Kept only while it was drawn from the very day object this request got, and until the clock changes it.
      const key = `${facilityId}|${date}|${lang}|${writer}|${!user.facility_id}`;
      const kept = await grids.grids.peek(key);
      if (kept && kept.rows === rows && grids.clock.now() < kept.until) body = kept;
      else {
        body = await draw();
        grids.grids.set(key, body);
      }
    }
    await sendWithBody(res, 'cremation/availability', body.bytes);
  }

  async function boardPage(req: Request, res: Response) {
    const { facilityId, date } = await dayFor(req);
    const view = await day.dayView(db, req.user!, facilityId, date, new Date(0));
    const now = new Date().toISOString();
    const writer = canWrite(req.user!, facilityId);
    const homes = req.user!.facility_id ? [] : await cremation.listFuneralHomes(db);
    // Cross references for the meeting: each cremation shows the case's farewell that day, and the other way round.
    const farewellOf = new Map(view.farewells.map((b) => [b.case_id, b]));
    const cremationOf = new Map(view.cremations.map((b) => [b.case_id, b]));
    const group = <T extends { id: number; name: string }>(
      resources: T[],
      kind: ResourceKind,
      items: cremation.Booking[],
      other: Map<number, cremation.Booking>,
    ) =>
      resources.map((r) => ({
        resource: r,
        closures: view.closures
          .filter((c) => c.resource_type === kind && c.resource_id === r.id)
          .map((c) => ({ ...c, when: closureSpan(c, date) })),
        items: items
          .filter((b) => b.resource_id === r.id)
          .map((b) => {
            const o = other.get(b.case_id);
            return {
              ...b,
              when: span(b),
              other: o ? { resource_name: o.resource_name, when: span(o) } : undefined,
              done: b.status === 'done',
              // The case's status beside the booking's, unless it says the same (已火化 on a done cremation).
              showStatus: !(
                b.status === 'done' && b.case_status === (kind === 'cremator' ? 'cremated' : 'farewell_done')
              ),
              actual:
                b.actual_started_at && b.actual_ended_at
                  ? span({ starts_at: b.actual_started_at, ends_at: b.actual_ended_at })
                  : undefined,
              // 记录火化 once the slot has begun, for who may write.
              canRecord: writer && kind === 'cremator' && b.status === 'booked' && b.starts_at <= now,
            };
          }),
      }));
    res.render('cremation/board', {
      facility: view.facility,
      day: date,
      dayLabel: dayLabel(date, req.lang),
      weekday: weekdayOf(date),
      homes,
      sections: [
        {
          kind: 'cremator',
          groups: group(
            view.cremators.rows.map((r) => r.resource),
            'cremator',
            view.cremations,
            farewellOf,
          ),
        },
        {
          kind: 'hall',
          groups: group(
            view.halls.rows.map((r) => r.resource),
            'hall',
            view.farewells,
            cremationOf,
          ),
        },
      ],
      counts: { cremations: view.cremations.length, farewells: view.farewells.length },
      links: dayLinks('/staff/cremation/board', facilityId, date),
      printedAt: new Date().toISOString(),
    });
  }

  async function apiAvailability(req: Request, res: Response) {
    const q = parse(ApiDayQuery, req.query);
    res.json(await day.cremationAvailability(db, req.user!, q.facility, q.date));
  }

  return [
    { method: 'get', path: '/staff/cremation', roles: READ, handler: availabilityPage },
    { method: 'get', path: '/staff/cremation/board', roles: READ, handler: boardPage },
    { method: 'get', path: '/api/v1/cremation/availability', roles: READ, handler: apiAvailability },
  ];
}

/** Each cell's state as a flag of its own (`{{#if free}}`): cheaper to render than an `eq` helper call per cell. */
function flagged<G extends { rows: { cells: { state: string }[] }[] }>(grid: G): G {
  return { ...grid, rows: grid.rows.map((r) => ({ ...r, cells: r.cells.map((c) => ({ ...c, [c.state]: true })) })) };
}

/** 2026年11月27日 / 2026-11-27, without a zone lookup (the date helper's luxon call showed in the grid's profile). */
function dayLabel(date: string, lang: string | undefined): string {
  const [y, m, d] = date.split('-').map(Number);
  return lang === 'en' ? date : `${y}年${m}月${d}日`;
}
