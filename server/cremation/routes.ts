// Cremation scheduling: a funeral home's cremators, halls and closures; the day's availability grid and bookings;
// the morning day board; the JSON availability and booking endpoints.
import type { Request, Response } from 'express';
import { assertCanWrite, canWrite } from '../accounts/access.js';
import type { Role } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { translator, type Lang } from '../i18n/index.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { flash, idParam, withForm } from '../http/forms.js';
import type { RouteDef } from '../http/routes.js';
import { renderBody, sendWithBody } from '../http/views.js';
import { parse } from '../http/validate.js';
import { todayInShanghai } from '../time.js';
import { formatMoney } from '../http/format.js';
import {
  ApiBookingInput,
  ApiDayQuery,
  BookingForm,
  BookingQuery,
  CancelInput,
  CaseParam,
  CremationRecordInput,
  DayQuery,
  RescheduleInput,
  resourceKinds,
  type ResourceKind,
} from './schemas.js';
import * as day from './day-service.js';
import * as cremation from './service.js';
import * as steps from './steps-service.js';
import { dayCaches, type KeptGrid } from './day-cache.js';
import { closureSpan } from './resource-routes.js';
import { addDays, dateOf, dayBounds, timeOf, weekdayOf } from './slots.js';

const READ: Role[] = ['admin', 'bureau', 'front_desk'];
const WRITE: Role[] = ['admin', 'front_desk'];

/** 'HH:mm–HH:mm' in Asia/Shanghai. */
const span = (b: { starts_at: string; ends_at: string }) => `${timeOf(b.starts_at)}–${timeOf(b.ends_at)}`;

function kindParam(req: Request): ResourceKind {
  const k = req.params.kind;
  if (!(resourceKinds as readonly string[]).includes(String(k))) throw new NotFoundError();
  return k as ResourceKind;
}

export { resourceRoutes } from './resource-routes.js';

/** What a booking change did to the case's charges, as a sentence for the flash ('' when nothing). */
export function chargeText(lang: Lang | undefined, charges: cremation.ChargeChange): string {
  const t = translator(lang ?? 'zh-CN');
  const part = (key: string, c?: { name_zh: string; amount_fen: number }) =>
    c ? t(`cremation.flash.${key}`, { item: c.name_zh, amount: formatMoney(c.amount_fen) }) : '';
  return `${part('charge_removed', charges.removed)}${part('charge_added', charges.added)}`;
}

export function cremationRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const grids = dayCaches(db, ctx.clock);
  const ip = (req: Request) => req.ip ?? null;

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

  async function bookingPageData(
    req: Request,
    q: { kind: ResourceKind; resource: number; starts_at: string; case?: number },
    values: object,
  ) {
    const choice = await cremation.bookingChoice(db, req.user!, {
      kind: q.kind,
      resource_id: q.resource,
      starts_at: q.starts_at,
    });
    const date = dateOf(q.starts_at);
    return {
      ...choice,
      kind: q.kind,
      starts_at: q.starts_at,
      day: date,
      when: choice.slot ? span({ starts_at: choice.slot.start, ends_at: choice.slot.end }) : timeOf(q.starts_at),
      back: `/staff/cremation?facility=${choice.facility.id}&date=${date}${q.case ? `&case=${q.case}` : ''}`,
      caseLink: q.case ? `/staff/cases/${q.case}` : undefined,
      values,
    };
  }

  async function bookingPage(req: Request, res: Response) {
    const q = parse(BookingQuery, req.query);
    res.render('cremation/book', await bookingPageData(req, q, { case_id: q.case }));
  }

  async function createBooking(req: Request, res: Response) {
    const body = req.body ?? {};
    const q = BookingQuery.safeParse({ kind: body.kind, resource: body.resource_id, starts_at: body.starts_at });
    if (!q.success) throw new ValidationError({ starts_at: { key: 'errors.slot_required' } });
    await withForm(
      res,
      'cremation/book',
      () => bookingPageData(req, q.data, body),
      async () => {
        const input = parse(BookingForm, body);
        const { booking, charges } = await cremation.book(db, req.user!, input, ip(req));
        flash(req, `cremation.flash.booked_${booking.kind}`, {
          case_number: booking.case_number,
          name: booking.deceased_name,
          resource: booking.resource_name,
          at: booking.starts_at,
          charge: chargeText(req.lang, charges),
        });
        // The case stays in hand: the grid opens for it, offering its next booking and the way back to it.
        res.redirect(
          `/staff/cremation?facility=${booking.facility_id}&date=${dateOf(booking.starts_at)}&case=${booking.case_id}`,
        );
      },
    );
  }

  async function reschedulePageData(req: Request, values: object = {}) {
    const kind = kindParam(req);
    const booking = await cremation.bookingOf(db, req.user!, kind, idParam(req));
    const q = parse(DayQuery, req.query);
    const date =
      q.date ??
      (booking.starts_at >= dayBounds(todayInShanghai()).start ? dateOf(booking.starts_at) : todayInShanghai());
    const rows = await day.freeSlots(db, req.user!, kind, booking.facility_id, date);
    const base = `/staff/cremation/bookings/${kind}/${booking.id}/reschedule`;
    return {
      kind,
      booking: { ...booking, when: span(booking), date: dateOf(booking.starts_at) },
      day: date,
      values,
      rows: rows.map((r) => ({
        resource: r.resource,
        slots: r.slots.map((s) => ({ value: `${r.resource.id}@${s.starts_at}`, label: s.label })),
      })),
      anyFree: rows.some((r) => r.slots.length > 0),
      links: { prev: `${base}?date=${addDays(date, -1)}`, next: `${base}?date=${addDays(date, 1)}`, action: base },
      back: `/staff/cremation?facility=${booking.facility_id}&date=${dateOf(booking.starts_at)}`,
    };
  }

  async function reschedulePage(req: Request, res: Response) {
    const data = await reschedulePageData(req);
    assertCanWrite(req.user!, data.booking.facility_id);
    if (data.booking.status !== 'booked') throw new NotFoundError(); // cancelled or done: nothing to change
    res.render('cremation/reschedule', data);
  }

  async function rescheduleBooking(req: Request, res: Response) {
    const kind = kindParam(req);
    await withForm(
      res,
      'cremation/reschedule',
      () => reschedulePageData(req, req.body ?? {}),
      async () => {
        const to = parse(RescheduleInput, req.body);
        const { booking, charges } = await cremation.reschedule(db, req.user!, kind, idParam(req), to, ip(req));
        flash(req, 'cremation.flash.rescheduled', {
          case_number: booking.case_number,
          name: booking.deceased_name,
          resource: booking.resource_name,
          at: booking.starts_at,
          charge: chargeText(req.lang, charges),
        });
        res.redirect(
          `/staff/cremation?facility=${booking.facility_id}&date=${dateOf(booking.starts_at)}&case=${booking.case_id}`,
        );
      },
    );
  }

  async function cancelPageData(req: Request, values: object = {}) {
    const kind = kindParam(req);
    const booking = await cremation.bookingOf(db, req.user!, kind, idParam(req));
    return {
      kind,
      booking: { ...booking, when: span(booking), date: dateOf(booking.starts_at) },
      values,
      back: `/staff/cremation?facility=${booking.facility_id}&date=${dateOf(booking.starts_at)}`,
    };
  }

  async function cancelPage(req: Request, res: Response) {
    const data = await cancelPageData(req);
    assertCanWrite(req.user!, data.booking.facility_id);
    if (data.booking.status !== 'booked') throw new NotFoundError(); // cancelled or done: nothing to change
    res.render('cremation/cancel', data);
  }

  async function cancelBooking(req: Request, res: Response) {
    const kind = kindParam(req);
    await withForm(
      res,
      'cremation/cancel',
      () => cancelPageData(req, req.body ?? {}),
      async () => {
        const { reason } = parse(CancelInput, req.body);
        const { booking, charges } = await cremation.cancel(db, req.user!, kind, idParam(req), reason, ip(req));
        flash(req, 'cremation.flash.cancelled', {
          case_number: booking.case_number,
          name: booking.deceased_name,
          resource: booking.resource_name,
          at: booking.starts_at,
          charge: chargeText(req.lang, charges),
        });
        res.redirect(
          `/staff/cremation?facility=${booking.facility_id}&date=${dateOf(booking.starts_at)}&case=${booking.case_id}`,
        );
      },
    );
  }

  // ## 记录火化: the cremation as it happened, against its booking
  async function recordPageData(req: Request, values: Record<string, unknown>) {
    const { booking, cremators } = await steps.cremationToRecord(db, req.user!, idParam(req));
    return {
      booking: { ...booking, when: span(booking), date: dateOf(booking.starts_at) },
      cremators,
      values: { cremator_id: booking.resource_id, ...values },
      // datetime-local bounds in Asia/Shanghai: from the slot's start to now.
      min: localInput(booking.starts_at),
      max: localInput(new Date().toISOString()),
      caseLink: `/staff/cases/${booking.case_id}`,
    };
  }

  async function recordPage(req: Request, res: Response) {
    const data = await recordPageData(req, {});
    if (data.booking.status !== 'booked') throw new NotFoundError(); // done or cancelled: nothing to record
    res.render('cremation/record', data);
  }

  async function recordCremation(req: Request, res: Response) {
    await withForm(
      res,
      'cremation/record',
      () => recordPageData(req, req.body ?? {}),
      async () => {
        const input = parse(CremationRecordInput, req.body ?? {});
        const booking = await steps.recordCremation(db, req.user!, idParam(req), input, ip(req));
        flash(req, 'cremation.flash.cremation_recorded', {
          case_number: booking.case_number,
          name: booking.deceased_name,
          resource: booking.actual_cremator_name ?? booking.resource_name,
          at: booking.actual_ended_at,
        });
        res.redirect(`/staff/cases/${booking.case_id}`);
      },
    );
  }

  // ## API
  async function apiAvailability(req: Request, res: Response) {
    const q = parse(ApiDayQuery, req.query);
    res.json(await day.cremationAvailability(db, req.user!, q.facility, q.date));
  }

  async function apiBook(req: Request, res: Response) {
    const input = parse(ApiBookingInput, req.body ?? {});
    try {
      const { booking, created, charges } = await cremation.book(
        db,
        req.user!,
        { kind: 'cremator', case_id: input.case_id, resource_id: input.cremator_id, starts_at: input.starts_at },
        ip(req),
      );
      res.status(created ? 201 : 200).json({
        id: booking.id,
        case_id: booking.case_id,
        cremator_id: booking.resource_id,
        starts_at: booking.starts_at,
        ends_at: booking.ends_at,
        status: booking.status,
        ...(charges.added ? { charge: { item: charges.added.name_zh, amount_fen: charges.added.amount_fen } } : {}),
      });
    } catch (err) {
      // The API calls the resource what it sent: cremator_id.
      if (err instanceof ValidationError && err.fields.resource_id) {
        const { resource_id, ...rest } = err.fields;
        throw new ValidationError({ ...rest, cremator_id: resource_id }, err.code);
      }
      throw err;
    }
  }

  return [
    { method: 'get', path: '/staff/cremation', roles: READ, handler: availabilityPage },
    { method: 'get', path: '/staff/cremation/board', roles: READ, handler: boardPage },
    { method: 'get', path: '/staff/cremation/bookings/new', roles: WRITE, handler: bookingPage },
    { method: 'post', path: '/staff/cremation/bookings', roles: WRITE, handler: createBooking },
    { method: 'get', path: '/staff/cremation/bookings/:kind/:id/reschedule', roles: WRITE, handler: reschedulePage },
    {
      method: 'post',
      path: '/staff/cremation/bookings/:kind/:id/reschedule',
      roles: WRITE,
      handler: rescheduleBooking,
    },
    { method: 'get', path: '/staff/cremation/bookings/:kind/:id/cancel', roles: WRITE, handler: cancelPage },
    { method: 'post', path: '/staff/cremation/bookings/:kind/:id/cancel', roles: WRITE, handler: cancelBooking },
    { method: 'get', path: '/staff/cremation/bookings/cremator/:id/record', roles: WRITE, handler: recordPage },
    { method: 'post', path: '/staff/cremation/bookings/cremator/:id/record', roles: WRITE, handler: recordCremation },
    { method: 'get', path: '/api/v1/cremation/availability', roles: READ, handler: apiAvailability },
    { method: 'post', path: '/api/v1/cremation/bookings', roles: WRITE, handler: apiBook },
  ];
}

/** Each cell's state as a flag of its own (`{{#if free}}`): cheaper to render than an `eq` helper call per cell. */
function flagged<G extends { rows: { cells: { state: string }[] }[] }>(grid: G): G {
  return { ...grid, rows: grid.rows.map((r) => ({ ...r, cells: r.cells.map((c) => ({ ...c, [c.state]: true })) })) };
}

/** 'YYYY-MM-DDTHH:mm' in Asia/Shanghai, for a datetime-local field. */
function localInput(iso: string): string {
  return `${dateOf(iso)}T${timeOf(iso)}`;
}

/** 2026年11月27日 / 2026-11-27, without a zone lookup (the date helper's luxon call showed in the grid's profile). */
function dayLabel(date: string, lang: string | undefined): string {
  const [y, m, d] = date.split('-').map(Number);
  return lang === 'en' ? date : `${y}年${m}月${d}日`;
}
