// The grave finder's pages: the staff search (a posted form, so that a name, an ID number or a phone never stands
// in a URL; its pages are buttons posting the same fields) and the families' 查墓 page, public, posted, rate-limited
// per address, answering one neutral message for anything but an exact match.
import type { Request, RequestHandler, Response } from 'express';
import type { Role } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { TooManyRequestsError } from '../http/errors.js';
import { withForm } from '../http/forms.js';
import { pagination } from '../http/pagination.js';
import { perAddress } from '../http/rate-limit.js';
import { noStore, type RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { translator } from '../i18n/index.js';
import { FinderQuery, GraveQuery, nameMatches } from './finder-schemas.js';
import * as finder from './finder-service.js';
import * as resting from './service.js';

/** As the resting pages: their keepers and the bureaus; the front desk reads no resting places (403). */
const READ: Role[] = ['admin', 'bureau', 'county_bureau', 'cemetery_staff'];
const STAFF_STYLES = ['/static/css/resting.css', '/static/css/finder.css'];
const PUBLIC_STYLES = ['/static/css/visits-public.css', '/static/css/graves.css'];

/** What was typed, kept for the form (bounded; never parsed as a query). */
function typed(body: unknown, fields: string[]): Record<string, string> {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(fields.map((f) => [f, typeof b[f] === 'string' ? b[f].slice(0, 60) : '']));
}

const STAFF_FIELDS = ['deceased', 'match', 'id_number', 'holder', 'phone', 'code', 'facility_id'];

export function finderRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;

  // ## Staff search
  async function formData(req: Request, values: Record<string, string>) {
    return {
      facilities: await resting.restingFacilities(db, req.user!),
      matches: nameMatches,
      values,
      styles: STAFF_STYLES,
    };
  }

  async function searchPage(req: Request, res: Response) {
    res.render('resting/finder', await formData(req, { match: 'prefix' }));
  }

  async function search(req: Request, res: Response) {
    const values = typed(req.body, STAFF_FIELDS);
    const data = await formData(req, values);
    await withForm(
      res,
      'resting/finder',
      () => data,
      async () => {
        const q = parse(FinderQuery, req.body ?? {});
        const { rows, total, page } = await finder.search(db, req.user!, q);
        const pager = { ...pagination(req, page, finder.PER_PAGE, total), prev: undefined, next: undefined };
        res.render('resting/finder', {
          ...data,
          searched: true,
          rows,
          pager,
          pages: { prev: page > 1 ? page - 1 : undefined, next: page < pager.pages ? page + 1 : undefined },
        });
      },
    );
  }

  // ## The families' page
  /** Over the allowance the form says so (429) with what was typed, rather than an error page. */
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

  const publicData = (req: Request, values: Record<string, string>) => ({
    title: translator(req.lang)('graves.title'),
    values,
    styles: PUBLIC_STYLES,
  });

  function gravesPage(req: Request, res: Response) {
    res.render('resting/graves', publicData(req, {}));
  }

  async function findGraves(req: Request, res: Response) {
    const values = typed(req.body, ['deceased', 'phone']);
    await withForm(
      res,
      'resting/graves',
      () => publicData(req, values),
      async () => {
        if (res.locals.rateLimited) throw res.locals.rateLimited as TooManyRequestsError;
        const q = parse(GraveQuery, req.body ?? {});
        const graves = await finder.findGraves(db, q);
        // Not found, a wrong phone, a removed placement: the same page, the same status, the same words.
        if (graves.length === 0) return res.render('resting/graves', { ...publicData(req, values), notFound: true });
        res.render('resting/graves-found', {
          title: translator(req.lang)('graves.found_title'),
          name: q.deceased,
          graves,
          styles: PUBLIC_STYLES,
        });
      },
    );
  }

  const staff: RouteDef[] = [
    { method: 'get', path: '/staff/resting/search', roles: READ, handler: searchPage },
    { method: 'post', path: '/staff/resting/search', roles: READ, handler: search },
  ];
  return [
    ...staff.map((r) => ({ ...r, before: [noStore] })),
    { method: 'get', path: '/graves', roles: 'public', handler: gravesPage },
    {
      method: 'post',
      path: '/graves',
      roles: 'public',
      handler: findGraves,
      before: [noStore, limited('grave-find')],
    },
  ];
}
