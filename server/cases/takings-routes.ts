// Daily takings (日收款报表) of a funeral home: a printable page for a day (today in Shanghai unless asked), and the
// same figures as CSV and XLSX. The front desk sees its own home; admin and the bureau pick one.
import type { Request, Response } from 'express';
import { z } from 'zod';
import { facilityScope } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { facilityChoices } from '../facilities/service.js';
import { isoDate, optionalId } from '../http/fields.js';
import { noStore, type RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { todayInShanghai } from '../time.js';
import { dailyTakings, takingsCsv, takingsXlsx, type Takings } from './takings-service.js';

const READERS = ['admin', 'bureau', 'front_desk'] as const;
const TakingsQuery = z.object({
  facility: optionalId.catch(undefined),
  date: isoDate().optional().catch(undefined),
});

export function takingsRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;

  /** The home asked for (a front desk always its own) and the day; no home yet for admin or bureau is `undefined`. */
  async function report(req: Request): Promise<{ facility?: number; date: string; d?: Takings }> {
    const q = parse(TakingsQuery, req.query);
    const facility = facilityScope(req.user!) ?? q.facility;
    const date = q.date ?? todayInShanghai();
    if (facility === undefined) return { date };
    return { facility, date, d: await dailyTakings(db, req.user!, facility, date) };
  }

  async function page(req: Request, res: Response) {
    const { facility, date, d } = await report(req);
    const scoped = facilityScope(req.user!) !== undefined;
    res.render('cases/takings', {
      facility,
      day: date,
      d,
      homes: scoped ? [] : await facilityChoices(db, { kind: 'funeral_home' }),
      scoped,
      query: d ? `facility=${d.facility.id}&date=${d.date}` : '',
    });
  }

  const fileName = (d: Takings, ext: string) => `takings-${d.facility.id}-${d.date}.${ext}`;

  async function csv(req: Request, res: Response) {
    const { d } = await report(req);
    if (!d) return res.redirect(303, '/staff/takings');
    res.type('text/csv; charset=utf-8').attachment(fileName(d, 'csv')).send(takingsCsv(d, req.lang));
  }

  async function xlsx(req: Request, res: Response) {
    const { d } = await report(req);
    if (!d) return res.redirect(303, '/staff/takings');
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .attachment(fileName(d, 'xlsx'))
      .send(await takingsXlsx(d, req.lang));
  }

  // Payers' names and the deceased's: no copy in any cache.
  const routes: RouteDef[] = [
    { method: 'get', path: '/staff/takings', roles: READERS, handler: page },
    { method: 'get', path: '/staff/takings.csv', roles: READERS, handler: csv },
    { method: 'get', path: '/staff/takings.xlsx', roles: READERS, handler: xlsx },
  ];
  return routes.map((r) => ({ ...r, before: [noStore, ...(r.before ?? [])] }));
}
