// The registry as CSV: an export Excel opens as UTF-8, an import that is checked row by row and written whole or
// not at all, and a round trip (export → import) that changes nothing.
import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { type Client, signedIn, textOf } from '../helpers/client.js';
import { MAX_ROWS } from '../../server/facilities/csv.js';

const HEADER =
  'name,kind,status,status_date,region_code,address,phone,lng,lat,niche_capacity,plot_capacity,investment_yuan,build_mode,service_area,note';

describe(`facilities: CSV export and import (${dialect})`, () => {
  let app: TestApp;
  let bureau: Client;

  before(async () => {
    app = await startApp();
    bureau = await signedIn(app, 'bureau');
  });
  after(() => app.close());

  const count = async (table: string, where: Record<string, unknown> = {}) =>
    Number((await app.db(table).where(where).count({ n: '*' }))[0].n);
  const byName = (name: string) => app.db('facilities').where({ name }).first();
  const exported = async (query = '') => (await bureau.get(`/staff/facilities/export.csv${query}`)).text;
  const preview = (csv: string) =>
    bureau.post('/staff/facilities/import', { csv, step: 'preview' }, { from: '/staff/facilities/import' });
  /** The version the preview's apply form carries ('' when it offers none). */
  const versionIn = (html: string) => /name="version" value="([^"]*)"/.exec(html)?.[1] ?? '';
  const applyAt = (csv: string, version: string) =>
    bureau.post('/staff/facilities/import', { csv, step: 'apply', version }, { from: '/staff/facilities/import' });
  /** Preview, then apply as the preview's form does. */
  const apply = async (csv: string) => applyAt(csv, versionIn((await preview(csv)).text));
  const snapshot = async () => ({
    facilities: await app.db('facilities').orderBy('id').select(),
    history: await count('facility_status_history'),
    areas: await count('facility_service_areas'),
    audit: await count('audit_log'),
    historyOf: new Map(
      (
        (await app.db('facility_status_history').groupBy('facility_id').select('facility_id').count({ n: '*' })) as {
          facility_id: number;
          n: number | string;
        }[]
      ).map((r) => [r.facility_id, Number(r.n)]),
    ),
  });

  it('exports the registry as UTF-8 with a BOM, the documented columns, codes and yuan', async () => {
    // A facility with every column filled, a formula-like phone and a note with a comma, a quote and a new line.
    const now = new Date().toISOString();
    const [row] = await app
      .db('facilities')
      .insert({
        name: '导出测试公墓',
        kind: 'rural_public_cemetery',
        status: 'operating',
        region_code: '520201101200',
        address: '渔塘村',
        phone: '+86 858 8221234',
        lng: 104.8302,
        lat: 26.5934,
        niche_capacity: null,
        plot_capacity: 600,
        investment_fen: 350000050,
        build_mode: 'multi_village',
        note: '村民自建，"一期"\n二期待定',
        is_sample: false,
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    const id = typeof row === 'object' ? row.id : row;
    await app.db('facility_status_history').insert([
      { facility_id: id, status: 'building', effective_on: '2021-03-01', recorded_at: now },
      { facility_id: id, status: 'operating', effective_on: '2022-10-01', recorded_at: now },
    ]);
    await app.db('facility_service_areas').insert([
      { facility_id: id, region_code: '520201101202' },
      { facility_id: id, region_code: '520201101201' },
    ]);

    // Raw bytes: a text decoder would swallow the BOM.
    const cookie = (bureau as unknown as { cookieHeader(): string }).cookieHeader();
    const res = await fetch(`${app.url}/staff/facilities/export.csv`, { headers: { cookie } });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).to.match(
      /^attachment; filename="[^"]*\.csv"; filename\*=UTF-8''%E8%AE%BE%E6%96%BD/,
    );
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.split('\r\n')[0]).to.equal(HEADER);
    const records = parse(text, { columns: true }) as Record<string, string>[];
    expect(records).to.have.length(await count('facilities'));
    expect(records.find((r) => r.name === '导出测试公墓')).to.deep.equal({
      name: '导出测试公墓',
      kind: 'rural_public_cemetery',
      status: 'operating',
      status_date: '2022-10-01',
      region_code: '520201101200',
      address: '渔塘村',
      phone: "'+86 858 8221234",
      lng: '104.8302',
      lat: '26.5934',
      niche_capacity: '',
      plot_capacity: '600',
      investment_yuan: '3500000.50',
      build_mode: 'multi_village',
      service_area: '520201101201;520201101202',
      note: '村民自建，"一期"\n二期待定',
    });
    const homes = parse(await exported('?kind=funeral_home'), { columns: true, bom: true }) as Record<string, string>[];
    expect(homes.map((h) => h.kind))
      .to.have.length(await count('facilities', { kind: 'funeral_home' }))
      .and.to.satisfy((k: string[]) => k.every((x) => x === 'funeral_home'));
  });

  it('documents the columns on the import page', async () => {
    const page = textOf((await bureau.get('/staff/facilities/import')).text);
    for (const c of HEADER.split(',')) expect(page).to.contain(c);
    expect(page).to.contain('所在地区代码').and.contain('用分号 ; 分隔').and.contain('科学计数法');
  });

  it('imports its own export as no change at all: nothing written, not even an audit row', async () => {
    const before = await snapshot();
    const csv = await exported();
    const check = await preview(csv);
    expect(check.status).to.equal(200);
    expect(textOf(check.text)).to.contain('所有行与现有登记一致，没有需要导入的变更。');
    expect(check.text).to.not.contain('name="step" value="apply"');
    const res = await apply(csv);
    expect(res.status).to.equal(302);
    expect(textOf((await bureau.get('/staff/facilities')).text)).to.contain('没有需要导入的变更。');
    expect(await snapshot()).to.deep.equal(before);
  });

  it('inserts new facilities and updates matched ones in one transaction, with history rows for status changes and one audit row', async () => {
    const records = parse(await exported(), { columns: true, bom: true }) as Record<string, string>[];
    const columbarium = records.find((r) => r.kind === 'columbarium')!;
    columbarium.niche_capacity = '6500';
    columbarium.status = 'closed';
    columbarium.status_date = '2025-12-31';
    const csvText = (rows: Record<string, string>[]) =>
      [
        HEADER,
        ...rows.map((r) =>
          HEADER.split(',')
            .map((c) => {
              const v = r[c] ?? '';
              return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
            })
            .join(','),
        ),
      ].join('\n');
    // New rows written by hand: Chinese names of kinds, statuses and build modes are accepted as well as codes.
    const added: Record<string, string>[] = [
      {
        name: '新建骨灰堂甲',
        kind: '骨灰堂',
        status: '运营',
        status_date: '2025-05-01',
        region_code: '520203102',
        niche_capacity: '2000',
        investment_yuan: '1,200,000',
      },
      {
        name: '岩脚村公墓',
        kind: 'rural_public_cemetery',
        status: 'planned',
        status_date: '2030-01-01',
        region_code: '520203102201',
        build_mode: '单村独建',
        plot_capacity: '300',
      },
    ];
    const csv = csvText([...records, ...added]);
    const before = await snapshot();
    const check = await preview(csv);
    expect(check.status).to.equal(200);
    const text = textOf(check.text);
    expect(text).to.contain(`检查通过：新增 2 个，更新 1 个，无变化 ${records.length - 1} 个。`);
    expect(text).to.contain(columbarium.name).and.contain('格位容量、状态、状态日期');
    expect(await snapshot()).to.deep.equal(before); // a preview writes nothing

    const res = await apply(csv);
    expect(res.status).to.equal(302);
    expect(textOf((await bureau.get('/staff/facilities')).text)).to.contain('导入完成：新增 2 个，更新 1 个设施。');
    const updated = await byName(columbarium.name);
    expect(updated).to.include({ niche_capacity: 6500, status: 'closed' });
    const entries = await app
      .db('facility_status_history')
      .where({ facility_id: updated.id })
      .orderBy('effective_on')
      .select('status', 'effective_on');
    expect(entries.map((e) => `${e.status} ${e.effective_on}`).pop()).to.equal('closed 2025-12-31');
    expect(entries).to.have.length(before.historyOf.get(updated.id)! + 1);
    const a = await byName('新建骨灰堂甲');
    expect(a).to.include({ kind: 'columbarium', status: 'operating', region_code: '520203102', niche_capacity: 2000 });
    expect(Number(a.investment_fen)).to.equal(120000000);
    expect(
      await app.db('facility_status_history').where({ facility_id: a.id }).select('status', 'effective_on'),
    ).to.deep.equal([{ status: 'operating', effective_on: '2025-05-01' }]);
    expect(await byName('岩脚村公墓')).to.include({ build_mode: 'single_village', status: 'planned' });
    const audits = await app
      .db('audit_log')
      .where({ entity: 'facility', action: 'import' })
      .select('after', 'actor_name');
    expect(audits).to.have.length(1);
    expect(audits[0].actor_name).to.equal('bureau');
    expect(JSON.parse(audits[0].after).created).to.deep.equal(['新建骨灰堂甲', '岩脚村公墓']);
    expect(await count('facility_status_history')).to.equal(before.history + 3);

    // And the new export imports as no change again.
    const after = await snapshot();
    expect((await apply(await exported())).status).to.equal(302);
    expect(await snapshot()).to.deep.equal(after);
  });

  it('refuses with 409 and writes nothing when a facility the rows name was edited after the preview', async () => {
    const records = parse(await exported(), { columns: true, bom: true }) as Record<string, string>[];
    const target = records.find((r) => r.kind === 'funeral_service_point') ?? records[0];
    const capacity = String(Number(target.niche_capacity || 0) + 100);
    const csv = [
      HEADER.split(',').slice(0, 10).join(','),
      [
        target.name,
        target.kind,
        target.status,
        target.status_date,
        target.region_code,
        target.address,
        target.phone,
        target.lng,
        target.lat,
        capacity,
      ]
        .map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v))
        .join(','),
    ].join('\n');
    const check = await preview(csv);
    expect(textOf(check.text)).to.contain('检查通过：新增 0 个，更新 1 个');
    const version = versionIn(check.text);
    expect(version).to.match(/^[0-9a-f]{32}$/);

    // Another clerk's edit, committed between the preview and the import.
    await app
      .db('facilities')
      .where({ name: target.name })
      .update({ address: '预览之后改的地址', updated_at: new Date(Date.now() + 1000).toISOString() });
    const before = await snapshot();
    const res = await applyAt(csv, version);
    expect(res.status).to.equal(409);
    expect(textOf(res.text)).to.contain('预览后记录已变更');
    expect(await snapshot()).to.deep.equal(before);
    expect(await byName(target.name)).to.include({ address: '预览之后改的地址' });

    // A fresh preview shows what the import would do now, and its version imports.
    const again = await preview(csv);
    expect((await applyAt(csv, versionIn(again.text))).status).to.equal(302);
    expect(await byName(target.name)).to.include({ niche_capacity: Number(capacity) });
  });

  it('refuses with 409 a new row whose name was registered by someone else after the preview', async () => {
    const csv = [
      HEADER.split(',').slice(0, 5).join(','),
      '预览后登记的服务站,funeral_service_point,operating,2024-01-01,520201101',
    ].join('\n');
    const check = await preview(csv);
    expect(textOf(check.text)).to.contain('检查通过：新增 1 个');
    const now = new Date().toISOString();
    await app.db('facilities').insert({
      name: '预览后登记的服务站',
      kind: 'funeral_service_point',
      status: 'operating',
      region_code: '520201101',
      niche_capacity: 7,
      is_sample: false,
      created_at: now,
      updated_at: now,
    });
    const res = await applyAt(csv, versionIn(check.text));
    expect(res.status).to.equal(409);
    expect(textOf(res.text)).to.contain('预览后记录已变更');
    expect(await byName('预览后登记的服务站')).to.include({ niche_capacity: 7 });
  });

  // PostgreSQL only: there an import and an edit can run side by side (SQLite runs one write transaction at a time).
  (dialect === 'postgres' ? it : it.skip)(
    'plans the rows it writes after locking them, so an edit committed while the import waits is not overwritten',
    async () => {
      const records = parse(await exported(), { columns: true, bom: true }) as Record<string, string>[];
      const target = records.find((r) => r.kind === 'columbarium')!;
      const csv = [
        HEADER.split(',').slice(0, 10).join(','),
        [
          target.name,
          target.kind,
          target.status,
          target.status_date,
          target.region_code,
          '导入写的地址',
          target.phone,
          target.lng,
          target.lat,
          '4321',
        ]
          .map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v))
          .join(','),
      ].join('\n');
      const version = versionIn((await preview(csv)).text);

      // An edit holds the row, then the import starts and must wait for it.
      const edit = await app.db.transaction();
      const {
        rows: [{ pid }],
      } = await edit.raw('SELECT pg_backend_pid() AS pid');
      await edit('facilities').where({ name: target.name }).forNoKeyUpdate().first('id');
      await edit('facilities')
        .where({ name: target.name })
        .update({ address: '同时改的地址', updated_at: new Date(Date.now() + 1000).toISOString() });
      const importing = applyAt(csv, version);
      for (;;) {
        const { rows } = await app.db.raw(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))',
          [pid],
        );
        if (rows[0].n > 0) break;
        await new Promise((r) => setImmediate(r));
      }
      await edit.commit();
      const res = await importing;
      expect(res.status).to.equal(409);
      expect(textOf(res.text)).to.contain('预览后记录已变更');
      expect(await byName(target.name)).to.include({ address: '同时改的地址' });
    },
  );

  it('reads cells pasted from Excel (tab-separated) and Chinese column names', async () => {
    const tsv = [
      '名称\t类别\t状态\t状态日期\t所在地区代码\t墓位容量',
      '粘贴测试公墓\t城市公益性公墓\t在建\t2025-03-01\t520204001\t1500',
    ].join('\r\n');
    const res = await apply(tsv);
    expect(res.status).to.equal(302);
    expect(await byName('粘贴测试公墓')).to.include({
      kind: 'urban_public_cemetery',
      status: 'building',
      plot_capacity: 1500,
    });
  });

  it('refuses an import with bad rows: every error listed by line and column in Chinese, and nothing written', async () => {
    const csv = [
      HEADER,
      '好的一行,columbarium,operating,2024-01-01,520201101,,,,,100,,,,,',
      '类别错误,palace,operating,2024-01-01,520201101,,,,,,,,,,',
      '"备注跨行",columbarium,operating,2024-01-01,520201101,,,,,,,,,,"第一行',
      '第二行"',
      '单村独建在镇,rural_public_cemetery,operating,2024-01-01,520201101,,,,,,,,single_village,,',
      '好的一行,columbarium,operating,2024-01-01,520201101,,,,,,,,,,',
      '代码被改,columbarium,operating,2024-01-01,5.20201E+11,,,,,,,,,,',
      '将来运营,columbarium,operating,2099-01-01,520201101,,,104.8,,,,,,520201101999,',
      '投资错误,columbarium,operating,2024-01-01,520201101,,,,,,,12.345,,,',
    ].join('\n');
    const before = await snapshot();
    const res = await preview(csv);
    expect(res.status).to.equal(400);
    const text = textOf(res.text);
    expect(text).to.contain('有 6 行需要修改');
    expect(text).to.contain('第 3 行 · kind （类别）： 无法识别的设施类别');
    expect(text).to.contain('第 6 行 · region_code （所在地区代码）： 单村独建的公墓须选到所在的村。');
    expect(text).to.contain('第 7 行 · name （名称）： 与第 2 行的名称重复。');
    expect(text).to.contain('第 8 行 · region_code （所在地区代码）： 代码被 Excel 转成了科学计数法');
    expect(text).to.contain('第 9 行 · status_date （状态日期）： 只有“规划”可以填将来的日期');
    expect(text).to.contain('第 9 行 · lat （纬度）： 经度和纬度要一起填写，或都不填。');
    expect(text).to.contain('第 10 行 · investment_yuan （投资额（元））： 金额最多两位小数（到分）。');
    expect(text).to.contain('第 9 行 · service_area （服务范围）： 没有这些行政区划代码：520201101999。');
    expect(text).to.not.contain('第 4 行 ·'); // the row spanning lines 4–5 is fine
    expect(res.text).to.not.contain('name="step" value="apply"');
    // Posting the apply step anyway writes nothing either.
    const forced = await apply(csv);
    expect(forced.status).to.equal(400);
    expect(textOf(forced.text)).to.contain('有 6 行需要修改');
    expect(await snapshot()).to.deep.equal(before);
  });

  it('takes the full 2,000 rows of Chinese text the page promises, far over the 200 KB other forms are held to, and no more', async () => {
    const row = (i: number) =>
      `钟山区大河镇第${i}号村级公益性骨灰堂示例,骨灰堂,规划,2030-01-01,520201101,贵州省六盘水市钟山区大河镇大河村民委员会旁的山坡上第${i}号,,,,500,,,,,由乡镇人民政府负责建设和管理，资金由市县两级财政统筹安排`;
    const rows = (n: number) => [HEADER, ...Array.from({ length: n }, (_, i) => row(i + 1))].join('\n');
    const full = rows(MAX_ROWS);
    expect(new URLSearchParams({ csv: full }).toString().length).to.be.greaterThan(1_000_000);
    const before = await snapshot();
    const ok = await preview(full);
    expect(ok.status).to.equal(200);
    expect(textOf(ok.text)).to.contain(`检查通过：新增 ${MAX_ROWS} 个`);
    const over = await preview(rows(MAX_ROWS + 1));
    expect(over.status).to.equal(400);
    expect(textOf(over.text)).to.contain(`一次最多导入 ${MAX_ROWS} 行，这里有 ${MAX_ROWS + 1} 行`);
    expect(await snapshot()).to.deep.equal(before);
  });

  it('explains text it cannot use at all', async () => {
    const cases: [string, string][] = [
      ['', '请粘贴 CSV 内容或选择文件。'],
      ['name,kind\n"未闭合,columbarium\n', '无法读取'],
      ['名称,类别,颜色\n甲,columbarium,红', '无法识别的列名：颜色。'],
      [
        'name,kind\n甲,columbarium',
        '缺少必需的列：status（状态）、status_date（状态日期）、region_code（所在地区代码）。',
      ],
      [HEADER, '只有列名行，没有设施数据。'],
    ];
    for (const [csv, message] of cases) {
      const res = await preview(csv);
      expect(res.status, message).to.equal(400);
      expect(textOf(res.text), message).to.contain(message);
    }
  });
});
