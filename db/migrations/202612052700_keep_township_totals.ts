// Each township row keeps its village-level totals (all units, administrative villages, central villages among
// them), so that coverage reads 41,352 township rows instead of grouping 620,573 village rows. Triggers keep them in
// the transaction of every change to a village-level unit (an import, a kind correction, central villages saved, a
// seed or a test writing rows directly); each one counts its township again from the villages (the covering index
// regions_level_parent_flags_index), so the totals never depend on the order rows arrive in. Existing townships are
// counted page by page (a country holds 41,352).
import type { Knex } from 'knex';

const COLUMNS = ['village_count', 'admin_village_count', 'central_village_count'] as const;

/** The statement that counts township `code` (an SQL expression) again; any other code changes nothing. */
const recount = (code: string) =>
  `UPDATE regions SET (village_count, admin_village_count, central_village_count) = (
     SELECT count(*),
            coalesce(sum(CASE WHEN v.is_admin_village THEN 1 ELSE 0 END), 0),
            coalesce(sum(CASE WHEN v.is_admin_village AND v.is_central_village THEN 1 ELSE 0 END), 0)
       FROM regions v WHERE v.level = 'village' AND v.parent_code = ${code})
   WHERE code = ${code} AND level = 'township'`;

/** An update that can change a township's totals: a village-level unit's place, level or flags, or a new township. */
const changed = `(OLD.level = 'village' OR NEW.level IN ('village', 'township')) AND (
  OLD.level IS DISTINCT FROM NEW.level OR OLD.parent_code IS DISTINCT FROM NEW.parent_code
  OR OLD.is_admin_village IS DISTINCT FROM NEW.is_admin_village
  OR OLD.is_central_village IS DISTINCT FROM NEW.is_central_village)`;

const TRIGGERS = [
  'regions_township_totals_insert',
  'regions_township_totals_insert_township',
  'regions_township_totals_update',
  'regions_township_totals_delete',
];
const PG_FUNCTION = 'regions_keep_township_totals';
const PAGE = 2000;

async function createTriggers(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    await knex.raw(`CREATE FUNCTION ${PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' AND OLD.level = 'village' THEN ${recount('OLD.parent_code')}; END IF;
        IF TG_OP <> 'DELETE' THEN
          IF NEW.level = 'village' THEN ${recount('NEW.parent_code')}; END IF;
          IF NEW.level = 'township' THEN ${recount('NEW.code')}; END IF;
        END IF;
        RETURN NULL;
      END $$`);
    await knex.raw(`CREATE TRIGGER regions_township_totals_insert AFTER INSERT ON regions FOR EACH ROW
      WHEN (NEW.level IN ('village', 'township')) EXECUTE FUNCTION ${PG_FUNCTION}()`);
    await knex.raw(`CREATE TRIGGER regions_township_totals_update
      AFTER UPDATE OF level, parent_code, is_admin_village, is_central_village ON regions FOR EACH ROW
      WHEN (${changed}) EXECUTE FUNCTION ${PG_FUNCTION}()`);
    await knex.raw(`CREATE TRIGGER regions_township_totals_delete AFTER DELETE ON regions FOR EACH ROW
      WHEN (OLD.level = 'village') EXECUTE FUNCTION ${PG_FUNCTION}()`);
    return;
  }
  // SQLite: IS NOT is its IS DISTINCT FROM; a trigger's statements run in order, each seeing the one before.
  const sqliteChanged = changed.replace(/IS DISTINCT FROM/g, 'IS NOT');
  await knex.raw(`CREATE TRIGGER regions_township_totals_insert AFTER INSERT ON regions
    WHEN NEW.level = 'village' BEGIN ${recount('NEW.parent_code')}; END`);
  await knex.raw(`CREATE TRIGGER regions_township_totals_insert_township AFTER INSERT ON regions
    WHEN NEW.level = 'township' BEGIN ${recount('NEW.code')}; END`);
  await knex.raw(`CREATE TRIGGER regions_township_totals_update
    AFTER UPDATE OF level, parent_code, is_admin_village, is_central_village ON regions
    WHEN ${sqliteChanged}
    BEGIN ${recount('OLD.parent_code')}; ${recount('NEW.parent_code')}; ${recount('NEW.code')}; END`);
  await knex.raw(`CREATE TRIGGER regions_township_totals_delete AFTER DELETE ON regions
    WHEN OLD.level = 'village' BEGIN ${recount('OLD.parent_code')}; END`);
}

export async function up(knex: Knex): Promise<void> {
  // One statement per column on both databases: the CHECK is the column's own, so SQLite needs no rebuild.
  for (const column of COLUMNS)
    await knex.raw(
      `ALTER TABLE regions ADD COLUMN ${column} integer NOT NULL DEFAULT 0 ` +
        `CONSTRAINT regions_${column}_not_negative CHECK (${column} >= 0)`,
    );
  await createTriggers(knex);
  for (let after = ''; ;) {
    const codes = (await knex('regions')
      .where('level', 'township')
      .where('code', '>', after)
      .orderBy('code')
      .limit(PAGE)
      .pluck('code')) as string[];
    if (codes.length === 0) break;
    after = codes[codes.length - 1];
    await knex.raw(`${recount('regions.code')} AND code IN (${codes.map(() => '?').join(', ')})`, codes);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const name of TRIGGERS) await knex.raw(`DROP TRIGGER IF EXISTS ${name}${pgOn(knex)}`);
  if (knex.client.config.client === 'pg') await knex.raw(`DROP FUNCTION ${PG_FUNCTION}()`);
  for (const column of COLUMNS) await knex.raw(`ALTER TABLE regions DROP COLUMN ${column}`);
}

const pgOn = (knex: Knex) => (knex.client.config.client === 'pg' ? ' ON regions' : '');
