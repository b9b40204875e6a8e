// The region an audit row belongs to (issue 16 item 7): bureau staff read the entries of their own region, so each
// row about a facility, a target or a region's figures names the region code it concerns. Rows written before this
// get it from what they name: the facility's location (the row's own before/after for a deleted one), the target's
// region, the region of a figures row (`<code>/<year>`), a funeral zone's or central villages' township.
import type { Knex } from 'knex';

const BATCH = 500;

function fromJson(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string') return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const codeIn = (v: unknown): string | null => (typeof v === 'string' && /^\d{2,12}$/.test(v) ? v : null);

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_log', (t) => {
    t.string('region_code', 12).nullable();
    t.index(['region_code', 'at']);
  });
  await fillRegions(knex);
}

/** Names the region of every older row that tells it (exported for its test). */
export async function fillRegions(knex: Knex): Promise<void> {
  const located = new Map<string, string>(
    (await knex('facilities').select('id', 'region_code')).map((f) => [String(f.id), String(f.region_code)]),
  );
  let last = 0;
  for (;;) {
    const rows = await knex('audit_log')
      .whereIn('entity', [
        'facility',
        'coverage_target',
        'region_year_stats',
        'grave_remediation',
        'region',
        'region_kind',
        'report_settings',
        'central_villages',
        'year_submission',
      ])
      .whereNull('region_code')
      .where('id', '>', last)
      .orderBy('id')
      .limit(BATCH)
      .select('id', 'entity', 'entity_id', 'before', 'after');
    if (rows.length === 0) break;
    last = Number(rows[rows.length - 1].id);
    for (const r of rows) {
      const json = { ...fromJson(r.before), ...fromJson(r.after) };
      const id = r.entity_id === null ? null : String(r.entity_id);
      let code: string | null = null;
      if (r.entity === 'facility') code = (id && located.get(id)) ?? codeIn(json.region_code);
      else if (r.entity === 'coverage_target' || r.entity === 'year_submission') code = codeIn(json.region_code);
      else if (id) code = codeIn(id.split('/')[0]);
      if (code) await knex('audit_log').where('id', r.id).update({ region_code: code });
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_log', (t) => {
    t.dropIndex(['region_code', 'at']);
    t.dropColumn('region_code');
  });
}
