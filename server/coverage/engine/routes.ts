// The coverage JSON API: a region's coverage indicators on a date, with its children's (docs/API.md, docs/COVERAGE.md).
import type { Request, Response } from 'express';
import { scopedRegion } from '../../accounts/access.js';
import type { Role } from '../../accounts/roles.js';
import type { AppContext } from '../../context.js';
import { todayInShanghai } from '../../time.js';
import type { RouteDef } from '../../http/routes.js';
import { parse } from '../../http/validate.js';
import { CoverageQuery } from './schemas.js';
import { coverageIndicators, type Indicators, type RegionCoverage } from '../indicators/kinds.js';
import { computeCoverage } from './service.js';

/** Coverage figures are the bureau's management data. */
const READERS: readonly Role[] = ['admin', 'bureau', 'county_bureau'];

const indicatorKeys = [...coverageIndicators, 'communities'] as const;

/** The indicators in a fixed order, each {total, covered, rate}. */
const indicatorsJson = (i: Indicators) =>
  Object.fromEntries(indicatorKeys.map((k) => [k, { total: i[k].total, covered: i[k].covered, rate: i[k].rate }]));

const regionJson = (r: RegionCoverage) => ({ code: r.code === '' ? null : r.code, name: r.name, level: r.level });

export function coverageApiRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;

  async function coverage(req: Request, res: Response) {
    const q = parse(CoverageQuery, req.query);
    // A region-scoped bureau reads its region and below (another is 403); by default its own.
    const region = scopedRegion(req.user!, q.region);
    const result = await computeCoverage(db, { region, date: q.date ?? todayInShanghai() });
    res.set('Cache-Control', 'private, no-store');
    res.json({
      region: regionJson(result.region),
      date: result.date,
      indicators: indicatorsJson(result.region.indicators),
      children: result.children.map((c) => ({ ...regionJson(c), indicators: indicatorsJson(c.indicators) })),
    });
  }

  return [{ method: 'get', path: '/api/v1/coverage', roles: READERS, handler: coverage }];
}
