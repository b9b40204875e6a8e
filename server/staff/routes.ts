// The staff dashboard: what the signed-in user works on, with figures from the registry.
import type { Request, Response } from 'express';
import { facilityScope } from '../accounts/roles.js';
import { TtlCache } from '../cache.js';
import type { AppContext } from '../context.js';
import { facilityCounts, findFacility } from '../facilities/service.js';
import { facilityKinds, facilityStatuses } from '../facilities/kinds.js';
import type { RouteDef } from '../http/routes.js';
import { regionCounts as countRegions, onDivisionsChanged } from '../regions/service.js';

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
    res.render('staff/dashboard', {
      table,
      statuses: facilityStatuses,
      regionCounts: await regionCounts.get(''),
      scope,
    });
  }

  return [
    { method: 'get', path: '/staff', roles: ['admin', 'bureau', 'front_desk', 'cemetery_staff'], handler: dashboard },
  ];
}
