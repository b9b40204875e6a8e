// Price lists: staff pages per funeral home, the public 价格公示 pages for families, and the public JSON.
import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import { assertCanRead } from '../accounts/access.js';
import { facilityScope } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import type { Facility } from '../facilities/kinds.js';
import { facilityChoices, findFacility } from '../facilities/service.js';
import { ForbiddenError, NotFoundError } from '../http/errors.js';
import { todayInShanghai } from '../time.js';
import { flash, idParam, withForm } from '../http/forms.js';
import type { RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { basicKinds, DateQuery, EndInput, fenToYuan, PriceItemInput, priceUnits } from './schemas.js';
import * as prices from './service.js';
import type { PriceItem } from './service.js';

const READERS = ['admin', 'bureau', 'front_desk'] as const;
// Which items each may change is the service's rule: basic services the bureau and admin, optional ones the home.
const WRITERS = ['admin', 'bureau', 'front_desk'] as const;

const formOptions = { basicKinds, units: priceUnits };

/** The public API shape of an item. */
const apiItem = (i: PriceItem) => ({ id: i.id, ...prices.fieldsOf(i) });

const byCategory = (items: PriceItem[]) => ({
  basic: items.filter((i) => i.category === 'basic'),
  optional: items.filter((i) => i.category === 'optional'),
});

/** A form shows the price back in yuan; what was typed (on an error) is kept as typed. */
const itemValues = (i: PriceItem) => ({
  ...i,
  basic_kind: i.basic_kind ?? '',
  valid_to: i.valid_to ?? '',
  price: fenToYuan(i.price_fen),
});

export function priceRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const ip = (req: Request) => req.ip ?? null;

  /** The funeral home of the path; anything else, or another home for its staff, is a 404. */
  async function loadHome(req: Request, param = 'id'): Promise<Facility> {
    const home = await findFacility(db, idParam(req, param));
    if (!home || home.kind !== 'funeral_home') throw new NotFoundError();
    assertCanRead(req.user!, home.id);
    return home;
  }

  /** The categories offered on the form: those the user may change at this home; none is a 403. */
  function categoriesFor(req: Request, home: Facility) {
    const categories = prices.changeableCategories(req.user!, home.id);
    if (!categories.length) throw new ForbiddenError();
    return { categories, ...formOptions };
  }

  async function loadItem(req: Request, home: Facility): Promise<PriceItem> {
    const item = await prices.findPriceItem(db, idParam(req, 'itemId'));
    if (!item || item.facility_id !== home.id) throw new NotFoundError();
    return item;
  }

  const listPath = (home: Facility) => `/staff/funeral-homes/${home.id}/prices`;

  // ## Funeral homes (staff): where the price lists, and later other per-home pages, are reached from
  async function homesPage(req: Request, res: Response) {
    const today = todayInShanghai();
    const homes = await facilityChoices(db, { kind: 'funeral_home', id: facilityScope(req.user!) });
    const counts = await prices.countsOn(db, today);
    res.render('prices/homes', { rows: homes.map((h) => ({ ...h, current: counts.get(h.id) ?? 0 })) });
  }

  // ## One home's price list (staff)
  async function listPage(req: Request, res: Response) {
    const home = await loadHome(req);
    const today = todayInShanghai();
    const q = DateQuery.safeParse(req.query);
    const date = (q.success && q.data.date) || today;
    const all = await prices.allPriceItems(db, home.id);
    const phase = (p: string) => all.filter((i) => prices.phaseOn(i, date) === p);
    const section = (p: string) => {
      const items = phase(p);
      return { count: items.length, ...byCategory(items) };
    };
    res.render('prices/list', {
      home,
      onDate: date,
      isToday: date === today,
      // Edit buttons only where the user may change the item: basic services for the bureau and admin.
      editable: Object.fromEntries(prices.changeableCategories(req.user!, home.id).map((c) => [c, true])),
      writable: prices.changeableCategories(req.user!, home.id).length > 0,
      published: home.status === 'operating',
      current: section('current'),
      future: section('future'),
      past: section('past'),
    });
  }

  async function newPage(req: Request, res: Response) {
    const home = await loadHome(req);
    const options = categoriesFor(req, home);
    res.render('prices/form', {
      home,
      values: { category: options.categories[0], unit: 'time', valid_from: todayInShanghai() },
      writable: true,
      ...options,
    });
  }

  async function create(req: Request, res: Response) {
    const home = await loadHome(req);
    const options = categoriesFor(req, home);
    await withForm(
      res,
      'prices/form',
      () => ({ home, values: req.body, writable: true, ...options }),
      async () => {
        const input = parse(PriceItemInput, req.body);
        await prices.createItem(db, req.user!, home.id, input, ip(req));
        flash(req, 'flash.price_created', { name: input.name_zh });
        res.redirect(listPath(home));
      },
    );
  }

  /** The edit form for those who may change the list, the same fields read-only for the bureau. */
  async function itemPage(req: Request, res: Response) {
    const home = await loadHome(req);
    const item = await loadItem(req, home);
    res.render('prices/form', {
      home,
      item,
      values: itemValues(item),
      writable: prices.mayChange(req.user!, home.id, item.category),
      phase: prices.phaseOn(item, todayInShanghai()),
      categories: prices.changeableCategories(req.user!, home.id),
      ...formOptions,
    });
  }

  async function update(req: Request, res: Response) {
    const home = await loadHome(req);
    const item = await loadItem(req, home);
    if (!prices.mayChange(req.user!, home.id, item.category)) throw new ForbiddenError();
    const options = categoriesFor(req, home);
    await withForm(
      res,
      'prices/form',
      () => ({ home, item, values: req.body, writable: true, ...options }),
      async () => {
        const input = parse(PriceItemInput, req.body);
        await prices.updateItem(db, req.user!, home.id, item.id, input, ip(req));
        flash(req, 'flash.price_updated', { name: input.name_zh });
        res.redirect(listPath(home));
      },
    );
  }

  // ## 停用自某日 (confirm, then end)
  async function endPage(req: Request, res: Response) {
    const home = await loadHome(req);
    const item = await loadItem(req, home);
    if (!prices.mayChange(req.user!, home.id, item.category)) throw new ForbiddenError();
    const tomorrow = DateTime.fromISO(todayInShanghai()).plus({ days: 1 }).toISODate();
    res.render('prices/end', { home, item, values: { stop_from: tomorrow } });
  }

  async function end(req: Request, res: Response) {
    const home = await loadHome(req);
    const item = await loadItem(req, home);
    await withForm(
      res,
      'prices/end',
      () => ({ home, item, values: req.body }),
      async () => {
        const input = parse(EndInput, req.body);
        await prices.endItem(db, req.user!, home.id, item.id, input.stop_from, ip(req));
        flash(req, 'flash.price_ended', { name: item.name_zh, date: input.stop_from });
        res.redirect(listPath(home));
      },
    );
  }

  // ## Public 价格公示: families read it without an account
  /** Only operating funeral homes publish a price list. */
  async function publicHome(id: number): Promise<Facility> {
    const home = await findFacility(db, id);
    if (!home || home.kind !== 'funeral_home' || home.status !== 'operating') throw new NotFoundError();
    return home;
  }

  async function publicIndex(_req: Request, res: Response) {
    const today = todayInShanghai();
    const homes = await facilityChoices(db, { kind: 'funeral_home', status: 'operating' });
    const counts = await prices.countsOn(db, today);
    res.render('prices/public-index', { homes: homes.map((h) => ({ ...h, items: counts.get(h.id) ?? 0 })), today });
  }

  async function publicPage(req: Request, res: Response) {
    const home = await publicHome(idParam(req, 'facilityId'));
    // The micro-cache keys by exact path, so each home's page is registered once its id is known to be real.
    if (req.path === `/prices/${home.id}`) ctx.pageCache.fill(req.path, 1_000)(req, res, () => {});
    const today = todayInShanghai();
    const [items, others] = await Promise.all([
      prices.priceItemsOn(db, home.id, today),
      facilityChoices(db, { kind: 'funeral_home', status: 'operating' }),
    ]);
    res.render('prices/public', {
      home,
      today,
      title: home.name,
      ...byCategory(items),
      others: others.filter((h) => h.id !== home.id),
    });
  }

  async function apiList(req: Request, res: Response) {
    const home = await publicHome(idParam(req));
    const q = parse(DateQuery, req.query);
    const items = await prices.priceItemsOn(db, home.id, q.date ?? todayInShanghai());
    res.json(items.map(apiItem));
  }

  return [
    {
      method: 'get',
      path: '/prices',
      roles: 'public',
      handler: publicIndex,
      before: [ctx.pageCache.fill('/prices', 1_000)],
    },
    { method: 'get', path: '/prices/:facilityId', roles: 'public', handler: publicPage },
    { method: 'get', path: '/api/v1/facilities/:id/prices', roles: 'public', handler: apiList },
    { method: 'get', path: '/staff/funeral-homes', roles: READERS, handler: homesPage },
    { method: 'get', path: '/staff/funeral-homes/:id/prices', roles: READERS, handler: listPage },
    { method: 'get', path: '/staff/funeral-homes/:id/prices/new', roles: WRITERS, handler: newPage },
    { method: 'post', path: '/staff/funeral-homes/:id/prices', roles: WRITERS, handler: create },
    { method: 'get', path: '/staff/funeral-homes/:id/prices/:itemId', roles: READERS, handler: itemPage },
    { method: 'post', path: '/staff/funeral-homes/:id/prices/:itemId', roles: WRITERS, handler: update },
    { method: 'get', path: '/staff/funeral-homes/:id/prices/:itemId/end', roles: WRITERS, handler: endPage },
    { method: 'post', path: '/staff/funeral-homes/:id/prices/:itemId/end', roles: WRITERS, handler: end },
  ];
}
