// Eligibility of public-welfare resting places (issue 18, item 4): a rural cemetery takes the villages it serves (the
// service area coverage counts with), an urban cemetery and a public columbarium the residents of their county, a
// commercial cemetery anyone; a missing or too coarse household region is refused with a request for it.
import { expect } from 'chai';
import type { BuildMode, FacilityKind } from '../../server/facilities/kinds.js';
import { UnprocessableError } from '../../server/http/errors.js';
import { translator } from '../../server/i18n/index.js';
import { shortName } from '../../server/regions/levels.js';
import {
  assertEligible,
  eligibilityRefusal,
  servedArea,
  type EligibilityFacility,
} from '../../server/resting/eligibility-service.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { signedIn } from '../helpers/client.js';

describe(`resting places: eligibility (${dialect})`, () => {
  let app: TestApp;
  const zh = translator('zh-CN');
  const DAHE = '520201101'; // 大河镇, 钟山区
  let dahe: { code: string; name: string }[]; // villages of 大河镇
  let other: { code: string; name: string }; // a village of another township of 钟山区
  let shuicheng: string; // a village of 水城区 (520204)
  let serial = 0;

  before(async () => {
    app = await startApp();
    dahe = await app
      .db('regions')
      .where({ parent_code: DAHE, level: 'village' })
      .orderBy('code')
      .limit(3)
      .select('code', 'name');
    other = await app
      .db('regions')
      .where({ level: 'village' })
      .where('code', 'like', '520201%')
      .whereNot('parent_code', DAHE)
      .orderBy('code')
      .first('code', 'name');
    shuicheng = (
      await app.db('regions').where({ level: 'village' }).where('code', 'like', '520204%').orderBy('code').first('code')
    ).code;
    expect(dahe).to.have.length(3);
  });
  after(() => app.close());

  async function facility(kind: FacilityKind, region: string, mode: BuildMode | null = null, areas: string[] = []) {
    serial += 1;
    const now = new Date().toISOString();
    const [row] = await app
      .db('facilities')
      .insert({
        name: `资格测试${serial}`,
        kind,
        status: 'operating',
        region_code: region,
        build_mode: mode,
        is_sample: false,
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    const id = typeof row === 'object' ? row.id : row;
    for (const code of areas) await app.db('facility_service_areas').insert({ facility_id: id, region_code: code });
    return { id: id as number, kind, region_code: region, name: `资格测试${serial}` };
  }

  /** The Chinese message a refusal shows. */
  async function refusalText(f: EligibilityFacility, household: string | null): Promise<string> {
    try {
      await assertEligible(app.db, f, household, 'household_region_code');
    } catch (e) {
      expect(e).to.be.instanceOf(UnprocessableError);
      const err = e as UnprocessableError;
      expect(err.status).to.equal(422);
      expect(err.fields.household_region_code.key).to.equal(`errors.${err.code}`);
      return zh(`errors.${err.code}`, err.params);
    }
    throw new Error('expected a refusal');
  }

  describe('rural public-welfare cemetery', () => {
    it('takes the deceased of a village it serves, and refuses another village naming the rule and the village', async () => {
      // 多村联建: stands in the first village, lists the second.
      const f = await facility('rural_public_cemetery', dahe[0].code, 'multi_village', [dahe[1].code]);
      expect(await eligibilityRefusal(app.db, f, dahe[0].code)).to.equal(undefined);
      expect(await eligibilityRefusal(app.db, f, dahe[1].code)).to.equal(undefined);
      await assertEligible(app.db, f, dahe[1].code);

      const refusal = await eligibilityRefusal(app.db, f, dahe[2].code);
      expect(refusal).to.deep.include({ rule: 'rural_village', code: 'ineligible_rural_village' });
      const village = `大河镇${shortName(dahe[2].name)}`;
      expect(refusal!.params).to.deep.equal({ facility: f.name, household: village, area: '' });
      const text = await refusalText(f, dahe[2].code);
      expect(text).to.include('农村公益性公墓只安葬其服务村的村民');
      expect(text).to.include(village);
      expect(text).to.include(f.name);
      expect(await eligibilityRefusal(app.db, f, other.code)).to.deep.include({ code: 'ineligible_rural_village' });
    });

    it('takes every village of its township when built for the whole township (全镇统建), and no village outside', async () => {
      const f = await facility('rural_public_cemetery', DAHE, 'township_wide');
      for (const v of dahe) expect(await eligibilityRefusal(app.db, f, v.code), v.code).to.equal(undefined);
      expect(await eligibilityRefusal(app.db, f, DAHE)).to.equal(undefined); // registered at the township itself
      const refusal = await eligibilityRefusal(app.db, f, other.code);
      expect(refusal).to.deep.include({ code: 'ineligible_rural_village' });
      expect(refusal!.params.household).to.equal(
        (
          await app
            .db('regions')
            .where({ code: other.code.slice(0, 9) })
            .first('name')
        ).name + shortName(other.name),
      );
    });

    it('follows the single village a 单村独建 cemetery stands in', async () => {
      const f = await facility('rural_public_cemetery', dahe[1].code, 'single_village');
      expect(await eligibilityRefusal(app.db, f, dahe[1].code)).to.equal(undefined);
      expect(await eligibilityRefusal(app.db, f, dahe[0].code)).to.deep.include({ code: 'ineligible_rural_village' });
    });

    it('asks for the village when the household region is missing or stops above the village', async () => {
      const f = await facility('rural_public_cemetery', dahe[0].code, 'single_village');
      expect(await eligibilityRefusal(app.db, f, null)).to.deep.include({
        rule: 'rural_village',
        code: 'ineligible_rural_village_unknown',
      });
      expect(await eligibilityRefusal(app.db, f, '  ')).to.deep.include({ code: 'ineligible_rural_village_unknown' });
      expect(await eligibilityRefusal(app.db, f, DAHE)).to.deep.include({ code: 'ineligible_rural_village_unknown' });
      expect(await refusalText(f, null)).to.include('请填写到逝者户籍所在的村（居）');
    });
  });

  describe('urban public-welfare cemetery', () => {
    it('takes residents of its county, and refuses another county naming the rule, the village and the county', async () => {
      const f = await facility('urban_public_cemetery', '520201011');
      expect(await eligibilityRefusal(app.db, f, dahe[2].code)).to.equal(undefined);
      expect(await eligibilityRefusal(app.db, f, '520201')).to.equal(undefined);
      const refusal = await eligibilityRefusal(app.db, f, shuicheng);
      expect(refusal).to.deep.include({ rule: 'urban_county', code: 'ineligible_urban_county' });
      expect(refusal!.params.area).to.equal('钟山区');
      const text = await refusalText(f, shuicheng);
      expect(text).to.include('城市公益性公墓只安葬本县（区）户籍居民');
      expect(text).to.include(refusal!.params.household);
      expect(text).to.include('钟山区');
      expect(refusal!.params.household).to.match(/^.+(镇|乡|街道).+/);
    });

    it('asks for the household region when it is missing or coarser than a county', async () => {
      const f = await facility('urban_public_cemetery', '520201011');
      expect(await eligibilityRefusal(app.db, f, null)).to.deep.include({ code: 'ineligible_urban_county_unknown' });
      expect(await eligibilityRefusal(app.db, f, '5202')).to.deep.include({ code: 'ineligible_urban_county_unknown' });
      expect(await refusalText(f, null)).to.include('钟山区户籍居民');
    });
  });

  describe('columbarium and commercial cemetery', () => {
    it('applies the county rule to a public columbarium', async () => {
      const f = await facility('columbarium', '520201101');
      expect(await eligibilityRefusal(app.db, f, other.code)).to.equal(undefined);
      expect(await eligibilityRefusal(app.db, f, shuicheng)).to.deep.include({
        rule: 'columbarium_county',
        code: 'ineligible_columbarium_county',
      });
      expect(await eligibilityRefusal(app.db, f, null)).to.deep.include({
        code: 'ineligible_columbarium_county_unknown',
      });
    });

    it('lets a commercial cemetery take anyone, even without a household region', async () => {
      const f = await facility('commercial_cemetery', '520204100');
      for (const h of [dahe[0].code, shuicheng, '110101', null])
        expect(await eligibilityRefusal(app.db, f, h), String(h)).to.equal(undefined);
      await assertEligible(app.db, f, null);
    });
  });

  it('lists the villages a rural cemetery serves for its page, and the county of the others', async () => {
    const f = await facility('rural_public_cemetery', dahe[0].code, 'multi_village', [dahe[2].code]);
    const s = await servedArea(app.db, f);
    expect(s.rule).to.equal('rural_village');
    expect(s.villages.map((v) => v.code)).to.deep.equal([dahe[0].code, dahe[2].code]);
    expect(s.villages[1].name).to.equal(`大河镇${shortName(dahe[2].name)}`);
    const wide = await servedArea(app.db, await facility('rural_public_cemetery', DAHE, 'township_wide'));
    expect(wide.townships).to.deep.equal([{ code: DAHE, name: '钟山区大河镇' }]);
    const urban = await servedArea(app.db, await facility('urban_public_cemetery', '520204001'));
    expect(urban).to.deep.include({ rule: 'urban_county', area: { code: '520204', name: '水城区' } });
    expect(await servedArea(app.db, await facility('commercial_cemetery', '520204100'))).to.deep.include({
      rule: null,
    });
  });

  it('shows the villages served on the facility’s resting page (服务范围)', async () => {
    const f = await facility('rural_public_cemetery', dahe[0].code, 'multi_village', [dahe[2].code]);
    const bureau = await signedIn(app, 'bureau');
    const page = await bureau.get(`/staff/resting/${f.id}`);
    expect(page.status).to.equal(200);
    const panel = /<section class="resting-served"[\s\S]*?<\/section>/.exec(page.text)?.[0] ?? '';
    expect(panel).to.contain('服务范围');
    expect(panel).to.contain('农村公益性公墓只安葬其服务村的村民');
    expect(panel).to.contain(`<li data-code="${dahe[2].code}">大河镇${shortName(dahe[2].name)}</li>`);
    expect(panel).not.to.contain(dahe[1].code);
    const urban = await facility('urban_public_cemetery', '520204100');
    expect((await bureau.get(`/staff/resting/${urban.id}`)).text).to.contain('服务地区：水城区');
  });
});
