// One figure, one way: a made-up city whose counties are at 8 of 9 villages (88.9%; rounded down it would read
// 88.8%), 4 of 5 (80.0%, which the map once wrote "80%"), 1 of 16 (6.25% → 6.3%, the exact half) and 201 of 400
// (50.25% → 50.3%, where Math.round(0.5025 × 1000) gives 502), with a cremation rate of 15 of 16 (93.75% → 93.8%),
// read back from the dashboard, its lists, the map page, its JSON and print view, the proposal page and CSV, the
// figures page, the PDF (pdftotext), the CSV and the XLSX (exceljs).
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Db } from '../../server/db.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { Client, signedIn, textOf } from '../helpers/client.js';
import { readCsv, readSheet } from '../reports/read-tables.js';

const CITY = '9801';
const DATE = '2026-06-30';
const YEAR = 2026;
/**
 * Each county: the villages of its first township and how many of them are covered, the villages of a second,
 * uncovered township if any; the rate as it must read, and the XLSX cell that reads so in "0.0%".
 */
const COUNTIES = [
  { code: '980101', name: '甲县', villages: 9, covered: 8, more: 0, rate: '88.9%', cell: 0.889 },
  { code: '980102', name: '乙县', villages: 5, covered: 4, more: 0, rate: '80.0%', cell: 0.8 },
  { code: '980103', name: '丙县', villages: 16, covered: 1, more: 0, rate: '6.3%', cell: 0.063 },
  { code: '980104', name: '丁县', villages: 201, covered: 201, more: 199, rate: '50.3%', cell: 0.503 },
];
/** The city: 214 of 430 villages (49.77%); its target of 50% is behind by 50.0 − 49.8 = 0.2 points. */
const CITY_RATE = '49.8%';
const CITY_GAP = '0.2';
/** 丙县's cremations, 15 of 16 deaths: 93.75% → 93.8% (93.7% rounded down). */
const CREMATION = '93.8%';
/** 丙县's green burials, 1 of 8: 12.5%. */
const GREEN = '12.5%';
/** Figures a wrong rounding would write somewhere. */
const WRONG = ['88.8%', '89.0%', '6.2%', '50.2%', '93.7%', '49.7%'];

const total = (c: (typeof COUNTIES)[number]) => c.villages + c.more;
const village = (township: string, n: number) => `${township}${String(200 + n)}`;

async function makeCity(db: Db): Promise<void> {
  const rows: Record<string, unknown>[] = [
    { code: '98', name: '测试省', level: 'province', parent_code: null },
    { code: CITY, name: '测试市', level: 'city', parent_code: '98' },
  ];
  const township = (county: string, code: string, name: string, villages: number) => {
    rows.push({ code, name, level: 'township', parent_code: county });
    for (let n = 1; n <= villages; n++)
      rows.push({
        code: village(code, n),
        name: `${name[0]}${code.slice(-1)}镇${n}村村民委员会`,
        level: 'village',
        parent_code: code,
        is_admin_village: true,
      });
  };
  for (const c of COUNTIES) {
    rows.push({ code: c.code, name: c.name, level: 'county', parent_code: CITY });
    township(c.code, `${c.code}101`, `${c.name[0]}城镇`, c.villages);
    if (c.more) township(c.code, `${c.code}102`, `${c.name[0]}乡`, c.more);
  }
  await db.batchInsert(
    'regions',
    rows.map((r) => ({ is_admin_village: null, is_central_village: false, ...r })),
    200,
  );

  const now = new Date().toISOString();
  for (const c of COUNTIES) {
    // 全镇统建 at the township when it covers it all, else one standing in the first village (单村独建), or
    // serving the next covered − 1 as listed (多村联建).
    const whole = c.covered === c.villages;
    const [row] = await db('facilities')
      .insert({
        name: `${c.name}公益性公墓`,
        kind: 'rural_public_cemetery',
        status: 'operating',
        region_code: whole ? `${c.code}101` : village(`${c.code}101`, 1),
        build_mode: whole ? 'township_wide' : c.covered === 1 ? 'single_village' : 'multi_village',
        is_sample: false,
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    const id = typeof row === 'object' ? row.id : row;
    await db('facility_status_history').insert({
      facility_id: id,
      status: 'operating',
      effective_on: '2025-01-01',
      recorded_at: now,
    });
    if (!whole)
      for (let n = 2; n <= c.covered; n++)
        await db('facility_service_areas').insert({ facility_id: id, region_code: village(`${c.code}101`, n) });
  }
  await db('coverage_targets').insert({
    region_code: CITY,
    indicator: 'villages',
    year: YEAR,
    rate: 0.5,
    source: 'test',
    updated_at: now,
  });
  await db('region_year_stats').insert({
    region_code: '980103',
    year: YEAR,
    deaths: 16,
    cremations: 15,
    burials: 8,
    green_burials: 1,
    updated_at: now,
  });
}

/** The table row of a region (data-code="…") as text. */
function rowText(html: string, code: string): string {
  const m = new RegExp(`<tr data-code="${code}">([\\s\\S]*?)</tr>`).exec(html);
  expect(m, `a row for ${code}`).to.not.equal(null);
  return textOf(m![1]);
}

/** No figure rounded another way; with `bare`, no figure without its decimal ("80%", as the map once wrote) either. */
function noWrongFigures(text: string, where: string, bare = true) {
  for (const w of WRONG) expect(text, `${where} writes ${w}`).to.not.contain(w);
  if (!bare) return;
  const found = [...text.matchAll(/(?:^|[^\d.])\d{1,3}%/g)].map((m) =>
    text.slice(Math.max(0, m.index - 20), m.index + 8),
  );
  expect(found, `${where} drops a decimal`).to.deep.equal([]);
}

describe(`coverage: one figure, one way (${dialect})`, function () {
  this.timeout(120_000);
  let app: TestApp;
  let bureau: Client;

  async function bytes(url: string): Promise<Buffer> {
    const cookie = (bureau as unknown as { cookieHeader(): string }).cookieHeader();
    const res = await fetch(app.url + url, { headers: { cookie }, redirect: 'manual' });
    expect(res.status, url).to.equal(200);
    return Buffer.from(await res.arrayBuffer());
  }
  async function html(url: string): Promise<string> {
    const res = await bureau.get(url);
    expect(res.status, url).to.equal(200);
    return res.text;
  }

  before(async () => {
    app = await startApp();
    await makeCity(app.db);
    bureau = await signedIn(app, 'bureau');
  });
  after(() => app.close());

  it('reads the same on the dashboard: the cards, the county rows, the gap and the cremation rate', async () => {
    const page = await html(`/staff/coverage?region=${CITY}&date=${DATE}`);
    for (const c of COUNTIES) expect(rowText(page, c.code), c.name).to.contain(`${c.rate} ${c.covered} / ${total(c)}`);
    const text = textOf(page);
    expect(text).to.contain(CITY_RATE).and.contain(`差 ${CITY_GAP} 个百分点`).and.contain(CREMATION).and.contain(GREEN);
    // The chart's axis (0% … 100%) is a scale, not a figure.
    noWrongFigures(textOf(page.replace(/<svg[\s\S]*?<\/svg>/g, '')), 'the dashboard');
    const list = await html(`/staff/coverage/counties?region=${CITY}&date=${DATE}`);
    for (const c of COUNTIES) expect(rowText(list, c.code), c.name).to.contain(c.rate);
    noWrongFigures(textOf(list), 'the county list');
  });

  it('reads the same on the map page, its JSON labels and its print view', async () => {
    const page = await html(`/staff/coverage/map?region=${CITY}&date=${DATE}`);
    for (const c of COUNTIES) expect(rowText(page, c.code), c.name).to.contain(`${c.covered}/${total(c)}（${c.rate}）`);
    noWrongFigures(textOf(page), 'the map page');
    const data = JSON.parse(await html(`/staff/coverage/map/data.json?region=${CITY}&date=${DATE}`)) as {
      areas: { code: string; texts: { rate: string; villages: string } }[];
    };
    for (const c of COUNTIES) {
      const a = data.areas.find((x) => x.code === c.code)!;
      expect(a.texts.rate, c.name).to.equal(c.rate);
      expect(a.texts.villages, c.name).to.equal(`${c.covered}/${total(c)}（${c.rate}）`);
    }
    const print = textOf(await html(`/staff/coverage/map/print?region=${CITY}&date=${DATE}`));
    for (const c of COUNTIES) expect(print).to.contain(`${c.name} ${c.covered}/${total(c)} ${c.rate}`);
    noWrongFigures(print, 'the print view');
  });

  it('reads the same on the proposal page and its CSV', async () => {
    const [first, , third, fourth] = COUNTIES;
    for (const c of [first, third, fourth]) {
      const page = textOf(
        await html(`/staff/coverage/proposal?region=${c.code}&date=${DATE}&indicator=villages&target=100`),
      );
      expect(page, c.name).to.contain(`现有 ${c.covered} 个行政村（${c.rate}）`).and.contain('100.0%');
      // The help text's examples ("目标 80%") are words, not figures.
      noWrongFigures(page, `the proposal for ${c.name}`, false);
    }
    const csv = (await bytes(`/staff/coverage/proposal.csv?region=${first.code}&date=${DATE}&target=100`)).toString();
    const rows = parseCsv(csv, { bom: true }) as string[][];
    expect(rows.at(-1)!.at(-1)).to.equal('100.0%');
  });

  it('reads the same on the figures page', async () => {
    const page = await html(`/staff/coverage/figures?region=${CITY}&year=${YEAR}`);
    const row = /<tr>\s*<th scope="row">丙县[\s\S]*?<\/tr>/.exec(page);
    expect(textOf(row![0])).to.contain(CREMATION).and.contain(GREEN);
    noWrongFigures(textOf(page), 'the figures page');
  });

  it('reads the same in the PDF', async function () {
    if (spawnSync('pdftotext', ['-v']).error) throw new Error('pdftotext is needed (apt-get install poppler-utils)');
    const pdf = await bytes(`/staff/coverage/report.pdf?region=${CITY}&date=${DATE}`);
    const out = spawnSync('pdftotext', ['-layout', '-', '-'], { input: pdf });
    const text = out.stdout.toString('utf8');
    for (const c of COUNTIES) {
      const line = text.split('\n').find((l) => new RegExp(`^\\s*${c.name}\\s+\\d`).test(l));
      expect(line, c.name).to.be.a('string').and.contain(c.rate);
    }
    expect(text).to.contain(CITY_RATE).and.contain(CREMATION).and.contain(GREEN);
    expect(text.replace(/\s+/g, '')).to.contain(`差${CITY_GAP}个百分点`);
    // The charts' axes (0% … 100%) are scales, not figures.
    noWrongFigures(text, 'the PDF', false);
  });

  it('writes the same digits in the CSV and a cell that reads the same in the XLSX', async () => {
    const counties = readCsv(await bytes(`/staff/coverage/report.csv?region=${CITY}&date=${DATE}&table=counties`)).rows;
    for (const c of COUNTIES) {
      const row = counties.find((r) => r['区划代码'] === c.code)!;
      expect(`${row['行政村覆盖率（%）']}%`, c.name).to.equal(c.rate);
    }
    const summary = readCsv(await bytes(`/staff/coverage/report.csv?region=${CITY}&date=${DATE}&table=summary`)).rows;
    const villages = summary.find((r) => r['指标'].startsWith('行政村'))!;
    expect(Object.values(villages)).to.include(CITY_RATE.slice(0, -1)).and.include(CITY_GAP);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await bytes(`/staff/coverage/report.xlsx?region=${CITY}&date=${DATE}`)) as never);
    const ws = wb.getWorksheet('分区县')!;
    const sheet = readSheet(ws);
    const col = (h: string) => sheet.header.indexOf(h) + 1;
    for (const c of COUNTIES) {
      const row = sheet.rowNumbers.map((n) => ws.getRow(n)).find((r) => r.getCell(col('区划代码')).value === c.code)!;
      const cell = row.getCell(col('行政村覆盖率'));
      expect(cell.numFmt, c.name).to.equal('0.0%');
      expect(cell.value, c.name).to.equal(c.cell);
    }
  });
});
