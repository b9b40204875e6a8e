// Cremation scheduling: booking, rescheduling and cancelling a cremator's or hall's slot, recording the cremation,
// and the JSON booking endpoint. The day's grid, board and availability are in day-routes.ts, the cremators, halls
// and closures in resource-routes.ts.
import type { Request, Response } from 'express';
import { assertCanWrite } from '../accounts/access.js';
import type { Role } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { translator, type Lang } from '../i18n/index.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { flash, idParam, withForm } from '../http/forms.js';
import type { RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { todayInShanghai } from '../time.js';
import { formatMoney } from '../http/format.js';
import {
  ApiBookingInput,
  BookingForm,
  BookingQuery,
  CancelInput,
  CremationRecordInput,
  DayQuery,
  RescheduleInput,
  resourceKinds,
  type ResourceKind,
} from './schemas.js';
import * as day from './day-service.js';
import * as cremation from './service.js';
import * as steps from './steps-service.js';
import { addDays, dateOf, dayBounds, span, timeOf } from './slots.js';
import { dayRoutes } from './day-routes.js';

const WRITE: Role[] = ['admin', 'front_desk'];

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
  const ip = (req: Request) => req.ip ?? null;

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
    ...dayRoutes(ctx),
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
    { method: 'post', path: '/api/v1/cremation/bookings', roles: WRITE, handler: apiBook },
  ];
}

/** 'YYYY-MM-DDTHH:mm' in Asia/Shanghai, for a datetime-local field. */
function localInput(iso: string): string {
  return `${dateOf(iso)}T${timeOf(iso)}`;
}
