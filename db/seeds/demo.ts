// Demo data for a first start: Liupanshui's real divisions (六盘水市, 5202), a few sample facilities marked as
// such, and one account per role. Runs once per database, even when several processes start together.
import type { Knex } from 'knex';
import { hashPassword, randomPassword } from '../../server/accounts/password.js';
import { nowIso } from '../../server/db.js';
import type { FacilityKind, FacilityStatus } from '../../server/facilities/kinds.js';
import { importDivisions } from '../../server/regions/service.js';
import { seedDemoPrices } from './demo-prices.js';
import { seedDemoCoverage } from './demo-coverage.js';
import { seedDemoCremation } from './demo-cremation.js';
import { seedDemoFamily } from './demo-family.js';
import { seedDemoMoney } from './demo-money.js';
import { seedDemoSatisfaction } from './demo-satisfaction.js';
import { seedDemoCases } from './demo-cases.js';
import { seedDemoCustody } from './demo-custody.js';
import { seedDemoDay } from './demo-day.js';
import { seedDemoMemorials } from './demo-memorials.js';
import { seedDemoVisits } from './demo-visits.js';
import { seedDemoResting } from './demo-resting.js';
import { seedDemoWaiverClaims, seedDemoWaivers } from './demo-waivers.js';
import { seedDemoRestingContracts } from './demo-resting-contracts.js';

export const DEMO_CITY = '5202';

const facilities: {
  name: string;
  kind: FacilityKind;
  status: FacilityStatus;
  region_code: string;
  niche_capacity?: number;
  plot_capacity?: number;
}[] = [
  { name: '六盘水市殡仪馆（示例）', kind: 'funeral_home', status: 'operating', region_code: '520201011' },
  { name: '盘州市殡仪馆（示例）', kind: 'funeral_home', status: 'operating', region_code: '520281001' },
  {
    name: '钟山区公益性骨灰堂（示例）',
    kind: 'columbarium',
    status: 'operating',
    region_code: '520201101',
    niche_capacity: 6000,
  },
  {
    name: '大河镇农村公益性公墓（示例）',
    kind: 'rural_public_cemetery',
    status: 'operating',
    region_code: '520201101',
    plot_capacity: 1200,
  },
  {
    name: '水城区城市公益性公墓（示例）',
    kind: 'urban_public_cemetery',
    status: 'building',
    region_code: '520204001',
    plot_capacity: 3000,
  },
  {
    name: '岩脚镇农村公益性公墓（示例）',
    kind: 'rural_public_cemetery',
    status: 'planned',
    region_code: '520203102',
    plot_capacity: 800,
  },
  {
    name: '凉都经营性公墓（示例）',
    kind: 'commercial_cemetery',
    status: 'operating',
    region_code: '520204100',
    plot_capacity: 5000,
  },
  { name: '汪家寨镇集中治丧点（示例）', kind: 'funeral_service_point', status: 'operating', region_code: '520201102' },
];

const users = [
  { username: 'admin', display_name: '系统管理员', role: 'admin', facility: null },
  { username: 'bureau', display_name: '市民政局殡葬管理科', role: 'bureau', facility: null },
  { username: 'county', display_name: '钟山区民政局', role: 'county_bureau', facility: null, region: '520201' },
  { username: 'frontdesk', display_name: '殡仪馆前台', role: 'front_desk', facility: '六盘水市殡仪馆（示例）' },
  {
    username: 'cemetery',
    display_name: '公墓管理员',
    role: 'cemetery_staff',
    facility: '大河镇农村公益性公墓（示例）',
  },
] as const;

export interface SeedResult {
  created: boolean;
  password?: string;
  usernames: string[];
}

export async function seedDemo(
  db: Knex,
  /**
   * bodies: demo cases with bodies stored in the fridges; day: a day of demo cases at the first funeral home
   * (pickups, bookings this week, balances owed; demo-day.ts). Only a real first start asks: tests count their own cases.
   */
  opts: {
    password?: string;
    onProgress?: (msg: string) => void;
    bodies?: boolean;
    day?: boolean;
    /** Fee waiver policies (demo-waivers.ts): with a real first start (day), or when asked; tests count their own. */
    waivers?: boolean;
  } = {},
): Promise<SeedResult> {
  const usernames = users.map((u) => u.username);
  const done = await db('settings').where({ key: 'demo_seeded' }).first();
  if (done) return { created: false, usernames };
  opts.onProgress?.(`importing divisions of ${DEMO_CITY}`);
  await importDivisions(db, { city: DEMO_CITY });
  const password = opts.password ?? randomPassword();
  const hash = await hashPassword(password);
  return db.transaction(async (trx) => {
    // The claim row decides which process seeds; the others find it taken and leave the data alone.
    const claimed = await trx('settings')
      .insert({ key: 'demo_seeded', value: nowIso() })
      .onConflict('key')
      .ignore()
      .returning('key');
    if (claimed.length === 0) return { created: false, usernames };
    const now = nowIso();
    const ids = new Map<string, number>();
    for (const f of facilities) {
      const [row] = await trx('facilities')
        .insert({ ...f, is_sample: true, created_at: now, updated_at: now })
        .returning('id');
      const id = typeof row === 'object' ? row.id : row;
      ids.set(f.name, id);
    }
    // Status histories of these and the registry's other sample facilities, targets and yearly figures.
    await seedDemoCoverage(trx, ids);
    await seedDemoPrices(
      trx,
      facilities.filter((f) => f.kind === 'funeral_home').map((f) => ids.get(f.name)!),
    );
    await seedDemoCremation(
      trx,
      facilities.filter((f) => f.kind === 'funeral_home').map((f) => ids.get(f.name)!),
    );
    await seedDemoCases(
      trx,
      facilities.filter((f) => f.kind === 'funeral_home').map((f) => ids.get(f.name)!),
    );
    const userIds = new Map<string, number>();
    for (const u of users) {
      const [row] = await trx('users')
        .insert({
          username: u.username,
          display_name: u.display_name,
          role: u.role,
          facility_id: u.facility ? ids.get(u.facility) : null,
          region_code: 'region' in u ? u.region : null,
          password_hash: hash,
          created_at: now,
          updated_at: now,
        })
        .returning('id');
      userIds.set(u.username, typeof row === 'object' ? row.id : row);
    }
    await seedDemoCustody(trx, ids.get('六盘水市殡仪馆（示例）')!, {
      bodies: opts.bodies ?? false,
      clerkId: userIds.get('frontdesk'),
    });
    if (opts.day) await seedDemoDay(trx, ids.get('六盘水市殡仪馆（示例）')!, userIds.get('frontdesk')!);
    await seedDemoFamily(trx, ids.get('六盘水市殡仪馆（示例）')!, userIds.get('frontdesk')!);
    await seedDemoMoney(trx, ids.get('六盘水市殡仪馆（示例）')!, userIds.get('frontdesk')!);
    await seedDemoSatisfaction(
      trx,
      facilities.filter((f) => f.kind === 'funeral_home').map((f) => ids.get(f.name)!),
      { extra: opts.day ?? false },
    );
    await seedDemoMemorials(trx, userIds.get('frontdesk'));
    await seedDemoVisits(
      trx,
      { cemetery: ids.get('大河镇农村公益性公墓（示例）')!, columbarium: ids.get('钟山区公益性骨灰堂（示例）')! },
      userIds.get('cemetery'),
    );
    await seedDemoResting(
      trx,
      { cemetery: ids.get('大河镇农村公益性公墓（示例）')!, columbarium: ids.get('钟山区公益性骨灰堂（示例）')! },
      { admin: userIds.get('admin')!, cemetery: userIds.get('cemetery')! },
    );
    if (opts.waivers ?? opts.day) await seedDemoWaivers(trx, DEMO_CITY, userIds.get('bureau') ?? null);
    // Claims of the demo home in each state (one settled in a batch), made through the claim services.
    if (opts.waivers ?? opts.day)
      await seedDemoWaiverClaims(
        trx,
        ids.get('六盘水市殡仪馆（示例）')!,
        { id: userIds.get('frontdesk')!, username: 'frontdesk' },
        { id: userIds.get('bureau')!, username: 'bureau' },
      );
    await seedDemoRestingContracts(
      trx,
      { cemetery: ids.get('大河镇农村公益性公墓（示例）')!, columbarium: ids.get('钟山区公益性骨灰堂（示例）')! },
      { admin: userIds.get('admin')!, cemetery: userIds.get('cemetery')! },
    );
    await trx('audit_log').insert({
      at: now,
      action: 'seed',
      entity: 'demo',
      after: JSON.stringify({ facilities: facilities.length, users: usernames }),
    });
    return { created: true, password, usernames };
  });
}
