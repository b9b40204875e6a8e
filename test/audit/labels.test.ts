// Every action and entity the code writes into the audit log has a name in both languages, so that the audit page,
// its filter and its exports never show a code such as `reveal_holder_phone` or `audit.entities.funeral_case`. The
// names written as literals are read from the source of every file that records audit entries; the few made at run
// time are listed here with where they come from.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { describe as describeEntry } from '../../server/audit/labels.js';
import { languages, translator } from '../../server/i18n/index.js';
import { moves } from '../../server/waivers/claim-service.js';

const serverDir = path.resolve(import.meta.dirname, '..', '..', 'server');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) return sources(file);
    return e.name.endsWith('.ts') ? [file] : [];
  });
}

/** Files that write audit entries, and the action and entity literals in them. */
function written(): { actions: Set<string>; entities: Set<string> } {
  const actions = new Set<string>();
  const entities = new Set<string>();
  for (const file of sources(serverDir)) {
    const text = fs.readFileSync(file, 'utf8');
    if (!/audit\.record\(|\brecord\(trx/.test(text)) continue;
    for (const m of text.matchAll(/\baction: '([a-z_.]+)'/g)) actions.add(m[1]);
    for (const m of text.matchAll(/\bentity: '([a-z_]+)'/g)) entities.add(m[1]);
  }
  // A facility import's row that is not written at all (server/facilities/csv.ts), never an audit entry.
  actions.delete('invalid');
  return { actions, entities };
}

/** Actions named at run time. */
const computed = [
  'payment', // server/cases/money-service.ts: the payment's kind
  'deposit',
  ...Object.keys(moves).map((m) => `waiver_claim_${m}`), // server/waivers/claim-service.ts
  'accept', // server/coverage/years/service.ts: the review's decision
  'return',
  'correct', // server/regions/kind-service.ts
  'restore',
  'approve_tribute', // server/memorials/service.ts
  'reject_tribute',
  'visit_window.close', // server/visits/service.ts
  'visit_window.open',
];

describe('audit: every action and entity has a name in each language', () => {
  const { actions, entities } = written();

  it('finds the literals it checks', () => {
    expect(actions.size).to.be.greaterThan(40);
    expect(entities.size).to.be.greaterThan(25);
    expect([...actions]).to.include.members(['reveal_holder_phone', 'visit.reserve_for', 'print_certificate']);
    expect([...entities]).to.include.members(['funeral_case', 'resting_placement', 'visit_window']);
  });

  for (const lang of languages) {
    it(`${lang}: actions`, () => {
      const t = translator(lang);
      const unnamed = [...actions, ...computed].filter((a) => t(`audit.actions.${a}`) === `audit.actions.${a}`);
      expect(unnamed).to.deep.equal([]);
    });

    it(`${lang}: entities`, () => {
      const t = translator(lang);
      const unnamed = [...entities].filter((e) => t(`audit.entities.${e}`) === `audit.entities.${e}`);
      expect(unnamed).to.deep.equal([]);
    });
  }

  it("words an action by its entity where the entity has its own word (a release of ashes, of a niche's hold)", () => {
    const names = { facilities: new Map(), regions: new Map(), users: new Map() };
    const row = (entity: string, action: string) => ({
      id: 1,
      at: '2026-12-05T00:00:00.000Z',
      actor_name: 'frontdesk',
      action,
      entity,
      entity_id: '7',
      before: null,
      after: null,
      ip: null,
      region_code: null,
    });
    const zh = translator('zh-CN');
    expect(describeEntry(row('body_custody', 'release'), zh, names).action).to.equal('骨灰领取');
    expect(describeEntry(row('resting_place', 'release'), zh, names).action).to.equal('取消预定');
    expect(describeEntry(row('fridge_slot', 'release'), zh, names).action).to.equal('释放');
    expect(describeEntry(row('visit_window', 'visit_window.close'), zh, names).action).to.equal('关闭时段');
    expect(describeEntry(row('resting_place', 'hold'), zh, names).entity).to.equal('格位墓位');
    expect(describeEntry(row('body_custody', 'release'), translator('en'), names).action).to.equal('Ashes handed over');
    expect(describeEntry(row('no_such_entity', 'no_such_action'), zh, names).action).to.equal('no_such_action');
  });

  it('reads a reveal, a contract and an amount in words, and takes a record id for a region only where it is one', () => {
    const names = {
      facilities: new Map(),
      regions: new Map([
        ['10', '不该出现'],
        ['520201', '钟山区'],
      ]),
      users: new Map(),
    };
    const zh = translator('zh-CN');
    const entry = (entity: string, entityId: string, after: object) =>
      describeEntry(
        {
          id: 1,
          at: '2026-12-05T00:00:00.000Z',
          actor_name: 'cemetery',
          action: 'reveal',
          entity,
          entity_id: entityId,
          before: null,
          after: JSON.stringify(after),
          ip: null,
          region_code: null,
        },
        zh,
        names,
      );
    const reveal = entry('resting_contract', '10', { field: 'holder_phone' });
    expect(reveal.subject).to.equal(''); // contract 10, not a region coded 10
    expect(reveal.changes.map((c) => `${c.label}：${c.after}`)).to.deep.equal(['查看的内容：持证人手机号']);
    const printed = entry('resting_contract', '9', { contract_number: '2007-000001', amount_fen: 120_000 });
    expect(printed.changes.map((c) => `${c.label}：${c.after}`)).to.deep.equal([
      '合同编号：2007-000001',
      '金额：¥1,200.00',
    ]);
    expect(entry('report_settings', '520201', {}).subject).to.equal('钟山区');
  });
});
