// Facility registry: the staff list, the bureau's forms (new, edit, status changes, delete), CSV export and import,
// and the public JSON listing.
import type { Request, Response } from 'express';
import { z } from 'zod';
import { assertCanRead } from '../accounts/access.js';
import { everyone, facilityScope, regionScope, type Role } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { ConflictError, NotFoundError, ValidationError, type FieldErrors } from '../http/errors.js';
import { todayInShanghai } from '../time.js';
import { flash, idParam, withForm } from '../http/forms.js';
import { pagination } from '../http/pagination.js';
import type { RouteDef } from '../http/routes.js';
import { optionalText } from '../http/fields.js';
import { fieldErrors, parse } from '../http/validate.js';
import { translator } from '../i18n/index.js';
import { shortName } from '../regions/levels.js';
import { buildPicker, pickedCode, pickerFromQuery } from '../regions/picker.js';
import * as regions from '../regions/service.js';
import { applyImport, csvColumns, exportCsv, ImportRejected, MAX_ROWS, planImport, type ImportPlan } from './csv.js';
import { buildModes, facilityKinds, facilityStatuses, type Facility } from './kinds.js';
import { FacilityInput, fenToYuan, ListQuery, shapeOf, splitCodes, StatusInput } from './schemas.js';
import * as registry from './service.js';

const ApiQuery = z.object({
  kind: z.enum(facilityKinds).optional(),
  region: z
    .string()
    .regex(/^\d{2}(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?$/, { error: 'errors.region_code_format' })
    .optional(),
  status: z.enum(facilityStatuses).optional(),
});

/** Why a change that alters a closed year's submitted figures is made anyway (年度报送; asked for only then). */
const ClosedYearReason = z.object({ closed_year_reason: optionalText(500) });
const closedYearReason = (body: unknown): string | undefined => parse(ClosedYearReason, body).closed_year_reason;

const PER_PAGE = 30;
const READERS: readonly Role[] = everyone;
/** The registry is the bureau's: it (a county bureau its county's, a city bureau tied to a city that city's) and the administrator keep it. */
const KEEPERS: readonly Role[] = ['admin', 'bureau', 'county_bureau'];
const canKeep = (req: Request) => KEEPERS.includes(req.user!.role);

type Values = Record<string, unknown> & { region: string; areas: string[] };

/** A region filter inside the user's region: the one picked when it lies inside, else the user's region itself. */
const within = (scope: string | undefined, picked: string): string | undefined =>
  picked && (scope === undefined || picked.startsWith(scope)) ? picked : scope;

const asList = (v: unknown): string[] =>
  Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? [v] : [];

/** The submitted form: the picked region, and the service area from the ticked boxes plus the typed codes. */
function formValues(body: Record<string, unknown>): Values {
  const areas = [...asList(body.areas), ...splitCodes(typeof body.area_codes === 'string' ? body.area_codes : '')];
  return { ...body, region: pickedCode(body, 'region'), areas: [...new Set(areas)] };
}

/** A facility as its edit form shows it. */
function valuesOf(f: Facility, areas: string[]): Values {
  const text = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));
  return {
    name: f.name,
    kind: f.kind,
    region: f.region_code,
    address: f.address ?? '',
    phone: f.phone ?? '',
    lng: text(f.lng),
    lat: text(f.lat),
    niche_capacity: text(f.niche_capacity),
    plot_capacity: text(f.plot_capacity),
    investment: f.investment_fen === null || f.investment_fen === undefined ? '' : fenToYuan(f.investment_fen),
    build_mode: f.build_mode ?? '',
    areas,
    note: f.note ?? '',
    version: f.updated_at,
  };
}

// The form's fields in page order, so that the summary at the top lists problems as the clerk meets them.
const fieldOrder = [
  'name',
  'kind',
  'region',
  'address',
  'phone',
  'lng',
  'lat',
  'niche_capacity',
  'plot_capacity',
  'investment',
  'build_mode',
  'areas',
  'status',
  'effective_on',
  'status_note',
  'note',
];
const inPageOrder = (errors: FieldErrors): FieldErrors =>
  Object.fromEntries(
    Object.entries(errors).sort(([a], [b]) => (fieldOrder.indexOf(a) >>> 0) - (fieldOrder.indexOf(b) >>> 0)),
  );

export function facilityRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const ip = (req: Request) => req.ip ?? null;

  /**
   * Parses the facility and, on creation, its first status. When a field fails its own check, the rules across
   * fields still run on what can be read, so every message shows at once.
   */
  async function parseForm(
    values: Values,
    withStatus: boolean,
  ): Promise<{ input: FacilityInput; status?: StatusInput }> {
    const f = FacilityInput.safeParse(values);
    const s = withStatus ? StatusInput.safeParse(values) : undefined;
    const errors = { ...(f.success ? {} : fieldErrors(f.error)), ...(s && !s.success ? fieldErrors(s.error) : {}) };
    if (Object.keys(errors).length) {
      const across = await registry.shapeProblems(db, shapeOf(values));
      throw new ValidationError(inPageOrder({ ...across, ...errors }));
    }
    return { input: f.data!, status: s?.data };
  }

  async function load(req: Request): Promise<Facility> {
    const f = await registry.findFacility(db, idParam(req));
    if (!f) throw new NotFoundError();
    // A facility outside a region-scoped bureau's region answers as a missing one.
    assertCanRead(req.user!, f);
    return f;
  }

  // ## Public JSON
  async function apiList(req: Request, res: Response) {
    const q = parse(ApiQuery, req.query);
    const rows = await registry.facilityChoices(db, q);
    res.json(rows.map((f) => ({ id: f.id, name: f.name, kind: f.kind, status: f.status, region_code: f.region_code })));
  }

  // ## List
  async function listPage(req: Request, res: Response) {
    const q = parse(ListQuery, req.query);
    const scope = regionScope(req.user!);
    const picker = await pickerFromQuery(db, req.query, 'region', 'township', scope);
    // Front desk and cemetery staff work for one facility and see only it; a county bureau its county's.
    const id = facilityScope(req.user!);
    const region = within(scope, picker.value);
    const filter = { kind: q.kind, status: q.status, id, region, q: q.q || undefined };
    const { rows, total, latest } = await registry.facilityPage(db, { ...filter, page: q.page, perPage: PER_PAGE });
    // The export link carries the filters the clerk chose (not the fixed province and city of the picker).
    const exportQuery = new URLSearchParams(
      Object.entries({
        kind: q.kind,
        status: q.status,
        region: pickedCode(req.query, 'region') || undefined,
        q: filter.q,
      }).filter((e): e is [string, string] => typeof e[1] === 'string'),
    ).toString();
    res.render('facilities/list', {
      rows: rows.map((r) => ({ ...r, status_date: latest.get(r.id)?.effective_on })),
      query: q,
      picker,
      scoped: id !== undefined,
      total,
      keeper: canKeep(req),
      exportHref: `/staff/facilities/export.csv${exportQuery ? `?${exportQuery}` : ''}`,
      kinds: facilityKinds,
      statuses: facilityStatuses,
      pager: pagination(req, q.page, PER_PAGE, total),
      styles: ['/static/css/facilities.css'],
    });
  }

  // ## The form (new and edit)
  async function formData(req: Request, values: Values, facility?: Facility) {
    const scope = regionScope(req.user!);
    const township = values.region.length >= 9 ? values.region.slice(0, 9) : '';
    const [picker, areaPicker, villages, named] = await Promise.all([
      buildPicker(db, 'region', values.region, 'village', scope),
      buildPicker(db, 'area_pick', '', 'village', scope),
      township ? registry.villagesOf(db, township) : Promise.resolve([]),
      registry.regionsByCode(db, [township, ...values.areas].filter(Boolean)),
    ]);
    const chosen = new Set(values.areas);
    const shown = new Set([township, ...villages.map((v) => v.code)]);
    const other = values.areas.filter((c) => !shown.has(c));
    return {
      facility,
      values,
      picker,
      areaPicker,
      kinds: facilityKinds,
      statuses: facilityStatuses,
      buildModes,
      township: township
        ? { code: township, name: named.get(township)?.name ?? township, checked: chosen.has(township) }
        : undefined,
      villages: villages.map((v) => ({
        code: v.code,
        name: shortName(v.name),
        community: v.is_admin_village === false,
        checked: chosen.has(v.code),
      })),
      otherAreas: other.map((c) => ({ code: c, name: named.get(c)?.name })),
      areaCodes: other.join(' '),
      styles: ['/static/vendor/leaflet/leaflet.css', '/static/css/facilities.css'],
      tiles: ctx.config.mapTiles,
      title: facility ? facility.name : undefined,
    };
  }

  /** The region pickers without JavaScript, and adding a picked area, redraw the form without saving. */
  function redraw(body: Record<string, unknown>, values: Values): boolean {
    if (body._add_area) {
      const picked = pickedCode(body, 'area_pick');
      if (picked.length === 9 || picked.length === 12) values.areas = [...new Set([...values.areas, picked])];
      return true;
    }
    return Boolean(body._refresh);
  }

  async function newPage(req: Request, res: Response) {
    const values: Values = { region: '', areas: [], status: 'operating', effective_on: todayInShanghai() };
    res.render('facilities/form', await formData(req, values));
  }

  async function create(req: Request, res: Response) {
    const body = req.body as Record<string, unknown>;
    const values = formValues(body);
    if (redraw(body, values)) return res.render('facilities/form', await formData(req, values));
    await withForm(
      res,
      'facilities/form',
      () => formData(req, values),
      async () => {
        const { input, status } = await parseForm(values, true);
        const id = await registry.createFacility(
          db,
          req.user!,
          { input, status: status! },
          ip(req),
          closedYearReason(body),
        );
        flash(req, 'flash.facility_created', { name: input.name });
        res.redirect(`/staff/facilities/${id}`);
      },
    );
  }

  async function editPage(req: Request, res: Response) {
    const f = await load(req);
    const areas = await registry.serviceAreaOf(db, f.id);
    res.render('facilities/form', await formData(req, valuesOf(f, areas), f));
  }

  async function update(req: Request, res: Response) {
    const f = await load(req);
    const body = req.body as Record<string, unknown>;
    const values = formValues(body);
    if (redraw(body, values)) return res.render('facilities/form', await formData(req, values, f));
    await withForm(
      res,
      'facilities/form',
      () => formData(req, values, f),
      async () => {
        const { input } = await parseForm(values, false);
        const version = typeof body.version === 'string' && body.version !== '' ? body.version : undefined;
        await registry.updateFacility(db, req.user!, f.id, input, version, ip(req), closedYearReason(body));
        flash(req, 'flash.facility_updated', { name: input.name });
        res.redirect(`/staff/facilities/${f.id}`);
      },
    );
  }

  // ## The facility page: fields, what it serves, status history
  async function showData(req: Request, f: Facility, statusValues: Record<string, unknown>) {
    const today = todayInShanghai();
    const [areas, history, path] = await Promise.all([
      registry.serviceAreaOf(db, f.id),
      registry.statusHistory(db, f.id),
      regions.regionTrail(db, f.region_code),
    ]);
    const service = await registry.describeService(db, f, areas);
    const current = registry.statusOn(history, today);
    const inForce = history.filter((h) => h.effective_on <= today).pop();
    return {
      f,
      service,
      today,
      current,
      ahead: history.filter((h) => h.effective_on > today),
      keeper: canKeep(req),
      statuses: facilityStatuses,
      statusValues,
      // Newest first; the entry in force today is marked.
      history: [...history].reverse().map((h) => ({ ...h, inForce: h === inForce })),
      regionPath: path.filter((r) => r.level !== 'province' && r.level !== 'city'),
      investment: f.investment_fen ?? null,
      title: f.name,
      styles: ['/static/css/facilities.css'],
    };
  }

  async function showPage(req: Request, res: Response) {
    const f = await load(req);
    const preset =
      typeof req.query.status === 'string' && (facilityStatuses as readonly string[]).includes(req.query.status)
        ? req.query.status
        : '';
    res.render('facilities/show', await showData(req, f, { status: preset, effective_on: todayInShanghai() }));
  }

  async function recordStatus(req: Request, res: Response) {
    const f = await load(req);
    await withForm(
      res,
      'facilities/show',
      () => showData(req, f, req.body),
      async () => {
        const entry = parse(StatusInput, req.body);
        await registry.recordStatus(db, req.user!, f.id, entry, ip(req), closedYearReason(req.body));
        flash(req, 'flash.facility_status_recorded', {
          date: entry.effective_on,
          status: translator(req.lang)(`statuses.${entry.status}`),
        });
        res.redirect(`/staff/facilities/${f.id}`);
      },
    );
  }

  // ## Delete (a facility registered by mistake)
  async function deletePage(req: Request, res: Response) {
    const f = await load(req);
    res.render('facilities/delete', { f, refs: await registry.references(db, f.id), values: {} });
  }

  async function remove(req: Request, res: Response) {
    const f = await load(req);
    await withForm(
      res,
      'facilities/delete',
      async () => ({ f, refs: await registry.references(db, f.id), values: req.body }),
      async () => {
        await registry.deleteFacility(db, req.user!, f.id, ip(req), closedYearReason(req.body));
        flash(req, 'flash.facility_deleted', { name: f.name });
        res.redirect('/staff/facilities');
      },
    );
  }

  // ## CSV
  async function exportFile(req: Request, res: Response) {
    const q = parse(ListQuery, req.query);
    const region = within(regionScope(req.user!), pickedCode(req.query, 'region'));
    const csv = await exportCsv(db, {
      kind: q.kind,
      status: q.status,
      region,
      q: q.q || undefined,
    });
    res.attachment(`设施登记-${todayInShanghai()}.csv`);
    res.type('text/csv; charset=utf-8').set('Cache-Control', 'no-store').send(csv);
  }

  const importData = (extra: { csv?: string; plan?: ImportPlan; formError?: string } = {}) => ({
    columns: csvColumns,
    max: MAX_ROWS,
    styles: ['/static/css/facilities.css'],
    changed: extra.plan ? extra.plan.counts.create + extra.plan.counts.update : 0,
    ...extra,
  });

  async function importPage(_req: Request, res: Response) {
    res.render('facilities/import', importData());
  }

  async function importPost(req: Request, res: Response) {
    const text = typeof req.body.csv === 'string' ? req.body.csv : '';
    if (req.body.step !== 'apply') {
      const { plan } = await planImport(db, text, undefined, regionScope(req.user!));
      return res
        .status(plan.fatal || plan.counts.invalid ? 400 : 200)
        .render('facilities/import', importData({ csv: text, plan }));
    }
    try {
      const version = typeof req.body.version === 'string' ? req.body.version : undefined;
      const plan = await applyImport(db, req.user!, text, version, ip(req));
      const changed = plan.counts.create + plan.counts.update;
      if (changed) flash(req, 'flash.facility_import_done', { create: plan.counts.create, update: plan.counts.update });
      else flash(req, 'flash.facility_import_nothing');
      res.redirect('/staff/facilities');
    } catch (err) {
      if (err instanceof ImportRejected)
        return res.status(400).render('facilities/import', importData({ csv: text, plan: err.plan }));
      if (err instanceof ConflictError)
        return res.status(409).render('facilities/import', {
          ...importData({ csv: text, formError: err.code }),
          formErrorParams: err.params,
        });
      throw err;
    }
  }

  // Fixed paths before /:id, which would take them for an id.
  return [
    { method: 'get', path: '/api/v1/facilities', roles: 'public', handler: apiList },
    { method: 'get', path: '/staff/facilities', roles: READERS, handler: listPage },
    { method: 'get', path: '/staff/facilities/new', roles: KEEPERS, handler: newPage },
    { method: 'post', path: '/staff/facilities', roles: KEEPERS, handler: create },
    { method: 'get', path: '/staff/facilities/export.csv', roles: KEEPERS, handler: exportFile },
    { method: 'get', path: '/staff/facilities/import', roles: KEEPERS, handler: importPage },
    { method: 'post', path: '/staff/facilities/import', roles: KEEPERS, handler: importPost },
    { method: 'get', path: '/staff/facilities/:id', roles: READERS, handler: showPage },
    { method: 'get', path: '/staff/facilities/:id/edit', roles: KEEPERS, handler: editPage },
    { method: 'post', path: '/staff/facilities/:id', roles: KEEPERS, handler: update },
    { method: 'post', path: '/staff/facilities/:id/status', roles: KEEPERS, handler: recordStatus },
    { method: 'get', path: '/staff/facilities/:id/delete', roles: KEEPERS, handler: deletePage },
    { method: 'post', path: '/staff/facilities/:id/delete', roles: KEEPERS, handler: remove },
  ];
}
