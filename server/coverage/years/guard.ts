// The rule for back-dated changes: a registry change (or central-village marks) that alters the figures of a closed
// year (submitted or accepted) is refused unless a reason is given; the page then shows 已报送 / 变更后 / 差额. The
// closed years' figures are computed before and after the change inside its own transaction, so a refusal rolls the
// change back and nothing is written. docs/COVERAGE.md ("Closed years") says it in words.
import type { Knex } from 'knex';
import * as audit from '../../audit/service.js';
import { nowIso } from '../../db.js';
import { setClosedYearGuard, type ChangeReach } from '../../facilities/closed-years.js';
import { ConflictError } from '../../http/errors.js';
import * as regions from '../../regions/service.js';
import { forgetDivisionTotals } from '../engine/service.js';
import { figureKey, figuresOn, type FigureRow } from './figures.js';
import { closedStatuses, yearEnd } from './kinds.js';
import * as store from './store.js';

export interface Difference {
  region_code: string;
  region_name: string;
  indicator: string;
  submitted: { covered: number; total: number } | null;
  after: { covered: number; total: number };
  /** after − submitted, covered units (null when the snapshot has no such row). */
  delta: number | null;
  /** The difference as the page writes it: +3, −2, ±0, — without a submitted figure. */
  delta_text: string;
}

const signed = (n: number | null) => (n === null ? '—' : (n > 0 ? '+' : n < 0 ? '−' : '±') + Math.abs(n));

export interface ClosedYearDifferences {
  submission_id: number;
  region_code: string;
  region_name: string;
  year: number;
  rows: Difference[];
}

/** The submissions a change may reach: the county and the city of every code it touches. */
function candidateRegions(codes: string[]): string[] {
  const out = new Set<string>();
  for (const c of codes) {
    if (c.length >= 6) out.add(c.slice(0, 6));
    if (c.length >= 4) out.add(c.slice(0, 4));
  }
  return [...out];
}

export async function guardChange<T>(
  trx: Knex,
  actor: audit.Actor,
  reach: ChangeReach,
  reason: string | undefined,
  apply: () => Promise<T>,
): Promise<T> {
  const closed = await store.closedFor(
    trx,
    closedStatuses,
    candidateRegions(reach.codes),
    Number(reach.from.slice(0, 4)),
  );
  if (closed.length === 0) return apply();
  const before = await Promise.all(closed.map((s) => figuresOn(trx, s.region_code, yearEnd(s.year))));
  const result = await apply();
  // The division totals are kept per connection object: read them again after a change to central villages.
  forgetDivisionTotals(trx);
  const found: ClosedYearDifferences[] = [];
  for (const [i, s] of closed.entries()) {
    const was = new Map(before[i].map((r) => [figureKey(r), r]));
    const now = await figuresOn(trx, s.region_code, yearEnd(s.year));
    const moved = now.filter((r) => {
      const b = was.get(figureKey(r));
      return !b || b.covered !== r.covered || b.total !== r.total;
    });
    if (moved.length === 0) continue;
    const snap = new Map((await store.snapshotRows(trx, s.id, s.round)).map((r) => [figureKey(r), r]));
    const own = now.find((r) => r.own) as FigureRow;
    found.push({
      submission_id: s.id,
      region_code: s.region_code,
      region_name: own.region_name,
      year: s.year,
      rows: moved.map((r) => {
        const sub = snap.get(figureKey(r));
        const delta = sub ? r.covered - sub.covered : null;
        return {
          region_code: r.region_code,
          region_name: r.region_name,
          indicator: r.indicator,
          submitted: sub ? { covered: sub.covered, total: sub.total } : null,
          after: { covered: r.covered, total: r.total },
          delta,
          delta_text: signed(delta),
        };
      }),
    });
  }
  if (found.length === 0) return result;
  if (!reason)
    throw new ConflictError(
      'closed_year_changed',
      { closed_year_reason: { key: 'errors.closed_year_reason_required' } },
      { years: found.map((f) => `${f.region_name} ${f.year}`).join('、'), differences: found },
    );
  const at = nowIso();
  for (const f of found) {
    await store.insertClosedYearChange(trx, {
      submission_id: f.submission_id,
      entity: reach.entity,
      entity_id: reach.entityId === null ? null : String(reach.entityId),
      reason,
      differences: JSON.stringify(f.rows),
      changed_by: actor.id,
      changed_at: at,
    });
    await audit.record(trx, {
      actor,
      action: 'closed_year_change',
      entity: reach.entity,
      entityId: reach.entityId,
      after: { reason, region_code: f.region_code, year: f.year, differences: f.rows },
      regionCode: f.region_code,
    });
  }
  return result;
}

setClosedYearGuard(guardChange);

/**
 * Yearly figures entered by hand (deaths, cremations, burials; scattered graves) for a year that is closed for the
 * region's county or city: the snapshot does not hold them, so any change to them needs a reason, which is kept
 * with the submission (the rows before and after) and in the audit log.
 */
export async function guardYearFigures(
  trx: Knex,
  actor: audit.Actor,
  change: { codes: string[]; year: number; entity: string; rows: unknown[] },
  reason: string | undefined,
): Promise<void> {
  const closed = (await store.closedFor(trx, closedStatuses, candidateRegions(change.codes), change.year)).filter(
    (s) => s.year === change.year,
  );
  if (closed.length === 0) return;
  if (!reason)
    throw new ConflictError(
      'closed_year_changed',
      { closed_year_reason: { key: 'errors.closed_year_reason_required' } },
      {
        years: await regions
          .regionNames(
            trx,
            closed.map((s) => s.region_code),
          )
          .then((names) => closed.map((s) => `${names.get(s.region_code) ?? s.region_code} ${s.year}`).join('、')),
        differences: [],
      },
    );
  const at = nowIso();
  for (const s of closed) {
    await store.insertClosedYearChange(trx, {
      submission_id: s.id,
      entity: change.entity,
      entity_id: null,
      reason,
      differences: JSON.stringify(change.rows),
      changed_by: actor.id,
      changed_at: at,
    });
    await audit.record(trx, {
      actor,
      action: 'closed_year_change',
      entity: change.entity,
      entityId: `${s.region_code}/${s.year}`,
      after: { reason, region_code: s.region_code, year: s.year, rows: change.rows },
      regionCode: s.region_code,
    });
  }
}
