// Year on year (同比): a city's counties or a county's townships, this year as of a day against the end of last year
// (the submitted snapshot when the year is closed, else computed), with the change in points and in units.
import type { Knex } from 'knex';
import { ValidationError } from '../../http/errors.js';
import * as regions from '../../regions/service.js';
import type { Region } from '../../regions/levels.js';
import { ratio, type Ratio } from '../indicators/kinds.js';
import { figureKey, figuresOn } from './figures.js';
import { snapshotIndicators, yearEnd, type SnapshotIndicator, type SubmissionStatus } from './kinds.js';
import * as store from './store.js';

export interface CompareRow {
  code: string;
  name: string;
  /** The region itself (the others are its children). */
  own: boolean;
  indicator: SnapshotIndicator;
  current: Ratio;
  last: Ratio | null;
  /** Change of the rate in percentage points, one decimal; null when either year has nothing to cover. */
  points: number | null;
  /** Change of the units covered. */
  count: number | null;
}

export interface YearOnYear {
  region: Region;
  date: string;
  lastYear: number;
  /** Where last year's figures come from, and the submission's state when they are the submitted ones. */
  source: 'snapshot' | 'computed';
  status?: SubmissionStatus;
  rows: CompareRow[];
}

const pointsBetween = (a: Ratio, b: Ratio | null): number | null =>
  b === null || a.rate === null || b.rate === null ? null : Math.round((a.rate - b.rate) * 1000) / 10;

export async function yearOnYear(db: Knex, code: string, date: string): Promise<YearOnYear> {
  const region = await regions.findRegion(db, code);
  if (!region || (region.level !== 'city' && region.level !== 'county'))
    throw new ValidationError({ region: { key: 'errors.year_region_level' } });
  const lastYear = Number(date.slice(0, 4)) - 1;
  const sub = await store.findByRegionYear(db, region.code, lastYear);
  const closed = sub && sub.status !== 'returned';
  const [current, last] = await Promise.all([
    figuresOn(db, region.code, date),
    closed ? store.snapshotRows(db, sub.id, sub.round) : figuresOn(db, region.code, yearEnd(lastYear)),
  ]);
  const before = new Map(last.map((r) => [figureKey(r), r]));
  const rows = current.map((r): CompareRow => {
    const b = before.get(figureKey(r));
    const cur = ratio(r.covered, r.total);
    const prev = b ? ratio(b.covered, b.total) : null;
    return {
      code: r.region_code,
      name: r.region_name,
      own: r.own,
      indicator: r.indicator,
      current: cur,
      last: prev,
      points: pointsBetween(cur, prev),
      count: prev ? cur.covered - prev.covered : null,
    };
  });
  return {
    region,
    date,
    lastYear,
    source: closed ? 'snapshot' : 'computed',
    status: closed ? sub.status : undefined,
    rows,
  };
}

export { snapshotIndicators };
