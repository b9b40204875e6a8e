// The bureau corrects one village-level unit's kind (行政村 or 社区) where the name rule is wrong: the correction is
// kept in region_kind_overrides (the import applies it after the rule), audited in the same transaction, and those
// who keep division totals are told after the commit.
import type { Knex } from 'knex';
import * as audit from '../audit/service.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { kindByName, type Region, type VillageKind } from './levels.js';
import * as kindStore from './kind-store.js';
import type { KindInput } from './schemas.js';
import { divisionsChanged } from './service.js';
import * as store from './store.js';

export type { KindOverride } from './kind-store.js';

export interface KindCorrection {
  region: Region;
  /** The township (and above), top first, for the page's trail. */
  trail: Region[];
  current: VillageKind;
  byRule: VillageKind;
  override: kindStore.KindOverride | undefined;
}

const kindOf = (r: Pick<Region, 'is_admin_village'>): VillageKind => (r.is_admin_village ? 'village' : 'community');

/** What the correction page shows of a unit; a code that is no village-level unit is a 404. */
export async function kindCorrection(db: Knex, code: string): Promise<KindCorrection> {
  const region = await store.find(db, code);
  if (!region || region.level !== 'village') throw new NotFoundError('region_not_found');
  const [trail, override] = await Promise.all([store.ancestry(db, code), kindStore.find(db, code)]);
  return { region, trail: trail.slice(0, -1), current: kindOf(region), byRule: kindByName(region.name), override };
}

/** The corrections of the given units, for the marks in the tables that list them. */
export function kindOverrides(db: Knex, codes: string[]): Promise<Map<string, kindStore.KindOverride>> {
  return kindStore.ofCodes(db, codes);
}

export interface KindCorrected {
  name: string;
  kind: VillageKind;
  /** False when the new kind is what the rule says: the correction was removed. */
  corrected: boolean;
}

/**
 * Sets the unit's kind. A kind other than the rule's is kept as a correction; the rule's own kind removes the
 * correction. A unit that becomes a community loses its central-village mark (a community is never central).
 */
export async function correctKind(
  db: Knex,
  actor: audit.Actor,
  code: string,
  input: KindInput,
  ip: string | null,
): Promise<KindCorrected> {
  const result = await db.transaction(async (trx) => {
    const region = await store.find(trx, code);
    if (!region || region.level !== 'village') throw new NotFoundError('region_not_found');
    const byRule = kindByName(region.name);
    const override = await kindStore.find(trx, code);
    const current = kindOf(region);
    const corrected = input.kind !== byRule;
    if (input.kind === current && corrected === Boolean(override))
      throw new ValidationError({ kind: { key: `errors.region_kind_unchanged_${input.kind}` } });
    const before = await kindStore.setKind(trx, code, input.kind === 'village');
    if (!before) throw new NotFoundError('region_not_found');
    if (corrected)
      await kindStore.save(trx, {
        code,
        kind: input.kind,
        reason: input.reason,
        set_by: actor.id,
        set_at: new Date().toISOString(),
      });
    else if (override) await kindStore.remove(trx, code);
    await audit.record(trx, {
      actor,
      action: corrected ? 'correct' : 'restore',
      entity: 'region_kind',
      entityId: code,
      before: { name: region.name, kind: current, corrected: Boolean(override), central: before.is_central_village },
      after: {
        name: region.name,
        kind: input.kind,
        corrected,
        central: input.kind === 'village' && before.is_central_village,
        by_rule: byRule,
        reason: input.reason,
      },
      ip,
    });
    return { name: region.name, kind: input.kind, corrected };
  });
  divisionsChanged(db);
  return result;
}
