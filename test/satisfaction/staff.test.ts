// The staff page of the satisfaction survey: ratings per funeral home and month (count, average with one decimal,
// the five scores), the latest comments a page at a time, the CSV; each reader sees its own scope only.
import { expect } from 'chai';
import type { Role } from '../../server/accounts/roles.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { type Client, signedIn, textOf } from '../helpers/client.js';
import { facilityId, insertCase } from '../cremation/fixtures.js';

/** The n-th test code, in the survey's alphabet. */
const codeOf = (n: number) =>
  `T${n.toString(32).toUpperCase().padStart(7, '2')}`.replace(/[01IO]/g, (c) => 'WXYZ'['01IO'.indexOf(c)]);

const LPS = '六盘水市殡仪馆（示例）'; // 钟山区 520201: the county bureau's county and the front desk's home
const PZ = '盘州市殡仪馆（示例）'; // 盘州市 520281

describe(`satisfaction survey: the staff page (${dialect})`, () => {
  let app: TestApp;
  const clients = new Map<Role, Client>();
  let serial = 0;

  /** A closed case of the home with a rating given in `month` (Shanghai), straight into the table. */
  async function rated(home: number, month: string, rating: number, comment: string | null = null): Promise<void> {
    const caseId = await insertCase(app.db, home, { status: 'ashes_placed' });
    serial += 1;
    await app.db('satisfaction_surveys').insert({
      case_id: caseId,
      facility_id: home,
      code: codeOf(serial),
      issued_at: `${month}-01T00:00:00.000Z`,
      rating,
      comment,
      rated_at: `${month}-10T02:00:00.000Z`,
      rated_month: month,
    });
  }

  before(async () => {
    app = await startApp();
    for (const role of ['admin', 'bureau', 'county_bureau', 'front_desk'] as Role[])
      clients.set(role, await signedIn(app, role));
    const lps = await facilityId(app.db, LPS);
    const pz = await facilityId(app.db, PZ);
    // 六盘水 2025-03: 5, 4, 4, 4 → 17 / 4 = 4.25 → 4.3 (half up); 2025-04: 2, 3 → 2.5.
    for (const r of [5, 4, 4, 4]) await rated(lps, '2025-03', r);
    await rated(lps, '2025-04', 2, '等候时间太长。');
    await rated(lps, '2025-04', 3, '告别厅很整洁。');
    // 盘州 2025-03: 1, 2 → 1.5; a comment the county bureau must not read.
    await rated(pz, '2025-03', 1, '盘州的留言');
    await rated(pz, '2025-03', 2);
    // Outside the months asked for below.
    await rated(lps, '2024-12', 1, '去年的留言');
  });
  after(() => app.close());

  const page = (role: Role, query: string) => clients.get(role)!.get(`/staff/satisfaction?${query}`);
  /** The per-month table's body rows as their cells' text. */
  const monthRows = (html: string) => {
    const table = /<table class="table" data-testid="per-month">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
    const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
    const foot = /<tfoot>([\s\S]*?)<\/tfoot>/.exec(table)?.[1] ?? '';
    const cells = (row: string) =>
      [...row.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((m) => textOf(m[1]).trim());
    return {
      rows: [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => cells(m[1])),
      total: cells(foot),
    };
  };

  it('counts ratings per home and month with the average to one decimal and the five scores', async () => {
    const res = await page('admin', 'from=2025-03&to=2025-04');
    expect(res.status).to.equal(200);
    expect(res.headers.get('cache-control')).to.equal('no-store');
    const { rows, total } = monthRows(res.text);
    expect(rows).to.deep.equal([
      ['2025-04', LPS, '2', '2.5', '0', '1', '1', '0', '0'],
      ['2025-03', LPS, '4', '4.3', '0', '0', '0', '3', '1'],
      ['2025-03', PZ, '2', '1.5', '1', '1', '0', '0', '0'],
    ]);
    // 25 / 8 = 3.125 → 3.1.
    expect(total).to.deep.equal(['合计', '8', '3.1', '1', '2', '1', '3', '1']);
    const shown = textOf(res.text);
    expect(shown).to.contain('等候时间太长。').and.contain('盘州的留言');
    expect(shown).to.not.contain('去年的留言');
  });

  it('shows a county bureau its county’s homes only, and another county’s home as missing', async () => {
    const res = await page('county_bureau', 'from=2025-03&to=2025-04');
    expect(res.status).to.equal(200);
    expect(monthRows(res.text).rows.map((r) => r[1])).to.deep.equal([LPS, LPS]);
    expect(textOf(res.text)).to.not.contain('盘州的留言');
    expect(textOf(res.text)).to.contain('本单位管辖范围（钟山区）');
    const pz = await facilityId(app.db, PZ);
    expect((await page('county_bureau', `facility=${pz}`)).status).to.equal(404);
  });

  it('shows a front desk its own home only', async () => {
    const res = await page('front_desk', 'from=2025-03&to=2025-04');
    expect(monthRows(res.text).rows.map((r) => r[1])).to.deep.equal([LPS, LPS]);
    expect(res.text).to.not.contain('id="facility"');
  });

  it('narrows to one home for the city bureau', async () => {
    const pz = await facilityId(app.db, PZ);
    const res = await page('bureau', `from=2025-01&to=2025-06&facility=${pz}`);
    expect(monthRows(res.text).rows).to.deep.equal([['2025-03', PZ, '2', '1.5', '1', '1', '0', '0', '0']]);
  });

  it('answers a bad month range field by field', async () => {
    const backwards = await page('admin', 'from=2025-05&to=2025-03');
    expect(backwards.status).to.equal(400);
    expect(textOf(backwards.text)).to.contain('截止月份不能早于起始月份');
    const bad = await page('admin', 'from=2025-13');
    expect(bad.status).to.equal(400);
    expect(textOf(bad.text)).to.contain('请按“2026-01”的格式填写月份');
  });

  it('pages the latest comments, newest first', async () => {
    const lps = await facilityId(app.db, LPS);
    for (let i = 0; i < 22; i += 1) await rated(lps, '2023-05', 5, `第${i}条留言`);
    const first = await page('admin', 'from=2023-05&to=2023-05');
    const count = (html: string) =>
      (/<table class="table" data-testid="comments">[\s\S]*?<\/table>/.exec(html)?.[0] ?? '').split('<tr>').length - 2;
    expect(count(first.text)).to.equal(20);
    expect(textOf(first.text)).to.contain('第 1 / 2 页');
    const second = await page('admin', 'from=2023-05&to=2023-05&page=2');
    expect(count(second.text)).to.equal(2);
  });

  it('exports the same figures as CSV', async () => {
    const res = await page('county_bureau', 'from=2025-03&to=2025-04');
    expect(res.status).to.equal(200);
    const csv = await clients.get('county_bureau')!.get('/staff/satisfaction.csv?from=2025-03&to=2025-04');
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
    const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).to.contain('服务满意度 2025-03 至 2025-04（钟山区）');
    expect(lines[2]).to.equal('殡仪馆,月份,评价数,平均分,1 分,2 分,3 分,4 分,5 分');
    expect(lines[3]).to.equal(`${LPS},2025-04,2,2.5,0,1,1,0,0`);
    expect(lines[4]).to.equal(`${LPS},2025-03,4,4.3,0,0,0,3,1`);
    expect(lines[5]).to.equal('合计,,6,3.7,0,1,1,3,1');
  });
});
