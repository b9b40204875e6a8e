// The cemetery's (and columbarium's) staff pages for visits: a facility's settings and its windows a fortnight at a
// time, windows made in bulk with a confirm step, a window's capacity, closing and printed list, and booking for a
// caller (代约) with a printed slip, or cancelling for one. Bureaus read the windows; only the facility changes them.
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Role } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { ValidationError } from '../http/errors.js';
import { isoDate, idOrUndefined } from '../http/fields.js';
import { flash, idParam, withForm } from '../http/forms.js';
import { noStore, type RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { CapacityInput, GenerateInput, ReservationInput, SettingsInput, VisitCode } from './schemas.js';
import * as visits from './service.js';
import * as staff from './staff-service.js';

/** Who reads a facility's windows (a bureau, its region's) and who changes them (the facility's own staff). */
export const VISIT_READ: Role[] = ['admin', 'bureau', 'county_bureau', 'cemetery_staff'];
export const VISIT_WRITE: Role[] = ['admin', 'cemetery_staff'];
export const VISIT_STYLES = ['/static/css/visits-staff.css'];

const DEFAULT_TIMES = '08:00-10:00\n10:00-12:00\n13:00-15:00\n15:00-17:00';

const askedFacility = (req: Request) => idOrUndefined(req.query.facility);
const dateOrUndefined = (v: unknown) => {
  const r = isoDate().safeParse(v);
  return r.success ? r.data : undefined;
};
const codeParam = (req: Request) => String(req.params.code ?? '');

export function visitStaffRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;

  /** The facility of the page, or the choice page when the user has still to pick one (then undefined). */
  async function facilityOrChoice(req: Request, res: Response, mode: 'read' | 'write', title: string) {
    const f = await staff.facilityFor(db, req.user!, askedFacility(req), mode);
    if (f) return f;
    const facilities = await staff.choices(db, req.user!);
    res.render('visits/staff/choose', { facilities, target: req.path, title, styles: VISIT_STYLES });
    return undefined;
  }

  const writable = (req: Request, f: staff.Facility) => {
    try {
      staff.assertMay(req.user!, f, 'write');
      return true;
    } catch {
      return false;
    }
  };

  async function indexData(req: Request, f: staff.Facility) {
    const data = await staff.fortnight(db, f, dateOrUndefined(req.query.from));
    return { facility: f, ...data, writable: writable(req, f), styles: VISIT_STYLES };
  }

  // ## A facility's settings and windows
  async function index(req: Request, res: Response) {
    const f = await facilityOrChoice(req, res, 'read', 'visits_staff.title');
    if (!f) return;
    const data = await indexData(req, f);
    res.render('visits/staff/index', { ...data, values: data.settings });
  }

  async function saveSettings(req: Request, res: Response) {
    const f = await facilityOrChoice(req, res, 'write', 'visits_staff.title');
    if (!f) return;
    await withForm(
      res,
      'visits/staff/index',
      async () => ({
        ...(await indexData(req, f)),
        values: { ...req.body, id_required: !!req.body?.id_required, has_parking: !!req.body?.has_parking },
      }),
      async () => {
        const input = parse(SettingsInput, req.body);
        await visits.saveSettings(db, { facility_id: f.id, ...input }, req.user!, f.region_code);
        flash(req, 'visits_staff.flash_settings_saved');
        res.redirect(`/staff/visits?facility=${f.id}`);
      },
    );
  }

  // ## Windows in bulk: the form, a confirm step with the numbers, then the windows made
  async function generatePage(req: Request, res: Response) {
    const f = await facilityOrChoice(req, res, 'write', 'visits_staff.generate_title');
    if (!f) return;
    const s = await visits.settings(db, f.id);
    // New windows follow on from the days that have them already.
    const from = await staff.firstDayWithout(db, f);
    const to = staff.addDays(from, staff.DAYS_PER_PAGE - 1);
    res.render('visits/staff/generate', {
      facility: f,
      settings: s,
      values: { from, to, times: DEFAULT_TIMES, peak_dates: staff.qingmingPeriod().join(' ') },
      styles: VISIT_STYLES,
    });
  }

  async function generate(req: Request, res: Response) {
    const f = await facilityOrChoice(req, res, 'write', 'visits_staff.generate_title');
    if (!f) return;
    const s = await visits.settings(db, f.id);
    await withForm(
      res,
      'visits/staff/generate',
      () => ({ facility: f, settings: s, values: req.body ?? {}, styles: VISIT_STYLES }),
      async () => {
        const input = parse(GenerateInput, { ...req.body, facility_id: f.id });
        if (req.body?.confirm !== 'yes') {
          const preview = await staff.previewGeneration(db, input);
          res.render('visits/staff/generate-confirm', { facility: f, preview, values: req.body, styles: VISIT_STYLES });
          return;
        }
        const result = await visits.generateWindows(db, input, req.user!, f.region_code);
        flash(req, 'visits_staff.flash_generated', { added: result.added, skipped: result.skipped });
        res.redirect(`/staff/visits?facility=${f.id}&from=${input.from}`);
      },
    );
  }

  // ## One window
  async function windowData(req: Request) {
    const data = await staff.windowFor(db, req.user!, idParam(req), 'write');
    return { ...data, left: Math.max(0, data.window.capacity - data.window.booked), styles: VISIT_STYLES };
  }

  async function windowPage(req: Request, res: Response) {
    const data = await windowData(req);
    res.render('visits/staff/window', { ...data, values: { capacity: data.window.capacity } });
  }

  async function changeCapacity(req: Request, res: Response) {
    const data = await windowData(req);
    await withForm(
      res,
      'visits/staff/window',
      () => ({ ...data, values: req.body ?? {} }),
      async () => {
        const { capacity } = parse(CapacityInput, req.body);
        await visits.changeCapacity(db, data.window.id, capacity, req.user!, data.facility.region_code);
        flash(req, 'visits_staff.flash_capacity', { capacity });
        res.redirect(`/staff/visits/windows/${data.window.id}`);
      },
    );
  }

  async function statusPage(req: Request, res: Response) {
    const data = await windowData(req);
    res.render('visits/staff/window-status', { ...data, to: data.window.status === 'open' ? 'closed' : 'open' });
  }

  async function setStatus(req: Request, res: Response) {
    const data = await windowData(req);
    const { status } = parse(z.object({ status: z.enum(['open', 'closed']) }), req.body);
    await visits.setWindowStatus(db, data.window.id, status, req.user!, data.facility.region_code);
    flash(req, status === 'closed' ? 'visits_staff.flash_closed' : 'visits_staff.flash_opened');
    res.redirect(`/staff/visits/windows/${data.window.id}`);
  }

  async function sheet(req: Request, res: Response) {
    const data = await windowData(req);
    const rows = await staff.windowSheet(db, data.window);
    res.render('visits/staff/sheet', { ...data, ...rows, printedAt: new Date().toISOString() });
  }

  // ## Booking for a caller (代约)
  async function bookData(req: Request, f: staff.Facility) {
    return { facility: f, ...(await staff.bookableDays(db, f)), styles: VISIT_STYLES };
  }

  async function bookIndex(req: Request, res: Response) {
    const f = await facilityOrChoice(req, res, 'write', 'visits_staff.book_title');
    if (!f) return;
    res.render('visits/staff/book', { ...(await bookData(req, f)), values: {} });
  }

  /** A reservation found by the code a caller reads out: its slip, where it can be cancelled. */
  async function lookup(req: Request, res: Response) {
    const f = await facilityOrChoice(req, res, 'write', 'visits_staff.book_title');
    if (!f) return;
    await withForm(
      res,
      'visits/staff/book',
      async () => ({ ...(await bookData(req, f)), values: req.query }),
      async () => {
        const { code } = parse(z.object({ code: VisitCode }), { code: staff.gateCode(String(req.query.code ?? '')) });
        const found = await staff.reservationFor(db, req.user!, code).catch(() => undefined);
        if (!found || found.facility.id !== f.id)
          throw new ValidationError({ code: { key: 'errors.visit_staff_code_unknown' } });
        res.redirect(`/staff/visits/reservations/${code}`);
      },
    );
  }

  async function bookForm(req: Request) {
    const data = await windowData(req);
    const state = visits.windowState(data.window, data.settings, new Date());
    return { ...data, state, opensOn: visits.bookingOpensOn(data.window, data.settings) };
  }

  async function bookPage(req: Request, res: Response) {
    res.render('visits/staff/book-form', { ...(await bookForm(req)), values: { party_size: '1' } });
  }

  async function book(req: Request, res: Response) {
    const data = await bookForm(req);
    await withForm(
      res,
      'visits/staff/book-form',
      () => ({ ...data, values: req.body ?? {} }),
      async () => {
        const input = parse(ReservationInput, req.body);
        const booked = await visits.reserve(db, data.window.id, input, {
          channel: 'staff',
          actor: req.user!,
          regionCode: data.facility.region_code,
        });
        flash(req, 'visits_staff.flash_booked', { code: booked.reservation.code });
        res.redirect(`/staff/visits/reservations/${booked.reservation.code}`);
      },
    );
  }

  // ## A reservation: its slip (凭条), and cancelling it for the caller
  async function slip(req: Request, res: Response) {
    const data = await staff.reservationFor(db, req.user!, codeParam(req));
    res.render('visits/staff/slip', {
      ...data,
      qr: await staff.qrSvg(data.reservation.code),
      phone: visits.maskPhone(data.reservation.phone),
      cancellable: data.reservation.status === 'booked' && !data.reservation.arrived_at,
      styles: VISIT_STYLES,
    });
  }

  async function cancelData(req: Request) {
    const data = await staff.reservationFor(db, req.user!, codeParam(req));
    return { ...data, phone: visits.maskPhone(data.reservation.phone), styles: VISIT_STYLES };
  }

  async function cancelPage(req: Request, res: Response) {
    res.render('visits/staff/cancel', await cancelData(req));
  }

  async function cancel(req: Request, res: Response) {
    const data = await cancelData(req);
    await withForm(
      res,
      'visits/staff/cancel',
      () => data,
      async () => {
        const r = await visits.cancel(db, data.reservation.code, {
          actor: req.user!,
          regionCode: data.facility.region_code,
        });
        flash(req, 'visits_staff.flash_cancelled', { code: r.code, people: r.party_size });
        res.redirect(`/staff/visits/reservations/${r.code}`);
      },
    );
  }

  // Names, phones and ID numbers of visitors: no copy in any cache.
  const routes: RouteDef[] = [
    { method: 'get', path: '/staff/visits', roles: VISIT_READ, handler: index },
    { method: 'post', path: '/staff/visits/settings', roles: VISIT_WRITE, handler: saveSettings },
    { method: 'get', path: '/staff/visits/generate', roles: VISIT_WRITE, handler: generatePage },
    { method: 'post', path: '/staff/visits/generate', roles: VISIT_WRITE, handler: generate },
    { method: 'get', path: '/staff/visits/windows/:id', roles: VISIT_WRITE, handler: windowPage },
    { method: 'post', path: '/staff/visits/windows/:id/capacity', roles: VISIT_WRITE, handler: changeCapacity },
    { method: 'get', path: '/staff/visits/windows/:id/status', roles: VISIT_WRITE, handler: statusPage },
    { method: 'post', path: '/staff/visits/windows/:id/status', roles: VISIT_WRITE, handler: setStatus },
    { method: 'get', path: '/staff/visits/windows/:id/reservations', roles: VISIT_WRITE, handler: sheet },
    { method: 'get', path: '/staff/visits/book', roles: VISIT_WRITE, handler: bookIndex },
    { method: 'get', path: '/staff/visits/lookup', roles: VISIT_WRITE, handler: lookup },
    { method: 'get', path: '/staff/visits/windows/:id/book', roles: VISIT_WRITE, handler: bookPage },
    { method: 'post', path: '/staff/visits/windows/:id/book', roles: VISIT_WRITE, handler: book },
    { method: 'get', path: '/staff/visits/reservations/:code', roles: VISIT_WRITE, handler: slip },
    { method: 'get', path: '/staff/visits/reservations/:code/cancel', roles: VISIT_WRITE, handler: cancelPage },
    { method: 'post', path: '/staff/visits/reservations/:code/cancel', roles: VISIT_WRITE, handler: cancel },
  ];
  return routes.map((r) => ({ ...r, before: [noStore, ...(r.before ?? [])] }));
}
