// The year-on-year figures as the page shows them (one indicator) and as a table for CSV and XLSX (every indicator).
import { translator, type Lang } from '../../i18n/index.js';
import type { ReportTable } from '../../reports/tables.js';
import { formatRate } from '../../http/format.js';
import type { Ratio } from '../indicators/kinds.js';
import type { YearOnYear } from './compare.js';
import type { SnapshotIndicator } from './kinds.js';

const signed = (n: number, digits = 0) => (n > 0 ? '+' : n < 0 ? '−' : '±') + Math.abs(n).toFixed(digits);
const rateText = (r: Ratio | null) => (r === null || r.rate === null ? '—' : formatRate(r.rate));

export function compareView(y: YearOnYear, indicator: SnapshotIndicator) {
  return {
    region: y.region,
    lastYear: y.lastYear,
    source: y.source,
    status: y.status,
    rows: y.rows
      .filter((r) => r.indicator === indicator)
      .map((r) => ({
        code: r.code,
        name: r.name,
        own: r.own,
        current: r.current,
        currentRate: rateText(r.current),
        last: r.last,
        lastRate: rateText(r.last),
        points: r.points === null ? '—' : signed(r.points, 1),
        count: r.count === null ? '—' : signed(r.count),
        up: (r.points ?? 0) > 0,
        down: (r.points ?? 0) < 0,
      })),
  };
}

/** Every indicator of the region and its children: a row per region and indicator. */
export function compareTable(y: YearOnYear, lang: Lang): ReportTable {
  const t = translator(lang);
  const c = (key: string) => t(`years.compare.col.${key}`);
  return {
    key: y.region.level === 'city' ? 'counties' : 'townships',
    title: t('years.compare.sheet'),
    columns: [
      { key: 'code', kind: 'code', header: c('code') },
      { key: 'region', kind: 'text', header: c('region') },
      { key: 'indicator', kind: 'text', header: c('indicator') },
      { key: 'this_covered', kind: 'int', header: c('this_covered') },
      { key: 'this_total', kind: 'int', header: c('this_total') },
      { key: 'this_rate', kind: 'rate', header: c('this_rate') },
      { key: 'last_covered', kind: 'int', header: c('last_covered') },
      { key: 'last_total', kind: 'int', header: c('last_total') },
      { key: 'last_rate', kind: 'rate', header: c('last_rate') },
      { key: 'points', kind: 'points', header: c('points'), unit: t('years.compare.points_unit') },
      { key: 'count', kind: 'int', header: c('count') },
      { key: 'source', kind: 'text', header: c('source') },
    ],
    rows: y.rows.map((r) => ({
      total: r.own,
      cells: [
        r.code,
        r.name,
        t(`years.indicators.${r.indicator}`),
        r.current.covered,
        r.current.total,
        r.indicator === 'communities' ? null : r.current.rate,
        r.last?.covered ?? null,
        r.last?.total ?? null,
        r.indicator === 'communities' ? null : (r.last?.rate ?? null),
        r.indicator === 'communities' ? null : r.points,
        r.count,
        t(`years.compare.sources.${y.source}`),
      ],
    })),
  };
}
