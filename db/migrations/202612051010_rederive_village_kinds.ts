// Village-level units imported before the name rule of DESIGN.md counted only 村委会/村民委员会 as administrative
// villages: bare …村, …嘎查 and bracketed notes were taken for communities. This derives every unit's kind again, the
// bureau's corrections (region_kind_overrides) winning, and takes the central-village mark off a unit that is now a
// community (a community is never a central village). The rule is copied as it stands today (a migration is frozen
// history); test/regions/rederive-migration.test.ts compares it with server/regions/levels.ts on every name.
import type { Knex } from 'knex';

const ADMIN_VILLAGE_END = /(村|嘎查)(委|委会|委员会|民委员会)?$/;
const TRAILING_NOTE = /[（(]([^（()）]*)[)）]+$/;

export function isAdminVillageName(name: string): boolean {
  const notes: string[] = [];
  let base = name.trim();
  for (let m = TRAILING_NOTE.exec(base); m; m = TRAILING_NOTE.exec(base)) {
    notes.push(m[1].trim());
    base = base.slice(0, m.index).trimEnd();
  }
  return ADMIN_VILLAGE_END.test(base) || notes.some((n) => ADMIN_VILLAGE_END.test(n));
}

const PAGE = 5000;
const BATCH = 500;

const truthy = (v: unknown) => v === true || v === 1 || v === '1';

export async function up(knex: Knex): Promise<void> {
  const overrides = new Map<string, boolean>(
    (await knex('region_kind_overrides').select('code', 'kind')).map((o: { code: string; kind: string }) => [
      o.code,
      o.kind === 'village',
    ]),
  );
  // Page through the units in code order: a country holds 620,573 of them.
  for (let after = ''; ;) {
    const rows = (await knex('regions')
      .where('level', 'village')
      .where('code', '>', after)
      .orderBy('code')
      .limit(PAGE)
      .select('code', 'name', 'is_admin_village', 'is_central_village')) as {
      code: string;
      name: string;
      is_admin_village: unknown;
      is_central_village: unknown;
    }[];
    if (rows.length === 0) break;
    after = rows[rows.length - 1].code;
    const toVillage: string[] = [];
    const toCommunity: string[] = [];
    for (const r of rows) {
      const village = overrides.get(r.code) ?? isAdminVillageName(r.name);
      if (
        r.is_admin_village === null ||
        truthy(r.is_admin_village) !== village ||
        (!village && truthy(r.is_central_village))
      )
        (village ? toVillage : toCommunity).push(r.code);
    }
    for (let i = 0; i < toVillage.length; i += BATCH)
      await knex('regions')
        .whereIn('code', toVillage.slice(i, i + BATCH))
        .update({ is_admin_village: true });
    for (let i = 0; i < toCommunity.length; i += BATCH)
      await knex('regions')
        .whereIn('code', toCommunity.slice(i, i + BATCH))
        .update({ is_admin_village: false, is_central_village: false });
  }
}

// The kinds before this migration are not kept: going down leaves the units as the rule derived them.
export async function down(): Promise<void> {}
