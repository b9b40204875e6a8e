// At the gate: staff type (or scan) a visitor's code and see at once whether to let them in, and a day's summary per
// window of who was booked, who came and who did not.
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { AppError } from '../http/errors.js';
import { isoDate, idOrUndefined } from '../http/fields.js';
import { formatDate } from '../http/format.js';
import { noStore, type RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { todayInShanghai } from '../time.js';
import { VisitCode } from './schemas.js';
import * as staff from './staff-service.js';
import { VISIT_READ, VISIT_STYLES, VISIT_WRITE } from './staff-routes.js';

const GATE_STYLES = [...VISIT_STYLES];

export function visitGateRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;

  async function facilityOrChoice(req: Request, res: Response, mode: 'read' | 'write', title: string) {
    const f = await staff.facilityFor(db, req.user!, idOrUndefined(req.query.facility), mode);
    if (f) return f;
    const facilities = await staff.choices(db, req.user!);
    res.render('visits/staff/choose', { facilities, target: req.path, title, styles: VISIT_STYLES });
    return undefined;
  }

  async function gatePage(req: Request, res: Response) {
    const f = await facilityOrChoice(req, res, 'write', 'visits_staff.gate_title');
    if (!f) return;
    res.render('visits/staff/gate', { facility: f, today: todayInShanghai(), styles: GATE_STYLES });
  }

  /** The answer at the gate: admitted with the party's size, or the refusal in words, with its status. */
  async function checkIn(req: Request, res: Response) {
    const f = await facilityOrChoice(req, res, 'write', 'visits_staff.gate_title');
    if (!f) return;
    const typed = String(req.body?.code ?? '');
    const page = { facility: f, today: todayInShanghai(), typed, styles: GATE_STYLES };
    try {
      const { code } = parse(z.object({ code: VisitCode }), { code: staff.gateCode(typed) });
      const { reservation, window } = await staff.checkIn(db, f, code, req.user!);
      res.render('visits/staff/gate', {
        ...page,
        admitted: { reservation, window, name: maskName(reservation.name) },
      });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      // Another day's date the way the page writes dates (2026年12月5日), not as the ISO the service gives.
      const params =
        err.code === 'visit_other_day'
          ? { ...err.params, date: formatDate(String(err.params.date), res.locals.lang) }
          : err.params;
      const reason = err.status === 400 ? { key: 'errors.visit_code_invalid' } : { key: `errors.${err.code}`, params };
      res.status(err.status).render('visits/staff/gate', { ...page, refused: reason });
    }
  }

  async function day(req: Request, res: Response) {
    const f = await facilityOrChoice(req, res, 'read', 'visits_staff.day_title');
    if (!f) return;
    const parsed = isoDate().safeParse(req.query.date);
    const date = parsed.success ? parsed.data : todayInShanghai();
    const data = await staff.day(db, f, date);
    res.render('visits/staff/day', {
      facility: f,
      date,
      ...data,
      prev: staff.addDays(date, -1),
      next: staff.addDays(date, 1),
      printedAt: new Date().toISOString(),
      styles: VISIT_STYLES,
    });
  }

  const routes: RouteDef[] = [
    { method: 'get', path: '/staff/visits/gate', roles: VISIT_WRITE, handler: gatePage },
    { method: 'post', path: '/staff/visits/gate', roles: VISIT_WRITE, handler: checkIn },
    { method: 'get', path: '/staff/visits/day', roles: VISIT_READ, handler: day },
  ];
  return routes.map((r) => ({ ...r, before: [noStore, ...(r.before ?? [])] }));
}

/** 王*兰, 李*: a visitor's name at the gate, read by whoever stands near. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return name;
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}
