// The families' booking pages (祭扫预约), phone-first and without any script: facility → day → window → form →
// the ticket with its code and QR; look up and cancel by code and phone. No account and, for those who only read,
// no session. Writes and look-ups by code and phone count against the address's allowance (perAddress); a refusal
// of any kind comes back on the form it answers, in words.
import type { Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../context.js';
import { AppError, ConflictError, NotFoundError, TooManyRequestsError } from '../http/errors.js';
import { isoDate } from '../http/fields.js';
import { formatDate, formatDateTime } from '../http/format.js';
import { idParam } from '../http/forms.js';
import { perAddress } from '../http/rate-limit.js';
import { noStore, type RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import type { Lang } from '../i18n/types.js';
import { translator } from '../i18n/index.js';
import * as pub from './public-service.js';
import { CodeAndPhone, ReservationInput } from './schemas.js';
import * as visits from './service.js';

const STYLES = ['/static/css/visits-public.css'];
const V = 'visits/public';

/** The day of the path (YYYY-MM-DD); anything else is a 404. */
function dateParam(req: Request): string {
  const d = isoDate().safeParse(req.params.date);
  if (!d.success) throw new NotFoundError();
  return d.data;
}

/** What the pages show of a reservation: masked name and phone, the day and time in words. */
function details(t: pub.Ticket, lang: Lang) {
  const r = t.reservation;
  return {
    code: r.code,
    grouped: pub.groupCode(r.code),
    facility: t.facility,
    day: pub.fullDayLabel(r.visit_date, lang),
    time: pub.timeLabel(t.window),
    party_size: r.party_size,
    name: pub.maskName(r.name),
    phone: visits.maskPhone(r.phone),
    visiting: r.visiting,
    status: t.status,
    arrived_at: r.arrived_at ? formatDateTime(r.arrived_at, lang) : null,
  };
}

export function visitPublicRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;

  /**
   * The per-address limit, answered on the page rather than as an error page: over the allowance, the handler
   * finds the 429 in res.locals and shows it on its form with what was typed.
   */
  function limited(prefix: string): RequestHandler {
    const limit = perAddress(ctx, prefix);
    return (req, res, next) =>
      limit(req, res, (err?: unknown) => {
        if (err instanceof TooManyRequestsError) {
          res.locals.rateLimited = err;
          return next();
        }
        next(err as Error | undefined);
      });
  }

  /** Runs fn; a refusal (bad input, full, over a limit, code or phone wrong) re-renders `view` with its message. */
  async function onForm(
    req: Request,
    res: Response,
    view: string,
    data: () => Promise<object> | object,
    fn: () => Promise<void>,
  ): Promise<void> {
    try {
      if (res.locals.rateLimited) throw res.locals.rateLimited as TooManyRequestsError;
      await fn();
    } catch (err) {
      // A 404 of the path (no such window) stays an error page; a code or phone not found is said on the form.
      if (!(err instanceof AppError) || err.status >= 500 || err.status === 403 || err.code === 'not_found') throw err;
      if (err instanceof TooManyRequestsError) res.set('Retry-After', String(Math.ceil(err.retryAfterSeconds)));
      const params: Record<string, unknown> = { ...err.params };
      if (typeof params.date === 'string') params.date = formatDate(params.date, req.lang);
      res.status(err.status).render(view, {
        ...(await data()),
        errors: Object.keys(err.fields).length ? err.fields : undefined,
        formError: err.code,
        formErrorParams: params,
        styles: STYLES,
      });
    }
  }

  async function index(req: Request, res: Response) {
    const t = translator(req.lang);
    res.render(`${V}/index`, {
      title: t('visits_public.index_title'),
      facilities: await pub.bookingFacilities(db),
      styles: STYLES,
    });
  }

  async function facilityPage(req: Request, res: Response) {
    const facility = await pub.bookingFacility(db, idParam(req, 'facilityId'));
    const days = await pub.facilityDays(db, facility.id, req.lang);
    res.render(`${V}/facility`, {
      title: facility.name,
      facility,
      ...days,
      later: days.later.map((d) => ({ ...d, opensOn: formatDate(d.opensOn, req.lang) })),
      styles: STYLES,
    });
  }

  async function dayPage(req: Request, res: Response) {
    const facility = await pub.bookingFacility(db, idParam(req, 'facilityId'));
    const date = dateParam(req);
    const { settings, windows } = await pub.dayWindows(db, facility.id, date);
    const label = pub.fullDayLabel(date, req.lang);
    const notOpen = windows.find((w) => w.state === 'not_open');
    res.render(`${V}/day`, {
      title: `${facility.name} · ${label}`,
      facility,
      date,
      label,
      windows,
      peak: windows.some((w) => w.window.is_peak),
      opensOn: notOpen ? formatDate(visits.bookingOpensOn(notOpen.window, settings), req.lang) : undefined,
      styles: STYLES,
    });
  }

  /** The booking form's page: the window as it stands now, the facility's rules, and what was typed. */
  async function formData(req: Request, values: object) {
    const facility = await pub.bookingFacility(db, idParam(req, 'facilityId'));
    const date = dateParam(req);
    const { settings, line } = await pub.windowOf(db, facility.id, date, idParam(req, 'windowId'));
    return {
      title: `${facility.name} · ${line.time}`,
      facility,
      date,
      label: pub.fullDayLabel(date, req.lang),
      line,
      settings,
      opensOn: formatDate(visits.bookingOpensOn(line.window, settings), req.lang),
      sizes: Array.from({ length: settings.max_party_size }, (_, i) => i + 1),
      values,
      styles: STYLES,
    };
  }

  async function bookPage(req: Request, res: Response) {
    res.render(`${V}/book`, await formData(req, { party_size: '1' }));
  }

  async function book(req: Request, res: Response) {
    const data = await formData(req, req.body ?? {}); // a window not of this facility and day is a 404 first
    await onForm(
      req,
      res,
      `${V}/book`,
      () => formData(req, req.body ?? {}),
      async () => {
        const input = parse(ReservationInput, req.body);
        const booked = await visits.reserve(db, data.line.window.id, input, { channel: 'public' });
        res.redirect(303, `/visits/r/${booked.reservation.code}`);
      },
    );
  }

  /** The ticket: code in large letters, the QR while it can still be used, the day it is valid on. */
  async function ticketPage(req: Request, res: Response) {
    const t = await pub.ticket(db, String(req.params.code));
    const tr = translator(req.lang);
    const d = details(t, req.lang);
    const qr =
      t.status === 'booked'
        ? await pub.qrSvg(t.reservation.code, tr('visits_public.qr_label', { code: d.grouped }))
        : null;
    res.render(`${V}/ticket`, {
      title: tr(t.status === 'cancelled' ? 'visits_public.cancelled_title' : 'visits_public.ticket_title'),
      r: d,
      qr,
      valid: pub.fullDayLabel(t.reservation.visit_date, req.lang),
      styles: STYLES,
    });
  }

  const lookupValues = (req: Request) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 40) : '');
    return { code: text(b.code), phone: text(b.phone) };
  };

  function lookupPage(req: Request, res: Response) {
    const code = typeof req.query.code === 'string' ? req.query.code.slice(0, 40) : '';
    res.render(`${V}/lookup`, {
      title: translator(req.lang)('visits_public.lookup_title'),
      values: { code },
      styles: STYLES,
    });
  }

  const lookupData = (req: Request) => ({
    title: translator(req.lang)('visits_public.lookup_title'),
    values: lookupValues(req),
    styles: STYLES,
  });

  async function lookup(req: Request, res: Response) {
    await onForm(
      req,
      res,
      `${V}/lookup`,
      () => lookupData(req),
      async () => {
        const { code, phone } = parse(CodeAndPhone, req.body);
        const t = await pub.ticketOf(db, await visits.findByCodeAndPhone(db, code, phone));
        res.render(`${V}/found`, {
          title: translator(req.lang)('visits_public.found_title'),
          r: details(t, req.lang),
          phone,
          styles: STYLES,
        });
      },
    );
  }

  /** Without `confirm=yes` it asks first; with it, cancels once and shows the ticket, now cancelled. */
  async function cancel(req: Request, res: Response) {
    await onForm(
      req,
      res,
      `${V}/lookup`,
      () => lookupData(req),
      async () => {
        const { code, phone } = parse(CodeAndPhone, req.body);
        if ((req.body as Record<string, unknown>).confirm === 'yes') {
          await visits.cancel(db, code, { phone });
          res.redirect(303, `/visits/r/${code}`);
          return;
        }
        const t = await pub.ticketOf(db, await visits.findByCodeAndPhone(db, code, phone));
        if (t.status === 'cancelled') throw new ConflictError('visit_already_cancelled');
        if (t.status === 'arrived') throw new ConflictError('visit_cancel_arrived');
        if (t.status === 'past') throw new ConflictError('visit_cancel_past');
        res.render(`${V}/cancel`, {
          title: translator(req.lang)('visits_public.cancel_title'),
          r: details(t, req.lang),
          phone,
          styles: STYLES,
        });
      },
    );
  }

  return [
    { method: 'get', path: '/visits', roles: 'public', handler: index, before: [ctx.pageCache.fill('/visits', 1_000)] },
    { method: 'get', path: '/visits/lookup', roles: 'public', handler: lookupPage },
    {
      method: 'post',
      path: '/visits/lookup',
      roles: 'public',
      handler: lookup,
      before: [noStore, limited('visit-lookup')],
    },
    {
      method: 'post',
      path: '/visits/cancel',
      roles: 'public',
      handler: cancel,
      before: [noStore, limited('visit-cancel')],
    },
    { method: 'get', path: '/visits/r/:code', roles: 'public', handler: ticketPage, before: [noStore] },
    { method: 'get', path: '/visits/:facilityId', roles: 'public', handler: facilityPage },
    { method: 'get', path: '/visits/:facilityId/:date', roles: 'public', handler: dayPage },
    { method: 'get', path: '/visits/:facilityId/:date/:windowId', roles: 'public', handler: bookPage },
    {
      method: 'post',
      path: '/visits/:facilityId/:date/:windowId',
      roles: 'public',
      handler: book,
      before: [limited('visit-book')],
    },
  ];
}
