// The move of each case's one contact (funeral_cases.contact_*) into case_contacts: every case keeps its contact,
// as its ashes recipient, the columns go, and the other rules of funeral_cases (its CHECKs) stay.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { dialect, freshDb } from '../helpers/app.js';

const dir = path.resolve('db/migrations');
const files = fs
  .readdirSync(dir)
  .filter((f) => /^\d{12}_.*\.ts$/.test(f))
  .sort();
const MOVE = '202612041300';

async function migrate(db: Knex, file: string): Promise<void> {
  const m = (await import(pathToFileURL(path.join(dir, file)).href)) as { up(k: Knex): Promise<void> };
  if (dialect === 'sqlite') await db.raw('PRAGMA foreign_keys = OFF');
  try {
    await db.transaction((trx) => m.up(trx));
  } finally {
    if (dialect === 'sqlite') await db.raw('PRAGMA foreign_keys = ON');
  }
}

describe(`cases: moving the contacts into case_contacts (${dialect})`, () => {
  it('copies each case’s contact as its ashes recipient, drops the columns and keeps the CHECKs', async () => {
    const t = await freshDb();
    try {
      for (const f of files.filter((f) => f < MOVE)) await migrate(t.db, f);
      const now = new Date().toISOString();
      await t.db('regions').insert({ code: '52', name: '贵州省', level: 'province' });
      const [home] = await t
        .db('facilities')
        .insert({
          name: '殡仪馆',
          kind: 'funeral_home',
          status: 'operating',
          region_code: '52',
          is_sample: false,
          created_at: now,
          updated_at: now,
        })
        .returning('id');
      const homeId = typeof home === 'object' ? home.id : home;
      const base = {
        facility_id: homeId,
        status: 'stored',
        deceased_name: '旧案',
        id_number: '520201194003150010',
        sex: 'male',
        birth_date: '1940-03-15',
        death_at: now,
        created_at: now,
        updated_at: now,
      };
      await t.db('funeral_cases').insert([
        {
          ...base,
          case_number: 'OLD-1',
          contact_name: '甲',
          contact_phone: '13800000001',
          contact_relationship: '儿子',
        },
        {
          ...base,
          case_number: 'OLD-2',
          contact_name: '乙',
          contact_phone: '13800000002',
          contact_relationship: '女儿',
        },
      ]);
      for (const f of files.filter((f) => f >= MOVE && f < '202612041310')) await migrate(t.db, f);

      const cases = await t.db('funeral_cases').orderBy('case_number');
      expect(cases).to.have.length(2);
      for (const c of cases) expect(c).to.not.have.any.keys('contact_name', 'contact_phone', 'contact_relationship');
      const contacts = await t
        .db('case_contacts as k')
        .join('funeral_cases as c', 'c.id', 'k.case_id')
        .orderBy('c.case_number')
        .select('c.case_number', 'k.name', 'k.phone', 'k.relationship', 'k.is_ashes_recipient');
      expect(contacts.map((k) => ({ ...k, is_ashes_recipient: Boolean(k.is_ashes_recipient) }))).to.deep.equal([
        { case_number: 'OLD-1', name: '甲', phone: '13800000001', relationship: '儿子', is_ashes_recipient: true },
        { case_number: 'OLD-2', name: '乙', phone: '13800000002', relationship: '女儿', is_ashes_recipient: true },
      ]);
      // funeral_cases still refuses an unknown status
      const bad = await t
        .db('funeral_cases')
        .insert({ ...base, case_number: 'OLD-3', status: 'closed' })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect((bad as { code?: string } | null)?.code).to.be.oneOf(['23514', 'SQLITE_CONSTRAINT_CHECK']);
    } finally {
      await t.drop();
    }
  });
});
