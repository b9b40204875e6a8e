// Laying out walls and sections: the confirm step shows the count and creates nothing, confirming creates every
// niche with its code and tier in one go; the 1 m² rule of ash graves at the form and in the database; who sees what.
import { expect } from 'chai';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { signedIn, textOf } from '../helpers/client.js';
import { isCheckViolation, violatedConstraint } from '../../server/db.js';
import { CEMETERY, COLUMBARIUM, facilityNamed } from './fixtures.js';

describe(`resting: layout and scopes (${dialect})`, () => {
  let app: TestApp;
  let columbarium: number;
  let cemetery: number;

  before(async () => {
    app = await startApp();
    columbarium = await facilityNamed(app.db, COLUMBARIUM);
    cemetery = await facilityNamed(app.db, CEMETERY);
  });
  after(() => app.close());

  const wallForm = {
    hall: 'c',
    wall_from: '1',
    wall_to: '3',
    rows: '10',
    columns: '20',
    tier: '普通',
    special_tier: '优选',
    special_from: '4',
    special_to: '7',
    term_years: '20',
  };

  it('shows the count of a range first and creates nothing until it is confirmed', async () => {
    const admin = await signedIn(app, 'admin');
    const res = await admin.post(`/staff/resting/${columbarium}/walls`, wallForm, {
      from: `/staff/resting/${columbarium}/walls/new`,
    });
    expect(res.status).to.equal(200);
    expect(textOf(res.text)).to.contain('将在 C 厅生成 3 面墙，共 600 个格位（C-01-01-01 至 C-03-10-20）');
    expect(await app.db('resting_places').where('code', 'like', 'C-%').count({ n: '*' })).to.deep.equal([{ n: 0 }]);
  });

  it('goes back from the confirm step to the form with everything as typed (修改), creating nothing', async () => {
    const admin = await signedIn(app, 'admin');
    const res = await admin.post(
      `/staff/resting/${columbarium}/walls`,
      { ...wallForm, hall: 'C', wall_to: '3', confirm: '1', edit: '1' },
      { from: `/staff/resting/${columbarium}/walls/new` },
    );
    expect(res.status).to.equal(200);
    for (const [name, value] of Object.entries({ hall: 'C', wall_to: '3', special_tier: '优选', special_from: '4' }))
      expect(res.text, name).to.match(new RegExp(`name="${name}"[^>]*value="${value}"`));
    expect(res.text).not.to.contain('name="confirm"');
    expect(await app.db('resting_places').where('code', 'like', 'C-%').count({ n: '*' })).to.deep.equal([{ n: 0 }]);
  });

  it('creates hall C walls 1–3 × 10 rows × 20 columns: 600 niches coded hall-wall-row-column, rows 4–7 in the other tier', async () => {
    const admin = await signedIn(app, 'admin');
    const res = await admin.post(
      `/staff/resting/${columbarium}/walls`,
      { ...wallForm, confirm: '1' },
      { from: `/staff/resting/${columbarium}/walls/new` },
    );
    expect(res.status).to.equal(302);
    const rows = await app
      .db('resting_places')
      .where('code', 'like', 'C-%')
      .select('code', 'tier', 'status', 'term_years');
    expect(rows).to.have.length(600);
    expect(rows.every((r) => r.status === 'free' && Number(r.term_years) === 20)).to.equal(true);
    const byCode = new Map(rows.map((r) => [r.code, r]));
    expect(byCode.get('C-03-07-12')!.tier).to.equal('优选');
    expect(byCode.get('C-03-08-12')!.tier).to.equal('普通');
    expect(byCode.has('C-01-10-20')).to.equal(true);
    expect(byCode.has('C-04-01-01')).to.equal(false);
    expect(
      await app.db('resting_groups').where({ facility_id: columbarium, hall: 'C' }).count({ n: '*' }),
    ).to.deep.equal([{ n: 3 }]);
    const audit = await app.db('audit_log').where({ entity: 'resting_walls' }).first('region_code');
    expect(audit.region_code).to.equal('520201101');
  });

  it('refuses a range overlapping an existing wall as a whole, naming the hall', async () => {
    const admin = await signedIn(app, 'admin');
    const res = await admin.post(
      `/staff/resting/${columbarium}/walls`,
      { ...wallForm, wall_from: '3', wall_to: '5', confirm: '1' },
      { from: `/staff/resting/${columbarium}/walls/new` },
    );
    expect(res.status).to.equal(409);
    expect(textOf(res.text)).to.contain('C 厅的这些墙中已有墙存在');
    const preview = await admin.post(
      `/staff/resting/${columbarium}/walls`,
      { ...wallForm, wall_from: '3', wall_to: '5' },
      { from: `/staff/resting/${columbarium}/walls/new` },
    );
    expect(preview.status, 'already at the confirm step').to.equal(409);
    expect(await app.db('resting_places').where('code', 'like', 'C-04-%').count({ n: '*' })).to.deep.equal([{ n: 0 }]);
  });

  it('refuses a single ash grave over 1 m² at the form, naming the rule', async () => {
    const staff = await signedIn(app, 'cemetery_staff');
    const res = await staff.post(
      `/staff/resting/${cemetery}/sections`,
      { code: 'E1', rows: '2', columns: '5', place_type: 'single', area_m2: '1.2', term_years: '20', confirm: '1' },
      { from: `/staff/resting/${cemetery}/sections/new` },
    );
    expect(res.status).to.equal(400);
    expect(textOf(res.text)).to.contain('单穴、双穴骨灰墓占地不得超过 1 平方米');
    expect(await app.db('resting_groups').where({ code: 'E1' }).first()).to.equal(undefined);
  });

  it('lays out a tree-burial section of larger plots, and a double-grave section of exactly 1 m²', async () => {
    const staff = await signedIn(app, 'cemetery_staff');
    for (const [code, type, area] of [
      ['T9', 'tree', '1.5'],
      ['E2', 'double', '1'],
    ]) {
      const res = await staff.post(
        `/staff/resting/${cemetery}/sections`,
        { code, rows: '2', columns: '5', place_type: type, area_m2: area, term_years: '20', confirm: '1' },
        { from: `/staff/resting/${cemetery}/sections/new` },
      );
      expect(res.status, code).to.equal(302);
    }
    const plots = await app.db('resting_places').where('code', 'like', 'E2-%').select('code', 'area_m2', 'place_type');
    expect(plots).to.have.length(10);
    expect(plots.map((p) => p.code)).to.include('E2-02-05');
    expect(Number(plots[0].area_m2)).to.equal(1);
  });

  it('has the database refuse a single ash grave over 1 m² written past the form', async () => {
    const group = await app.db('resting_groups').where({ facility_id: cemetery, code: 'E2' }).first('id');
    const err = await app
      .db('resting_places')
      .insert({
        facility_id: cemetery,
        group_id: group.id,
        kind: 'plot',
        code: 'E2-09-09',
        row_no: 9,
        column_no: 9,
        place_type: 'single',
        area_m2: 1.01,
        term_years: 20,
        status: 'free',
        updated_at: new Date().toISOString(),
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isCheckViolation(err), String(err)).to.equal(true);
    expect(violatedConstraint(err)).to.contain('resting_places_ash_grave_max_1m2');
  });

  it('has the database refuse a hold without its expiry, a block without its reason, and a niche of a plot type', async () => {
    const place = await app.db('resting_places').where({ facility_id: cemetery, status: 'free' }).first('id');
    const refused = (change: Record<string, unknown>) =>
      app
        .db('resting_places')
        .where({ id: place.id })
        .update(change)
        .then(
          () => null,
          (e: unknown) => violatedConstraint(e),
        );
    expect(await refused({ status: 'held', hold_expires_at: null })).to.contain('resting_places_hold_fields');
    expect(await refused({ status: 'blocked' })).to.contain('resting_places_block_reason');
    expect(await refused({ status: 'free', blocked_reason: '旧原因' })).to.contain('resting_places_block_reason');
    expect(await refused({ kind: 'niche' })).to.contain('resting_places_niche_type');
    expect(await refused({ status: 'reserved' })).to.contain('resting_places_status_in');
  });

  it('lets cemetery staff open their own cemetery and not the columbarium, another facility (404)', async () => {
    const staff = await signedIn(app, 'cemetery_staff');
    expect((await staff.get(`/staff/resting/${cemetery}`)).status).to.equal(200);
    expect((await staff.get(`/staff/resting/${columbarium}`)).status).to.equal(404);
    expect((await staff.get(`/staff/resting/${columbarium}/grid/1`)).status).to.equal(404);
    const niche = await app.db('resting_places').where({ facility_id: columbarium }).first('id');
    expect((await staff.get(`/staff/resting/places/${niche.id}`)).status).to.equal(404);
    expect((await staff.post(`/staff/resting/places/${niche.id}/hold`, {})).status).to.equal(404);
    const list = await staff.get('/staff/resting');
    expect(list.status).to.equal(302);
    expect(list.location).to.equal(`/staff/resting/${cemetery}`);
  });

  it('answers 404 for a wall asked under another facility, a facility keeping no places or a missing wall', async () => {
    const admin = await signedIn(app, 'admin');
    const wall = await app.db('resting_groups').where({ facility_id: columbarium }).first('id');
    expect((await admin.get(`/staff/resting/${columbarium}/grid/${wall.id}`)).status).to.equal(200);
    expect((await admin.get(`/staff/resting/${cemetery}/grid/${wall.id}`)).status).to.equal(404);
    const home = await facilityNamed(app.db, '六盘水市殡仪馆（示例）');
    expect((await admin.get(`/staff/resting/${home}/grid/${wall.id}`)).status).to.equal(404);
    expect((await admin.get(`/staff/resting/${columbarium}/grid/999999`)).status).to.equal(404);
  });

  it('lets the county bureau read its county’s columbarium and nothing outside it, and change none', async () => {
    const county = await signedIn(app, 'county_bureau');
    const page = await county.get(`/staff/resting/${columbarium}`);
    expect(page.status).to.equal(200);
    expect(textOf(page.text)).to.not.contain('生成格位墙');
    const outside = await facilityNamed(app.db, '凉都经营性公墓（示例）');
    expect((await county.get(`/staff/resting/${outside}`)).status).to.equal(404);
    const list = textOf((await county.get('/staff/resting')).text);
    expect(list).to.contain(COLUMBARIUM);
    expect(list).to.not.contain('凉都经营性公墓（示例）');
    const niche = await app.db('resting_places').where({ facility_id: columbarium }).first('id');
    expect((await county.post(`/staff/resting/places/${niche.id}/hold`, {})).status).to.equal(403);
  });

  it('refuses the front desk every resting page (403)', async () => {
    const front = await signedIn(app, 'front_desk');
    expect((await front.get('/staff/resting')).status).to.equal(403);
    expect((await front.get(`/staff/resting/${columbarium}`)).status).to.equal(403);
  });

  it('shows the inventory by type and shown status on the facility page', async () => {
    const admin = await signedIn(app, 'admin');
    const text = textOf((await admin.get(`/staff/resting/${cemetery}`)).text);
    // 200 single graves: 192 free, 1 held, 3 occupied, 2 expiring, 1 expired, 1 blocked (db/seeds/demo-resting.ts).
    expect(text).to.contain('单穴 200 192 1 3 2 1 1');
    expect(text).to.contain('深埋不留坟头 30 30');
  });
});
