// Resting-place pages and API: the columbaria and cemeteries in the user's scope, a facility's layout and inventory,
// the range forms (with a confirm step), a wall's or section's grid, a niche's or plot's page with hold, release,
// block and unblock, and the JSON inventory and hold.
import type { Request, Response } from 'express';
import type { Role } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { ForbiddenError } from '../http/errors.js';
import { flash, idParam, withForm } from '../http/forms.js';
import { noStore, type RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { inShanghai } from '../time.js';
import { translator } from '../i18n/index.js';
import { DEFAULT_TERM_YEARS, plotTypes, shownStatuses, type PlaceKind } from './kinds.js';
import { gridRowsHtml, type StateNames } from './grid-html.js';
import { BlockInput, HoldSettingInput, SectionInput, WallRangeInput } from './schemas.js';
import { servedArea } from './eligibility-service.js';
import * as layout from './layout-service.js';
import * as resting from './service.js';

/** Cemetery and columbarium staff keep their own; the bureaus read their region's; the front desk reads none. */
const READ: Role[] = ['admin', 'bureau', 'county_bureau', 'cemetery_staff'];
const WRITE: Role[] = ['admin', 'cemetery_staff'];
const STYLES = ['/static/css/resting.css'];

/** A range form's fields as typed: the confirm page carries them back, and 修改 returns to the form with them. */
const formValues = (req: Request): Record<string, unknown> => {
  const { confirm: _confirm, edit: _edit, ...values } = (req.body ?? {}) as Record<string, unknown>;
  return values;
};

export function restingRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const ip = (req: Request) => req.ip ?? null;

  // ## Facilities
  async function index(req: Request, res: Response) {
    const facilities = await resting.restingFacilities(db, req.user!);
    if (facilities.length === 1 && req.user!.role === 'cemetery_staff')
      return res.redirect(`/staff/resting/${facilities[0].id}`);
    res.render('resting/index', { facilities, styles: STYLES });
  }

  async function facilityPage(req: Request, res: Response) {
    const data = await resting.facilityPage(db, req.user!, idParam(req));
    res.render('resting/facility', {
      ...data,
      served: await servedArea(db, data.facility),
      statuses: shownStatuses,
      styles: STYLES,
      values: { hold_hours: data.holdHours },
    });
  }

  async function saveSettings(req: Request, res: Response) {
    const id = idParam(req);
    const data = await resting.facilityPage(db, req.user!, id);
    if (!data.writable) throw new ForbiddenError();
    await withForm(
      res,
      'resting/facility',
      () => ({ ...data, statuses: shownStatuses, styles: STYLES, values: req.body ?? {} }),
      async () => {
        const input = parse(HoldSettingInput, req.body ?? {});
        await resting.saveHoldHours(db, req.user!, id, input, ip(req));
        flash(req, 'resting.flash.settings_saved', { hours: input.hold_hours });
        res.redirect(`/staff/resting/${id}`);
      },
    );
  }

  // ## Layout: a range, shown with its count, then created on confirm
  async function wallFormPage(req: Request, res: Response) {
    const data = await layout.wallForm(db, req.user!, idParam(req));
    res.render('resting/walls-form', {
      ...data,
      styles: STYLES,
      values: {
        hall: 'A',
        wall_from: '1',
        wall_to: '12',
        rows: '10',
        columns: '20',
        tier: '普通',
        term_years: String(DEFAULT_TERM_YEARS),
      },
    });
  }

  async function createWalls(req: Request, res: Response) {
    const id = idParam(req);
    const data = await layout.wallForm(db, req.user!, id);
    const values = formValues(req);
    if (req.body?.edit) return res.render('resting/walls-form', { ...data, styles: STYLES, values });
    await withForm(
      res,
      'resting/walls-form',
      () => ({ ...data, styles: STYLES, values }),
      async () => {
        const input = parse(WallRangeInput, req.body ?? {});
        if (!input.confirm) {
          await layout.checkWallRange(db, req.user!, id, input);
          res.render('resting/walls-confirm', {
            ...data,
            styles: STYLES,
            input,
            values,
            count: layout.wallRangeCount(input),
            walls: input.wall_to - input.wall_from + 1,
            first: layout.nicheCode(input.hall, input.wall_from, 1, 1),
            last: layout.nicheCode(input.hall, input.wall_to, input.rows, input.columns),
          });
          return;
        }
        const made = await layout.createWalls(db, req.user!, id, input, ip(req));
        flash(req, 'resting.flash.walls_created', { walls: made.walls, niches: made.niches });
        res.redirect(`/staff/resting/${id}`);
      },
    );
  }

  async function sectionFormPage(req: Request, res: Response) {
    const data = await layout.sectionForm(db, req.user!, idParam(req));
    res.render('resting/section-form', {
      ...data,
      styles: STYLES,
      plotTypes,
      values: { rows: '10', columns: '20', place_type: 'single', area_m2: '1', term_years: String(DEFAULT_TERM_YEARS) },
    });
  }

  async function createSection(req: Request, res: Response) {
    const id = idParam(req);
    const data = await layout.sectionForm(db, req.user!, id);
    const values = formValues(req);
    if (req.body?.edit) return res.render('resting/section-form', { ...data, styles: STYLES, plotTypes, values });
    await withForm(
      res,
      'resting/section-form',
      () => ({ ...data, styles: STYLES, plotTypes, values }),
      async () => {
        const input = parse(SectionInput, req.body ?? {});
        if (!input.confirm) {
          res.render('resting/section-confirm', {
            ...data,
            styles: STYLES,
            input,
            values,
            count: input.rows * input.columns,
            first: layout.plotCode(input.code, 1, 1),
            last: layout.plotCode(input.code, input.rows, input.columns),
          });
          return;
        }
        const made = await layout.createSection(db, req.user!, id, input, ip(req));
        flash(req, 'resting.flash.section_created', { code: input.code, plots: made.plots });
        res.redirect(`/staff/resting/${id}`);
      },
    );
  }

  // ## Grid and place
  async function gridPage(req: Request, res: Response) {
    const data = await resting.gridPage(db, req.user!, idParam(req), idParam(req, 'gid'));
    // Each state's name and letter translated once, not three times per cell (a wall has 200 cells, a section up to
    // 99 × 99), and the cells written in one pass (grid-html.ts).
    const t = translator(req.lang);
    const names = Object.fromEntries(
      shownStatuses.map((s) => [s, { state: t(`resting.state.${s}`), letter: t(`resting.letter.${s}`) }]),
    ) as StateNames;
    res.render('resting/grid', {
      ...data,
      rowsHtml: gridRowsHtml(data.rows, names),
      statuses: shownStatuses,
      styles: STYLES,
      printedAt: new Date().toISOString(),
    });
  }

  async function placePage(req: Request, res: Response) {
    const data = await resting.placePage(db, req.user!, idParam(req));
    res.render('resting/place', { ...data, styles: STYLES });
  }

  const back = (req: Request, res: Response, id: number) => res.redirect(`/staff/resting/places/${id}`);

  /** The place's page again with the refusal (409 naming until when it is held). */
  async function onPlace(req: Request, res: Response, fn: () => Promise<void>) {
    const id = idParam(req);
    await withForm(
      res,
      'resting/place',
      async () => ({ ...(await resting.placePage(db, req.user!, id)), styles: STYLES }),
      fn,
    );
  }

  async function holdPlace(req: Request, res: Response) {
    const id = idParam(req);
    await onPlace(req, res, async () => {
      const { place, until } = await resting.hold(db, req.user!, id, ip(req));
      flash(req, 'resting.flash.held', { code: place.code, until: inShanghai(until).toFormat('yyyy-MM-dd HH:mm') });
      back(req, res, id);
    });
  }

  async function releasePlace(req: Request, res: Response) {
    const id = idParam(req);
    await onPlace(req, res, async () => {
      const place = await resting.release(db, req.user!, id, ip(req));
      flash(req, 'resting.flash.released', { code: place.code });
      back(req, res, id);
    });
  }

  async function blockPage(req: Request, res: Response) {
    const data = await resting.placeOf(db, req.user!, idParam(req));
    if (!data.writable) throw new ForbiddenError();
    res.render('resting/block', { ...data, styles: STYLES, values: {} });
  }

  async function blockPlace(req: Request, res: Response) {
    const id = idParam(req);
    const data = await resting.placeOf(db, req.user!, id);
    await withForm(
      res,
      'resting/block',
      () => ({ ...data, styles: STYLES, values: req.body ?? {} }),
      async () => {
        const input = parse(BlockInput, req.body ?? {});
        const place = await resting.block(db, req.user!, id, input, ip(req));
        flash(req, 'resting.flash.blocked', { code: place.code });
        back(req, res, id);
      },
    );
  }

  async function unblockPlace(req: Request, res: Response) {
    const id = idParam(req);
    await onPlace(req, res, async () => {
      const place = await resting.unblock(db, req.user!, id, ip(req));
      flash(req, 'resting.flash.unblocked', { code: place.code });
      back(req, res, id);
    });
  }

  // ## API
  async function apiInventory(req: Request, res: Response) {
    const facility = await resting.restingFacility(db, req.user!, idParam(req));
    const inv = await resting.inventoryOf(db, facility.id);
    res.json({
      facility: { id: facility.id, name: facility.name, kind: facility.kind },
      total: inv.total,
      by_status: inv.byStatus,
      by_type: inv.byType.map((t) => ({ type: t.place_type, total: t.total, by_status: t.byStatus })),
    });
  }

  const apiHold = (kind: PlaceKind) => async (req: Request, res: Response) => {
    const { place, until } = await resting.hold(db, req.user!, idParam(req), ip(req), { kind });
    res.status(201).json({ id: place.id, code: place.code, status: 'held', hold_expires_at: until });
  };

  const routes: RouteDef[] = [
    { method: 'get', path: '/staff/resting', roles: READ, handler: index },
    { method: 'get', path: '/staff/resting/:id', roles: READ, handler: facilityPage },
    { method: 'post', path: '/staff/resting/:id/settings', roles: WRITE, handler: saveSettings },
    { method: 'get', path: '/staff/resting/:id/walls/new', roles: WRITE, handler: wallFormPage },
    { method: 'post', path: '/staff/resting/:id/walls', roles: WRITE, handler: createWalls },
    { method: 'get', path: '/staff/resting/:id/sections/new', roles: WRITE, handler: sectionFormPage },
    { method: 'post', path: '/staff/resting/:id/sections', roles: WRITE, handler: createSection },
    { method: 'get', path: '/staff/resting/:id/grid/:gid', roles: READ, handler: gridPage },
    { method: 'get', path: '/staff/resting/places/:id', roles: READ, handler: placePage },
    { method: 'post', path: '/staff/resting/places/:id/hold', roles: WRITE, handler: holdPlace },
    { method: 'post', path: '/staff/resting/places/:id/release', roles: WRITE, handler: releasePlace },
    { method: 'get', path: '/staff/resting/places/:id/block', roles: WRITE, handler: blockPage },
    { method: 'post', path: '/staff/resting/places/:id/block', roles: WRITE, handler: blockPlace },
    { method: 'post', path: '/staff/resting/places/:id/unblock', roles: WRITE, handler: unblockPlace },
    { method: 'get', path: '/api/v1/facilities/:id/inventory', roles: READ, handler: apiInventory },
    { method: 'post', path: '/api/v1/niches/:id/hold', roles: WRITE, handler: apiHold('niche') },
    { method: 'post', path: '/api/v1/plots/:id/hold', roles: WRITE, handler: apiHold('plot') },
  ];
  return routes.map((r) => ({ ...r, before: [noStore, ...(r.before ?? [])] }));
}
