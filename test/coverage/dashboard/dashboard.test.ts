// The coverage dashboard: its numbers are computeCoverage's; targets in force (a county's own before the city's, an
// earlier year's still applying) met or behind by points and units; the child table and its worst-first sort; the
// chart (well-formed SVG, the yearly figures behind it); uncovered villages; empty states; who may open it.
import { expect } from 'chai';
import { SaxesParser } from 'saxes';
import { formatRate as percent, ratioTenths, tenthsText } from '../../../server/http/format.js';
import {
  chartYears,
  listHref,
  sortRows,
  standing,
  yearlySeries,
  type ChildRow,
} from '../../../server/coverage/dashboard/service.js';
import { targetInForce } from '../../../server/coverage/targets/service.js';
import { coverageIndicators, type CoverageIndicator } from '../../../server/coverage/indicators/kinds.js';
import { computeCoverage } from '../../../server/coverage/engine/service.js';
import type { Target } from '../../../server/coverage/targets/service.js';
import { startApp, dialect, type TestApp } from '../../helpers/app.js';
import { Client, signedIn, textOf } from '../../helpers/client.js';

const DATE = '2026-11-25';
const num = (s: string) => Number(s.replace(/,/g, ''));
/** Attribute values as the browser reads them (Handlebars writes = as &#x3D; and & as &amp;). */
const decoded = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

/** The HTML of the element that opens with `open` (a unique attribute string), up to its matching close tag. */
function element(html: string, open: string, tag: string): string {
  const start = html.indexOf(open);
  expect(start, `no ${open}`).to.be.greaterThan(-1);
  const from = html.lastIndexOf(`<${tag}`, start);
  let depth = 0;
  const re = new RegExp(`<${tag}[\\s>]|</${tag}>`, 'g');
  re.lastIndex = from;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    depth += m[0].startsWith('</') ? -1 : 1;
    if (depth === 0) return html.slice(from, m.index + m[0].length);
  }
  throw new Error(`unclosed ${tag}`);
}

/** covered / total of a card or cell: the numbers its links carry. */
function pair(html: string): { covered: number; total: number } {
  const covered = /data-covered[^>]*>([\d,]+)</.exec(html);
  const total = /data-total[^>]*>([\d,]+)</.exec(html);
  expect(covered && total, html).to.not.equal(null);
  return { covered: num(covered![1]), total: num(total![1]) };
}

const target = (over: Partial<Target>): Target => ({
  id: 1,
  region_code: '5202',
  indicator: 'villages',
  year: 2024,
  rate: 0.8,
  source: null,
  ...over,
});

describe('coverage dashboard: rules', () => {
  it('counts the units still needed as ceil(target × total) − covered, never asking for an extra one by rounding', () => {
    expect(standing({ covered: 6, total: 10, rate: 0.6 }, 0.7)).to.include({ met: false, needed: 1, gapText: '10.0' });
    expect(standing({ covered: 7, total: 10, rate: 0.7 }, 0.7)).to.include({ met: true, needed: 0, gapText: '0.0' });
    expect(standing({ covered: 180, total: 724, rate: 180 / 724 }, 0.25)).to.include({ met: false, needed: 1 });
    expect(standing({ covered: 181, total: 724, rate: 181 / 724 }, 0.25)).to.include({ met: true, needed: 0 });
    // Behind by a hair still reads as behind, with at least 0.1 points.
    expect(standing({ covered: 999, total: 1000, rate: 0.999 }, 0.9995)).to.include({
      met: false,
      needed: 1,
      gapText: '0.1',
    });
    expect(standing({ covered: 0, total: 0, rate: null }, 0.5)).to.include({ met: false, needed: 0 });
  });

  it("takes a county's own target before the city's, and an earlier year's when the year has none", () => {
    const targets = [
      target({ id: 1, year: 2024, rate: 0.8 }),
      target({ id: 2, year: 2025, rate: 1 }),
      target({ id: 3, region_code: '520204', year: 2025, rate: 0.9 }),
    ];
    expect(targetInForce(targets, '520204', 'villages', 2025)).to.include({
      rate: 0.9,
      regionCode: '520204',
      own: true,
      carried: false,
    });
    expect(targetInForce(targets, '520201', 'villages', 2025)).to.include({
      rate: 1,
      regionCode: '5202',
      own: false,
      carried: false,
    });
    expect(targetInForce(targets, '520201', 'villages', 2026)).to.include({ rate: 1, year: 2025, carried: true });
    expect(targetInForce(targets, '520201', 'villages', 2023)).to.equal(undefined);
    expect(targetInForce(targets, '520201', 'townships', 2026)).to.equal(undefined);
  });

  it('charts from 2021 to the year after the date, stretched to the last target year', () => {
    expect(chartYears('2026-11-25', [])).to.deep.equal([2021, 2022, 2023, 2024, 2025, 2026, 2027]);
    expect(chartYears('2023-05-01', [target({ year: 2025 })])).to.deep.equal([2021, 2022, 2023, 2024, 2025]);
    expect(chartYears('2019-05-01', [])).to.deep.equal([2019, 2020]);
    expect(chartYears('2026-01-01', [target({ year: 2045 })])).to.have.length(12);
  });

  it('sorts child rows worst first: lowest rate, then most units needed, rows without data last', () => {
    const row = (code: string, covered: number, total: number): ChildRow => ({
      code,
      name: code,
      level: 'county',
      communities: 0,
      cells: [
        {
          indicator: 'villages',
          covered,
          total,
          uncovered: total - covered,
          rate: total ? covered / total : null,
          rateText: null,
          single: false,
          links: { covered: '', uncovered: '', all: '' },
        },
      ],
    });
    const rows = [row('a', 5, 10), row('b', 0, 0), row('c', 1, 10), row('d', 10, 20), row('e', 10, 10)];
    expect(sortRows(rows, 'villages').map((r) => r.code)).to.deep.equal(['c', 'd', 'a', 'e', 'b']);
    expect(sortRows(rows, 'code').map((r) => r.code)).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
  });

  it('links each number to its list, keeping region and date', () => {
    expect(listHref('central_villages', '5202', DATE, 'covered')).to.equal(
      '/staff/coverage/villages?region=5202&date=2026-11-25&central=1&status=covered',
    );
    expect(listHref('cremation_counties', '5202', DATE)).to.equal(
      '/staff/coverage/counties?region=5202&date=2026-11-25&indicator=cremation_counties',
    );
    expect(listHref('communities', '520201', DATE)).to.equal(
      '/staff/coverage/villages?region=520201&date=2026-11-25&kind=community',
    );
    expect(listHref('townships', '520201', DATE, 'uncovered')).to.equal(
      '/staff/coverage/townships?region=520201&date=2026-11-25&status=uncovered',
    );
  });
});

describe(`coverage dashboard: pages (${dialect})`, () => {
  let app: TestApp;
  let bureau: Client;

  before(async () => {
    app = await startApp();
    bureau = await signedIn(app, 'bureau');
  });
  after(() => app.close());

  const page = async (query: string) => {
    const res = await bureau.get(`/staff/coverage?${query}`);
    expect(res.status, res.text.slice(0, 500)).to.equal(200);
    return res.text;
  };
  const card = (html: string, i: string) => element(html, `data-indicator="${i}"`, 'article');

  it('opens on the demo city and today, in Chinese, with the links of the header', async () => {
    const res = await bureau.get('/staff/coverage');
    expect(res.status).to.equal(200);
    const text = textOf(res.text);
    const html = decoded(res.text);
    expect(text)
      .to.contain('六盘水市殡葬设施覆盖情况')
      .and.contain('区县覆盖')
      .and.contain('行政村覆盖')
      .and.contain('历年覆盖率与目标');
    const q = /href="\/staff\/coverage\/map\?(region=5202&date=\d{4}-\d{2}-\d{2})"/.exec(html);
    expect(q).to.not.equal(null);
    for (const path of [
      '/staff/coverage/proposal',
      '/staff/coverage/report.pdf',
      '/staff/coverage/report.csv',
      '/staff/coverage/report.xlsx',
    ]) {
      expect(html).to.contain(`href="${path}?${q![1]}"`);
    }
    expect(res.text).to.contain('data-print hidden').and.contain('<script src="/static/js/print.js" defer></script>');
    expect(res.text).to.contain('<link rel="stylesheet" href="/static/css/coverage.css">');
    expect(res.text).to.not.match(/<script>(?!<\/script>)/); // no inline script
  });

  it("shows computeCoverage's numbers on the cards and in every row of the child table, with the sum row the city's", async () => {
    const html = await page(`region=5202&date=${DATE}`);
    const expected = await computeCoverage(app.db, { region: '5202', date: DATE });
    for (const i of coverageIndicators) {
      const c = card(html, i);
      const r = expected.region.indicators[i];
      expect(pair(c), i).to.deep.equal({ covered: r.covered, total: r.total });
      expect(c).to.contain(percent(r.rate!));
    }
    const table = element(html, 'id="children"', 'section');
    for (const child of expected.children) {
      const row = element(table, `data-code="${child.code}"`, 'tr');
      expect(row).to.contain(child.name);
      for (const i of ['townships', 'villages', 'central_villages'] as CoverageIndicator[]) {
        const cell = element(row, `data-indicator="${i}"`, 'td');
        expect(pair(cell), `${child.name} ${i}`).to.deep.equal({
          covered: child.indicators[i].covered,
          total: child.indicators[i].total,
        });
      }
      // A county's own county and cremation figures are one unit: yes or no.
      expect(element(row, 'data-indicator="counties"', 'td')).to.contain(
        child.indicators.counties.covered ? '已建成' : '尚未建成',
      );
      expect(element(row, 'data-indicator="cremation_counties"', 'td')).to.contain(
        child.indicators.cremation_counties.covered ? '有火化设施' : '无火化设施',
      );
    }
    const sum = element(table, '<tfoot', 'tfoot');
    for (const i of coverageIndicators) {
      expect(pair(element(sum, `data-indicator="${i}"`, 'td'))).to.deep.equal({
        covered: expected.region.indicators[i].covered,
        total: expected.region.indicators[i].total,
      });
    }
    const communities = expected.region.indicators.communities;
    expect(textOf(html)).to.contain(
      `另有城市社区 ${communities.total} 个，不计入行政村覆盖率；其中 ${communities.covered} 个有公益性骨灰安放设施服务。`,
    );
  });

  it("says met or behind against the target in force, by how many points and units; a county's own target first", async () => {
    const expected = await computeCoverage(app.db, { region: '520281', date: DATE });
    const central = expected.region.indicators.central_villages;
    expect(central.rate! < 0.95, 'the demo county is short of 95% central villages').to.equal(true);
    await app.db('coverage_targets').insert({
      region_code: '520281',
      indicator: 'central_villages',
      year: 2026,
      rate: 0.95,
      source: 'test',
      updated_at: new Date().toISOString(),
    });
    try {
      const html = await page(`region=520281&date=${DATE}`);
      const c = textOf(card(html, 'central_villages'));
      const needed = Math.ceil(0.95 * central.total - 1e-9) - central.covered;
      expect(c)
        .to.contain('目标 95.0%')
        .and.contain('2026年底前')
        .and.contain('未达标')
        // The gap is the target's figure minus the actual's, as both read on the card.
        .and.contain(`差 ${tenthsText(950 - ratioTenths(central.covered, central.total))} 个百分点`)
        .and.contain(`还需覆盖 ${needed}个中心村`);
      expect(c).to.not.contain('沿用');
      // Villages: the city's 100% by 2025 still applies in 2026, and says whose it is.
      const v = expected.region.indicators.villages;
      const villages = textOf(card(html, 'villages'));
      expect(villages)
        .to.contain('目标 100.0%')
        .and.contain('2025年底已到期')
        .and.contain('沿用六盘水市目标')
        .and.contain(`还需覆盖 ${v.total - v.covered}个行政村`);
      // Townships: all covered, 100% by 2024.
      expect(textOf(card(html, 'townships'))).to.contain('已达标');
      expect(textOf(card(html, 'townships'))).to.not.contain('未达标');
      // The city's table reads the county's own target for its row.
      const row = element(await page(`region=5202&date=${DATE}`), 'data-code="520281"', 'tr');
      expect(textOf(element(row, 'data-indicator="central_villages"', 'td'))).to.contain(`需 ${needed} 个`);
      // The "units still needed" link leads to the list of the uncovered ones.
      expect(decoded(card(html, 'central_villages'))).to.contain(
        'href="/staff/coverage/villages?region=520281&date=2026-11-25&central=1&status=uncovered"',
      );
    } finally {
      await app.db('coverage_targets').where({ region_code: '520281', indicator: 'central_villages' }).delete();
    }
  });

  it('sorts the child table worst first by an indicator through a plain link', async () => {
    const html = await page(`region=5202&date=${DATE}`);
    expect(decoded(html)).to.contain('href="/staff/coverage?region=5202&date=2026-11-25&sort=villages#children"');
    const sorted = await page(`region=5202&date=${DATE}&sort=villages`);
    const order = [...element(sorted, 'id="children"', 'section').matchAll(/<tr data-code="(\d+)"/g)]
      .map((m) => m[1])
      .filter((c) => c.length === 6);
    const expected = (await computeCoverage(app.db, { region: '5202', date: DATE })).children
      .sort((a, b) => a.indicators.villages.rate! - b.indicators.villages.rate!)
      .map((c) => c.code);
    expect(order).to.deep.equal(expected);
    expect(decoded(sorted)).to.match(/aria-sort="ascending">\s*<a href="[^"]*sort=villages#children"/);
  });

  it('draws the chart as well-formed SVG over the yearly figures, with the data as a table', async () => {
    const html = await page(`region=5202&date=${DATE}`);
    const svg = /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="coverage-chart"[\s\S]*?<\/svg>/.exec(html)![0];
    const parser = new SaxesParser();
    parser.on('error', (e) => {
      throw e;
    });
    parser.write(svg).close();
    expect(svg).to.contain('<title id="coverage-chart-title">六盘水市行政村率：历年实际与目标</title>');
    const data = element(html, 'class="cov-chart-data"', 'details');
    for (const year of [2021, 2023, 2025]) {
      const r = (await computeCoverage(app.db, { region: '5202', date: `${year}-12-31` })).region.indicators.villages;
      const row = /<tr>\s*<th scope="row">(\d{4})年<\/th>[\s\S]*?<\/tr>/g;
      const mine = [...data.matchAll(row)].find((m) => m[1] === String(year))![0];
      expect(textOf(mine), String(year))
        .to.contain(`${r.covered.toLocaleString('zh-CN')} / ${r.total.toLocaleString('zh-CN')}`)
        .and.contain(percent(r.rate!));
    }
    expect(textOf(data)).to.contain('2027年').and.contain('尚未到来');
    // The indicator is chosen by link; townships' chart has the townships' targets.
    const towns = await page(`region=5202&date=${DATE}&chart=townships`);
    expect(towns)
      .to.contain('<title id="coverage-chart-title">六盘水市乡镇（街道）率：历年实际与目标</title>')
      .and.contain('目标 70.0%');
  });

  it('builds the yearly series (for the chart and the printed report) from year-end states and the targets set per year', async () => {
    const series = await yearlySeries(app.db, '520204', 'townships', [2022, 2023, 2026, 2027], { date: DATE });
    expect(series.map((p) => [p.year, p.date, p.partial, p.target?.rate ?? null])).to.deep.equal([
      [2022, '2022-12-31', false, 0.3],
      [2023, '2023-12-31', false, 0.7],
      [2026, DATE, true, null],
      [2027, null, false, null],
    ]);
    for (const p of series.slice(0, 3)) {
      expect(p.actual, String(p.year)).to.deep.equal(
        (await computeCoverage(app.db, { region: '520204', date: p.date! })).region.indicators.townships,
      );
    }
    expect(series[3].actual).to.equal(null);
  });

  it('lists the uncovered villages by township, central villages marked, as many as the cards say', async () => {
    const html = await page(`region=520281&date=${DATE}`);
    const expected = (await computeCoverage(app.db, { region: '520281', date: DATE })).region.indicators;
    const section = element(html, 'id="uncovered"', 'section');
    const items = [...section.matchAll(/<li>([^<]+)(<span class="badge cov-central">)?/g)];
    expect(items.length).to.equal(expected.villages.total - expected.villages.covered);
    expect(items.filter((m) => m[2]).length).to.equal(
      expected.central_villages.total - expected.central_villages.covered,
    );
    expect(section).to.contain('<details class="cov-township">');
  });

  it("lists a township's villages with the facility covering each", async () => {
    const township = await app
      .db('facilities')
      .where({ kind: 'rural_public_cemetery', build_mode: 'township_wide', status: 'operating' })
      .whereLike('region_code', '5202%')
      .first('id', 'name', 'region_code');
    const code = township.region_code.slice(0, 9);
    const html = await page(`region=${code}&date=${DATE}`);
    const table = element(html, 'id="children"', 'section');
    const admin = await app.db('regions').where({ parent_code: code, is_admin_village: true }).pluck('name');
    for (const name of admin) expect(table).to.contain(name);
    expect(table.split(`<a href="/staff/facilities/${township.id}">`).length - 1).to.be.at.least(admin.length);
  });

  it('says when there is nothing to show instead of 0%: no facility yet, no villages, no central villages', async () => {
    const early = textOf(await page('region=5202&date=2005-01-01'));
    expect(early).to.contain('该日期没有计入覆盖的运营设施。').and.contain('0.0%').and.contain('未设定目标');
    const street = (
      await app
        .db('regions')
        .where({ level: 'township' })
        .where('name', 'like', '%街道')
        .whereLike('code', '5202%')
        // A street without administrative villages, in code order: unordered, the first row is whatever the table's
        // layout gives (on PostgreSQL, a row an update rewrote comes later).
        .whereNotExists((q) => {
          q.from('regions as v')
            .whereRaw('v.parent_code = regions.code')
            .where({ 'v.level': 'village', 'v.is_admin_village': true });
        })
        .orderBy('code')
        .first('code')
    ).code;
    const html = await page(`region=${street}&date=${DATE}`);
    expect(textOf(card(html, 'villages'))).to.contain('没有行政村。');
    expect(textOf(card(html, 'villages'))).to.not.contain('%');
    expect(textOf(card(html, 'central_villages'))).to.contain('尚未标注中心村，暂无数据。');
    expect(html).to.not.contain('data-indicator="counties"');
    const none = await app
      .db('regions')
      .where({ level: 'township' })
      .whereLike('code', '5202%')
      .whereNotIn('code', app.db('facilities').select(app.db.raw('substr(region_code, 1, 9)')))
      .first('code');
    const quiet = textOf(await page(`region=${none.code}&date=2020-06-01`));
    expect(quiet).to.contain('该日期没有计入覆盖的运营设施。');
  });

  it('answers a malformed date or region with 400 and a message, an unknown region with 404', async () => {
    const bad = await bureau.get('/staff/coverage?region=5202&date=2026-13-01');
    expect(bad.status).to.equal(400);
    expect(textOf(bad.text)).to.contain('统计日期应为 2000 至 2099 年间的日期');
    const code = await bureau.get('/staff/coverage?region=52020&date=2026-11-25');
    expect(code.status).to.equal(400);
    expect(textOf(code.text)).to.contain('地区代码应为 2、4、6 或 9 位数字。');
    expect((await bureau.get('/staff/coverage?region=999999&date=2026-11-25')).status).to.equal(404);
  });

  it('turns the picked region into a plain region= address', async () => {
    const res = await bureau.get(
      '/staff/coverage?region__county=520281&region__township=&date=2026-11-25&sort=villages',
    );
    expect(res.status).to.equal(302);
    expect(res.location).to.equal('/staff/coverage?date=2026-11-25&sort=villages&region=520281');
    // The form carries the fixed levels (one province, one city): "全部" below them is the city, never the default.
    const back = await bureau.get(
      '/staff/coverage?region__province=52&region__city=5202&region__county=&date=2026-11-25',
    );
    expect(back.location).to.equal('/staff/coverage?date=2026-11-25&region=5202');
    // "全部" at the top level is the whole country.
    const top = await bureau.get('/staff/coverage?region__county=&date=2026-11-25');
    expect(top.location).to.equal('/staff/coverage?date=2026-11-25&region=all');
  });

  it("is the bureau's and the administrator's only", async () => {
    for (const user of ['front_desk', 'cemetery_staff'] as const) {
      const c = await signedIn(app, user);
      expect((await c.get('/staff/coverage')).status, user).to.equal(403);
      expect((await c.get('/staff/coverage/villages')).status, user).to.equal(403);
    }
    const admin = await signedIn(app, 'admin');
    expect((await admin.get('/staff/coverage')).status).to.equal(200);
    const stranger = await new Client(app.url).get('/staff/coverage');
    expect(stranger.status).to.equal(302);
    expect(stranger.location).to.match(/^\/login\?next=/);
  });

  it('speaks English when asked', async () => {
    const c = await signedIn(app, 'bureau');
    await c.get('/lang/en');
    const text = textOf((await c.get(`/staff/coverage?region=5202&date=${DATE}`)).text);
    expect(text)
      .to.contain('Funeral facility coverage: 六盘水市')
      .and.contain('Villages covered')
      .and.contain('Coverage and targets by year');
  });
});
