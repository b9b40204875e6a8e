// Finding a grave (issue 18 item 7): the staff search by each field within each role's scope, ID numbers and phones
// masked, removed placements marked, pages posted; the families' page answering an exact name and holder's phone
// with the place and a booking link, and one neutral message for anything else; its per-address limit.
import { expect } from 'chai';
import type { Knex } from 'knex';
import { maskIdNumber } from '../../server/http/format.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf, type Reply } from '../helpers/client.js';
import { nextIdNumber } from '../helpers/id-numbers.js';
import { CEMETERY, COLUMBARIUM, facilityNamed } from './fixtures.js';
import { insertContract, insertPlacement, plotAt } from './finder-fixtures.js';

const COMMERCIAL = '凉都经营性公墓（示例）';

/** The names on the results page, in its order. */
const names = (res: Reply) =>
  [...res.text.matchAll(/<tr class="finder-\w+">\s*<td>([^<]*)</g)].map((m) => m[1]).filter((n) => n !== '');

describe(`resting: finding a grave (${dialect})`, () => {
  let app: TestApp;
  let db: Knex;
  let columbarium: number;
  let cemetery: number;
  let commercial: number;
  const ids = { jia: nextIdNumber(), yi: nextIdNumber() };
  const rows: Record<string, { contract?: number; number?: string; place?: number; placement?: number }> = {};

  before(async () => {
    app = await startApp();
    db = app.db;
    columbarium = await facilityNamed(db, COLUMBARIUM);
    cemetery = await facilityNamed(db, CEMETERY);
    commercial = await facilityNamed(db, COMMERCIAL);
    // 甲: a niche in the columbarium (钟山区).
    const a = await plotAt(db, columbarium, 'A-02-03-04');
    const ca = await insertContract(db, {
      facility: columbarium,
      place: a.id,
      holderName: '示例家属甲',
      holderPhone: '13900001111',
    });
    rows.jia = { contract: ca.id, number: ca.number, place: a.id };
    rows.jia.placement = await insertPlacement(db, {
      facility: columbarium,
      contract: ca.id,
      place: a.id,
      deceasedName: '示例逝者甲',
      idNumber: ids.jia,
      method: 'niche',
    });
    // 乙: a double plot of the rural cemetery (钟山区 大河镇), its second slot empty.
    const b = await plotAt(db, cemetery, 'D2-01-03');
    const cb = await insertContract(db, {
      facility: cemetery,
      place: b.id,
      holderName: '示例家属乙',
      holderPhone: '13900002222',
    });
    rows.yi = { contract: cb.id, number: cb.number, place: b.id };
    await insertPlacement(db, {
      facility: cemetery,
      contract: cb.id,
      place: b.id,
      deceasedName: '示例逝者乙',
      idNumber: ids.yi,
      method: 'double',
    });
    // 丙: removed (迁出) from a plot whose contract is still in force.
    const c = await plotAt(db, cemetery, 'D1-09-09');
    const cc = await insertContract(db, {
      facility: cemetery,
      place: c.id,
      holderName: '示例家属丙',
      holderPhone: '13900003333',
    });
    await insertPlacement(db, {
      facility: cemetery,
      contract: cc.id,
      place: c.id,
      deceasedName: '示例逝者丙',
      removedOn: '2026-06-30',
    });
    // 丁: the commercial cemetery of 水城区, outside the county bureau's 钟山区.
    const d = await plotAt(db, commercial);
    const cd = await insertContract(db, {
      facility: commercial,
      place: d.id,
      holderName: '示例家属丁',
      holderPhone: '13900004444',
    });
    await insertPlacement(db, { facility: commercial, contract: cd.id, place: d.id, deceasedName: '示例逝者丁' });
    // 戊: a contract with nobody placed yet; 己: ashes scattered, no contract and no place.
    const e = await plotAt(db, cemetery, 'D1-09-10');
    const ce = await insertContract(db, {
      facility: cemetery,
      place: e.id,
      holderName: '示例家属戊',
      holderPhone: '13900005555',
    });
    rows.wu = { contract: ce.id, number: ce.number, place: e.id };
    await insertPlacement(db, { facility: cemetery, deceasedName: '示例逝者己' });
    // 庚: a contract that has ended, its deceased still recorded at the place.
    const g = await plotAt(db, cemetery, 'D1-09-11');
    const cg = await insertContract(db, {
      facility: cemetery,
      place: g.id,
      holderName: '示例家属庚',
      holderPhone: '13900006666',
      status: 'ended',
    });
    await insertPlacement(db, { facility: cemetery, contract: cg.id, place: g.id, deceasedName: '示例逝者庚' });
  });
  after(() => app.close());

  const search = async (c: Client, form: Record<string, string>) =>
    c.post('/staff/resting/search', form, { from: '/staff/resting/search' });

  describe('staff search', () => {
    it('finds by the start of the deceased’s name, or by a part of it when asked, never a contract alone', async () => {
      const admin = await signedIn(app, 'admin');
      const all = await search(admin, { deceased: '示例逝者' });
      expect(all.status).to.equal(200);
      expect(all.headers.get('cache-control')).to.equal('no-store');
      expect(names(all).sort()).to.deep.equal(
        ['示例逝者甲', '示例逝者乙', '示例逝者丙', '示例逝者丁', '示例逝者己', '示例逝者庚'].sort(),
      );
      expect(textOf(all.text)).to.contain('共 6 条');
      expect(names(await search(admin, { deceased: '逝者乙' }))).to.deep.equal([]);
      expect(names(await search(admin, { deceased: '逝者乙', match: 'contains' }))).to.deep.equal(['示例逝者乙']);
      // LIKE's wildcards are taken literally.
      expect(names(await search(admin, { deceased: '%', match: 'contains' }))).to.deep.equal([]);
    });

    it('finds by the whole ID number or a part of it, and shows it masked only', async () => {
      const admin = await signedIn(app, 'admin');
      const res = await search(admin, { id_number: ids.jia });
      expect(names(res)).to.deep.equal(['示例逝者甲']);
      const table = /<table[\s\S]*<\/table>/.exec(res.text)![0];
      expect(table).to.contain(maskIdNumber(ids.jia)).and.not.contain(ids.jia);
      expect(maskIdNumber(ids.jia)).to.match(/^\d{6}\*{8}[\dX]{4}$/);
      const part = await search(admin, { id_number: ids.yi.slice(-6) });
      expect(names(part)).to.deep.equal(['示例逝者乙']);
      // Spaces typed between the groups do not matter; letters other than a final X are refused on the field.
      const spaced = `${ids.jia.slice(0, 6)} ${ids.jia.slice(6, 14)} ${ids.jia.slice(14)}`;
      expect(names(await search(admin, { id_number: spaced }))).to.deep.equal(['示例逝者甲']);
      const bad = await search(admin, { id_number: 'abc' });
      expect(bad.status).to.equal(400);
      expect(textOf(bad.text)).to.contain('身份证号请填写 4–18 位数字');
    });

    it('finds by holder and by holder’s phone (whole or last digits), the phone masked, linking contract and place', async () => {
      const admin = await signedIn(app, 'admin');
      const byHolder = await search(admin, { holder: '家属乙' });
      expect(names(byHolder)).to.deep.equal(['示例逝者乙']);
      const text = textOf(byHolder.text);
      expect(text).to.contain('139****2222').and.not.contain('13900002222');
      expect(byHolder.text)
        .to.contain(`href="/staff/resting/contracts/${rows.yi.contract}"`)
        .and.contain(`href="/staff/resting/places/${rows.yi.place}"`);
      expect(text).to.contain(rows.yi.number!).and.contain('D2-01-03').and.contain(CEMETERY).and.contain('在葬');
      expect(names(await search(admin, { phone: '139 0000 2222' }))).to.deep.equal(['示例逝者乙']);
      expect(names(await search(admin, { phone: '+86 139-0000-2222' }))).to.deep.equal(['示例逝者乙']);
      expect(names(await search(admin, { phone: '2222' }))).to.deep.equal(['示例逝者乙']);
      expect(names(await search(admin, { phone: '13900002223' }))).to.deep.equal([]);
      // A contract nobody is placed under yet is found by its holder, said so.
      const unplaced = await search(admin, { holder: '家属戊' });
      expect(unplaced.text).to.contain(`href="/staff/resting/contracts/${rows.wu.contract}"`);
      expect(textOf(unplaced.text)).to.contain('未安放').and.contain('共 1 条');
    });

    it('finds by a place’s code or its beginning, marking a removed placement 已迁出 with its date', async () => {
      const admin = await signedIn(app, 'admin');
      expect(names(await search(admin, { code: 'a-02-03-04' }))).to.deep.equal(['示例逝者甲']);
      expect(names(await search(admin, { code: 'A-02' }))).to.deep.equal(['示例逝者甲']);
      const row = await search(admin, { code: 'D1-09' });
      const text = textOf(row.text);
      expect(text).to.contain('共 3 条'); // 丙 removed, 戊's contract alone, 庚 under an ended contract
      expect(text).to.match(/示例逝者丙 D1-09-09 .* 已迁出 于 2026年6月30日/);
      expect(text).to.match(/示例逝者庚 D1-09-11 .* 合同已终止/);
      expect(names(row)).to.deep.equal(['示例逝者庚', '示例逝者丙']); // those in place before the removed
      // Several fields: all must match.
      expect(names(await search(admin, { code: 'D1-09', deceased: '示例逝者丙' }))).to.deep.equal(['示例逝者丙']);
      expect(names(await search(admin, { code: 'A-02', deceased: '示例逝者丙' }))).to.deep.equal([]);
    });

    it('asks for at least one field, keeping the form', async () => {
      const admin = await signedIn(app, 'admin');
      const res = await search(admin, { deceased: '  ', match: 'contains' });
      expect(res.status).to.equal(400);
      expect(textOf(res.text)).to.contain('请至少填写一项查找条件');
      expect(res.text).to.contain('id="match-contains" name="match" value="contains" checked');
    });

    it('keeps each role to its scope: cemetery staff their facility, the county bureau its county, front desk none', async () => {
      const all = ['示例逝者甲', '示例逝者乙', '示例逝者丙', '示例逝者丁', '示例逝者己', '示例逝者庚'];
      const seen = async (role: 'bureau' | 'county_bureau' | 'cemetery_staff') =>
        names(await search(await signedIn(app, role), { deceased: '示例逝者' })).sort();
      expect(await seen('bureau')).to.deep.equal([...all].sort());
      expect(await seen('county_bureau')).to.deep.equal(all.filter((n) => n !== '示例逝者丁').sort());
      expect(await seen('cemetery_staff')).to.deep.equal(
        ['示例逝者乙', '示例逝者丙', '示例逝者己', '示例逝者庚'].sort(),
      );
      // Naming another facility finds nothing outside the scope.
      const staff = await signedIn(app, 'cemetery_staff');
      expect(names(await search(staff, { deceased: '示例逝者', facility_id: String(columbarium) }))).to.deep.equal([]);
      const desk = await signedIn(app, 'front_desk');
      expect((await desk.get('/staff/resting/search')).status).to.equal(403);
      expect((await desk.post('/staff/resting/search', { deceased: '示例逝者' })).status).to.equal(403);
    });

    it('pages the results with buttons posting the same fields', async () => {
      const places = await db('resting_places')
        .where({ facility_id: columbarium, status: 'free' })
        .where('code', 'like', 'B-01-%')
        .orderBy('code')
        .limit(51)
        .select('id');
      for (const [i, p] of places.entries()) {
        const c = await insertContract(db, {
          facility: columbarium,
          place: p.id,
          holderName: '示例翻页',
          holderPhone: '13900007777',
        });
        await insertPlacement(db, {
          facility: columbarium,
          contract: c.id,
          place: p.id,
          deceasedName: `示例翻页${i}`,
          method: 'niche',
        });
      }
      const admin = await signedIn(app, 'admin');
      const first = await search(admin, { holder: '示例翻页' });
      expect(names(first)).to.have.length(50);
      expect(textOf(first.text)).to.contain('共 51 条').and.contain('第 1 / 2 页');
      expect(first.text).to.contain('<input type="hidden" name="holder" value="示例翻页">');
      expect(first.text).to.contain('<input type="hidden" name="page" value="2">');
      const second = await admin.post('/staff/resting/search', { holder: '示例翻页', page: '2' });
      expect(names(second)).to.have.length(1);
      expect(names(first)).to.not.include(names(second)[0]);
    });
  });

  describe('the families’ page', () => {
    const noSession = (res: Reply) =>
      expect(res.headers.getSetCookie().some((c) => c.startsWith('shian.sid='))).to.equal(false);

    async function ask(deceased: string, phone: string): Promise<Reply> {
      const c = new Client(app.url);
      await c.get('/graves');
      return c.post('/graves', { deceased, phone });
    }

    /** What the page says, without the token and what was typed back into the form. */
    const said = (res: Reply) => textOf(res.text.replace(/<form[\s\S]*?<\/form>/, ''));

    it('shows the form in Chinese, without a session, posting (no phone in a URL), linked from home and visits', async () => {
      const c = new Client(app.url);
      const res = await c.get('/graves');
      expect(res.status).to.equal(200);
      noSession(res);
      expect(textOf(res.text)).to.contain('查询墓位、格位').and.contain('逝者姓名').and.contain('联系人手机号');
      expect(res.text).to.contain('<form class="form visit-form" method="post" action="/graves"');
      expect(res.text).to.contain('name="_csrf"').and.contain('type="tel"');
      expect(res.text).to.contain('class="layout-public"').and.contain('class="display-toggle"');
      expect((await c.get('/')).text).to.contain('href="/graves"');
      expect((await c.get('/visits')).text).to.contain('href="/graves"');
    });

    it('shows the facility, the position in words and the code, with a link to book a visit there', async () => {
      const res = await ask('示例逝者甲', '139 0000 1111');
      expect(res.status).to.equal(200);
      expect(res.headers.get('cache-control')).to.equal('no-store');
      noSession(res);
      const text = textOf(res.text);
      expect(text).to.contain('示例逝者甲 安葬（安放）在').and.contain(COLUMBARIUM);
      expect(text).to.contain('骨灰格位 · A 厅 2 号墙 第 3 行 第 4 列').and.contain('A-02-03-04');
      expect(res.text).to.contain(`href="/visits/${columbarium}"`);
      // Nothing of the holder, the contract or the ID number.
      expect(text).to.not.contain('示例家属甲').and.not.contain(rows.jia.number!).and.not.contain(ids.jia.slice(-4));
      const plot = textOf((await ask('示例逝者乙', '13900002222')).text);
      expect(plot).to.contain('墓位 · D2 墓区（双穴区） 第 1 排 第 3 号').and.contain(CEMETERY);
    });

    it('answers a wrong phone, a partial name, an unknown name, a removed placement and an ended contract alike', async () => {
      const answers = await Promise.all([
        ask('示例逝者甲', '13900001112'), // the phone of no holder
        ask('示例逝者甲', '13900002222'), // another holder's phone
        ask('示例逝者', '13900001111'), // the start of the name
        ask('逝者甲', '13900001111'), // a part of it
        ask('示例无此人', '13900001111'),
        ask('示例逝者丙', '13900003333'), // removed (迁出)
        ask('示例逝者庚', '13900006666'), // contract ended
        ask('示例逝者己', '13900001111'), // scattered: no place, no contract
      ]);
      const first = said(answers[0]);
      expect(first).to.contain('没有查到可以显示的信息');
      for (const a of answers) {
        expect(a.status).to.equal(200);
        expect(said(a)).to.equal(first);
        expect(a.text).to.not.contain('/visits/').and.not.contain(COLUMBARIUM).and.not.contain(CEMETERY);
      }
    });

    it('refuses a form without its CSRF token, and says what is wrong with a name or phone typed wrongly', async () => {
      const c = new Client(app.url);
      await c.get('/graves');
      expect(
        (await c.post('/graves', { deceased: '示例逝者甲', phone: '13900001111' }, { csrf: false })).status,
      ).to.equal(403);
      const bad = await c.post('/graves', { deceased: '甲', phone: '12' });
      expect(bad.status).to.equal(400);
      expect(textOf(bad.text)).to.contain('请填写逝者的完整姓名').and.contain('请填写正确的手机号');
      expect(bad.text).to.contain('value="甲"');
    });
  });
});

describe(`resting: the families’ grave finder under a per-address limit (${dialect})`, () => {
  let app: TestApp;

  before(async () => {
    app = await startApp({ config: { publicRatePerMinute: 3 } });
  });
  after(() => app.close());

  it('answers the fourth search of a minute with 429 and the message in Chinese, keeping the name typed', async () => {
    const c = new Client(app.url);
    await c.get('/graves');
    for (let i = 0; i < 3; i++)
      expect((await c.post('/graves', { deceased: '示例无此人', phone: '13900009999' })).status).to.equal(200);
    const res = await c.post('/graves', { deceased: '示例逝者甲', phone: '13900001111' });
    expect(res.status).to.equal(429);
    expect(res.headers.get('retry-after')).to.match(/^\d+$/);
    expect(textOf(res.text)).to.contain('操作过于频繁，请 1 分钟后再试');
    expect(res.text).to.contain('value="示例逝者甲"');
    // Reading the form is never limited.
    expect((await c.get('/graves')).status).to.equal(200);
  });
});
