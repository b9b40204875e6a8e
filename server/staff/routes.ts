// The staff dashboard: what the signed-in user works on, with figures from the registry; at a funeral home, its day.
import type { Request, Response } from 'express';
import { z } from 'zod';
import { everyone, facilityScope } from '../accounts/roles.js';
import { TtlCache } from '../cache.js';
import type { AppContext } from '../context.js';
import { facilityCounts, findFacility } from '../facilities/service.js';
import { facilityKinds, facilityStatuses } from '../facilities/kinds.js';
import { listFuneralHomes } from '../cremation/service.js';
import { optionalId } from '../http/fields.js';
import { noStore, type RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { caseStatuses } from '../cases/states.js';
import { documentKinds } from '../cases/family-kinds.js';
import { placeKinds } from '../custody/kinds.js';
import { translator } from '../i18n/index.js';
import type { Lang } from '../i18n/types.js';
import { regionCounts as countRegions, onDivisionsChanged } from '../regions/service.js';
import { todayAt } from './service.js';

/**
 * The labels the day's rows repeat (kinds, case statuses, weekdays), from the catalog once per language: looked up
 * per row, they were most of the page's translation time (docs/ARCHITECTURE.md, "The front desk's day").
 */
const rowLabels = new Map<Lang, object>();
function labelsFor(lang: Lang): object {
  let labels = rowLabels.get(lang);
  if (!labels) {
    const t = translator(lang);
    const of = (keys: readonly (string | number)[], prefix: string) =>
      Object.fromEntries(keys.map((k) => [k, t(`${prefix}.${k}`)]));
    labels = {
      kinds: of(['hall', 'cremator'], 'today.kinds'),
      status: of(caseStatuses, 'case_status'),
      weekdays: of([1, 2, 3, 4, 5, 6, 7], 'today.weekdays_short'),
      places: of(placeKinds, 'custody.place_kind'),
      documents: of(documentKinds, 'document_kind'),
    };
    rowLabels.set(lang, labels);
  }
  return labels;
}

/** Admin may open any funeral home's day: /staff?home=ID. */
const DashboardQuery = z.object({ home: optionalId });

/** How long each process keeps the dashboard's count of divisions by level. */
export const REGION_COUNTS_MS = 60_000;

export function staffRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  // Divisions change only when imported, and counting the whole country's 700,000 on every dashboard view would scan
  // the table. An import through the regions service in this process drops the counts at once; one by
  // scripts/import-divisions.ts, another process, shows within a minute.
  const regionCounts = new TtlCache({
    ttlMs: REGION_COUNTS_MS,
    max: 1,
    clock: ctx.clock,
    load: () => countRegions(db),
  });
  onDivisionsChanged((changed) => {
    if (changed === db) regionCounts.clear();
  });

  async function dashboard(req: Request, res: Response) {
    const user = req.user!;
    const scope = user.facility_id ? await findFacility(db, user.facility_id) : undefined;
    // The registry overview is the bureau's; staff scoped to one facility see that facility instead.
    let table;
    if (facilityScope(user) === undefined) {
      const counts = await facilityCounts(db);
      table = facilityKinds.map((kind) => ({
        kind,
        cells: facilityStatuses.map((status) => ({
          status,
          n: counts.find((c) => c.kind === kind && c.status === status)?.n ?? 0,
        })),
      }));
    }
    // The day of a funeral home: the front desk's own; admin picks one. The bureau keeps the registry overview.
    const query = user.role === 'admin' ? parse(DashboardQuery, req.query) : {};
    const home = scope?.kind === 'funeral_home' ? scope : query.home ? await findFacility(db, query.home) : undefined;
    const today = scope?.kind === 'funeral_home' || query.home ? await todayAt(db, user, home) : undefined;
    const homes = user.role === 'admin' ? await listFuneralHomes(db) : undefined;
    res.render('staff/dashboard', {
      table,
      statuses: facilityStatuses,
      regionCounts: await regionCounts.get(''),
      scope,
      today,
      homes,
      labels: today ? labelsFor(req.lang) : undefined,
      styles: today ? ['/static/css/today.css'] : undefined,
    });
  }

  return [
    {
      method: 'get',
      path: '/staff',
      roles: everyone,
      handler: dashboard,
      before: [noStore], // the day lists the deceased, pickup addresses and what families owe
    },
  ];
}
