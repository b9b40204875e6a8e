// 覆盖地图: the bureau's map of coverage by county (Leaflet, static/js/coverage-map.js), its data as JSON, and an A4
// landscape print view. Without JavaScript both pages show the same figures as tables.
import { defaultRegion } from '../engine/service.js';
import { scopedRegion } from '../../accounts/access.js';
import { regionScope } from '../../accounts/roles.js';
import type { Request, Response } from 'express';
import type { AppContext } from '../../context.js';
import { facilityKinds, facilityStatuses } from '../../facilities/kinds.js';
import { AppError, ValidationError } from '../../http/errors.js';
import { formatDate, formatRatio } from '../../http/format.js';
import { todayInShanghai } from '../../time.js';
import type { RouteDef } from '../../http/routes.js';
import { fieldErrors } from '../../http/validate.js';
import { translator, type Lang, type Translate } from '../../i18n/index.js';
import { buildPicker, pickedCode } from '../../regions/picker.js';
import type { FuneralZone, Ratio } from '../indicators/kinds.js';
import { MapQuery } from './schemas.js';
import { COUNTRY_PARAM, regionParam } from '../query.js';
import { funeralZones, mapData, RATE_CLASSES, type MapData, type MapFacility } from './service.js';

const BUREAU = ['admin', 'bureau', 'county_bureau'] as const;
/** Rows the print sheet's side column holds; a longer list goes in two narrower tables side by side. */
const PRINT_ROWS = 16;

function chunk<T>(rows: T[], max: number): T[][] {
  if (rows.length <= max) return [rows];
  const half = Math.ceil(rows.length / 2);
  return [rows.slice(0, half), rows.slice(half)];
}

/** A ratio's rate as every page shows it (server/http/format.ts), a dash when there is nothing to count. */
const percent = (r: Ratio): string => formatRatio(r.covered, r.total, '—');

const mapPath = (region: string, date: string) =>
  `/staff/coverage/map?${new URLSearchParams({ region: regionParam(region), date })}`;
const dashboardPath = (region: string, date: string) =>
  `/staff/coverage?${new URLSearchParams({ region: regionParam(region), date })}`;
const facilityPath = (id: number) => `/staff/facilities/${id}`;
const facilityEditPath = (id: number) => `/staff/facilities/${id}/edit`;

export function mapRoutes(ctx: AppContext): RouteDef[] {
  const { db, config } = ctx;

  /** Region (a plain code or the picker's fields; default the demo city) and date (default today). */
  async function readQuery(req: Request) {
    const parsed = MapQuery.safeParse(req.query);
    if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
    const date = parsed.data.date ?? todayInShanghai();
    const picked = pickedCode(req.query as Record<string, unknown>, 'region');
    // A county bureau maps its county and below (another region, the country included, is 403); by default its own.
    if (regionScope(req.user!) !== undefined) {
      const asked = parsed.data.region === COUNTRY_PARAM ? COUNTRY_PARAM : picked || undefined;
      return { region: scopedRegion(req.user!, asked)!, date };
    }
    if (parsed.data.region === COUNTRY_PARAM) return { region: '', date };
    // The picker's "全部" at its top level is the whole country; no region at all is the default city.
    const fromPicker = Object.keys(req.query).some((k) => k.startsWith('region__'));
    const region = picked || (fromPicker ? '' : await defaultRegion(db));
    return { region, date };
  }

  const ratio = (t: Translate, r: Ratio) =>
    r.total === 0
      ? t('coverage_map.popup.no_total')
      : t('coverage_map.popup.ratio', { covered: r.covered, total: r.total, rate: percent(r) });
  /** Cremation coverage: yes or no for one county, a ratio for several. */
  const cremation = (t: Translate, r: Ratio) =>
    r.total === 1 ? t(r.covered === 1 ? 'coverage_map.table.yes' : 'coverage_map.table.no') : ratio(t, r);

  function facilityView(t: Translate, lang: Lang, f: MapFacility) {
    return {
      ...f,
      url: facilityPath(f.id),
      edit_url: facilityEditPath(f.id),
      kind_name: t(`kinds.${f.kind}`),
      status_name: t(`statuses.${f.status}`),
      since: t('coverage_map.popup.status_since', {
        status: t(`statuses.${f.status}`),
        date: formatDate(f.status_since, lang),
      }),
      build_mode_name: f.build_mode ? t(`coverage_map.build_modes.${f.build_mode}`) : null,
      capacity:
        [
          f.niche_capacity ? t('coverage_map.popup.niches', { n: f.niche_capacity.toLocaleString('zh-CN') }) : null,
          f.plot_capacity ? t('coverage_map.popup.plots', { n: f.plot_capacity.toLocaleString('zh-CN') }) : null,
        ]
          .filter(Boolean)
          .join('，') || null,
    };
  }

  /** What both pages render around the map: headings, the table of children, the facility lists. */
  async function pageModel(req: Request, data: MapData) {
    const t = translator(req.lang);
    const lang = req.lang;
    const zones = data.city ? await funeralZonesOf(data.city.code) : new Map<string, FuneralZone>();
    // A township's own zone, else its county's.
    const zoneOf = (code: string) =>
      zones.get(code) ?? zones.get(code.slice(0, 9)) ?? zones.get(code.slice(0, 6)) ?? null;
    // A county in the cremation zone may hold burial reform townships: the map hatches it, the table says how many.
    const zoneText = (code: string, zone: FuneralZone | null) => {
      if (!zone) return t('coverage_map.table.none');
      const name = t(`coverage_map.zones.${zone}`);
      if (zone !== 'cremation' || code.length !== 6) return name;
      const n = [...zones].filter(([c, z]) => c.length === 9 && c.startsWith(code) && z === 'reform').length;
      return n ? t('coverage_map.table.zone_with_reform', { zone: name, n }) : name;
    };
    const row = (r: MapData['coverage']['region']) => {
      const i = r.indicators;
      const zone = r.code.length >= 6 ? zoneOf(r.code) : null;
      return {
        code: r.code,
        name: r.name,
        map_url: r.level === 'village' ? null : mapPath(r.code, data.date),
        villages: ratio(t, i.villages),
        villages_rate: percent(i.villages),
        villages_count:
          i.villages.total === 0 ? t('coverage_map.table.none') : `${i.villages.covered}/${i.villages.total}`,
        townships: ratio(t, i.townships),
        central_villages: ratio(t, i.central_villages),
        cremation: cremation(t, i.cremation_counties),
        zone: zoneText(r.code, zone),
      };
    };
    const childLevel = data.coverage.children[0]?.level;
    const query = new URLSearchParams({ region: regionParam(data.region.code), date: data.date }).toString();
    // Above a city the facilities are counted, not listed (a province has hundreds, the country thousands).
    const listed = data.city !== null;
    const tiles = config.mapTiles;
    return {
      region: data.region,
      isoDate: data.date,
      dateText: formatDate(data.date, lang),
      query,
      dataUrl: `/staff/coverage/map/data.json?${query}`,
      tiles: tiles && { url: tiles.url, attribution: tiles.attribution, subdomains: tiles.subdomains },
      noBoundaries: data.boundaries === null,
      aboveCity: data.city === null,
      cityName: data.city?.name ?? '',
      total: row(data.coverage.region),
      rows: data.coverage.children.map(row),
      printTables: chunk(data.coverage.children.map(row), PRINT_ROWS),
      childLevelName: childLevel ? t(`levels.${childLevel}`) : '',
      located: listed ? data.facilities.map((f) => facilityView(t, lang, f)) : [],
      unlocated: listed ? data.unlocated.map((f) => facilityView(t, lang, f)) : [],
      countedOnly: !listed,
      facilityCount: data.facilities.length + data.unlocated.length,
      hasSample: [...data.facilities, ...data.unlocated].some((f) => f.is_sample),
      dashboardUrl: dashboardPath(data.region.code, data.date),
    };
  }

  async function funeralZonesOf(city: string): Promise<Map<string, FuneralZone>> {
    const z = await funeralZones(db, city);
    const out = new Map<string, FuneralZone>();
    for (const [code, zone] of z.counties) if (zone) out.set(code, zone);
    for (const t of z.townships) if (t.funeral_zone) out.set(t.code, t.funeral_zone);
    return out;
  }

  // ## The map page
  async function page(req: Request, res: Response) {
    const q = await readQuery(req);
    const data = await mapData(db, q);
    const picker = await buildPicker(db, 'region', data.region.code, 'county', regionScope(req.user!));
    const t = translator(req.lang);
    res.render('coverage/map', {
      title: `${t('coverage_map.title')} · ${data.region.name}`,
      styles: ['/static/vendor/leaflet/leaflet.css', '/static/css/coverage-map.css'],
      picker,
      ...(await pageModel(req, data)),
    });
  }

  // ## The print view: one A4 landscape sheet
  async function printPage(req: Request, res: Response) {
    const q = await readQuery(req);
    const data = await mapData(db, q);
    const t = translator(req.lang);
    res.render('coverage/map-print', {
      title: t('coverage_map.print_title', { region: data.region.name }),
      styles: ['/static/vendor/leaflet/leaflet.css', '/static/css/coverage-map.css'],
      madeBy: req.user!.display_name,
      madeOn: formatDate(todayInShanghai(), req.lang),
      ...(await pageModel(req, data)),
    });
  }

  // ## The data behind the map, with the labels the script shows (in the reader's language)
  async function dataJson(req: Request, res: Response) {
    const t = translator(req.lang);
    let data: MapData;
    try {
      data = await mapData(db, await readQuery(req));
    } catch (err) {
      // A script reads this: errors as JSON in the API's shape, although the path is a page's.
      if (!(err instanceof AppError)) throw err;
      const fields = Object.fromEntries(
        Object.entries(err.fields).map(([k, v]) => [
          k,
          { code: v.key.replace(/^errors\./, ''), message: t(v.key, v.params) },
        ]),
      );
      res
        .status(err.status)
        .json({ error: err.code, message: t(`errors.${err.code}`), ...(Object.keys(fields).length ? { fields } : {}) });
      return;
    }
    const lang = req.lang;
    res.set('Cache-Control', 'private, no-store');
    res.json({
      region: data.region,
      date: data.date,
      city: data.city,
      focus: data.focus,
      boundaries: data.boundaries,
      classes: Array.from({ length: RATE_CLASSES }, (_, i) => ({ from: i / RATE_CLASSES, to: (i + 1) / RATE_CLASSES })),
      areas: data.areas.map((a) => ({
        ...a,
        zone_name: t(`coverage_map.zones.${a.funeral_zone ?? 'none'}`),
        texts: {
          villages: ratio(t, a.indicators.villages),
          townships: ratio(t, a.indicators.townships),
          central_villages: ratio(t, a.indicators.central_villages),
          cremation: cremation(t, a.indicators.cremation_counties),
          rate: percent(a.indicators.villages),
          township_zones:
            (['reform', 'cremation'] as const)
              .map((z) => {
                const names = a.township_zones.filter((tz) => tz.funeral_zone === z).map((tz) => tz.name);
                return names.length
                  ? t(`coverage_map.popup.townships_${z}`, { n: names.length, names: names.join('、') })
                  : null;
              })
              .filter(Boolean)
              .join('；') || null,
        },
        dashboard_url: dashboardPath(a.code, data.date),
        map_url: mapPath(a.code, data.date),
      })),
      facilities: data.facilities.map((f) => facilityView(t, lang, f)),
      unlocated: data.unlocated.map((f) => ({
        id: f.id,
        name: f.name,
        kind: f.kind,
        status: f.status,
        region_code: f.region_code,
        url: facilityPath(f.id),
        edit_url: facilityEditPath(f.id),
      })),
      labels: labels(t),
    });
  }

  return [
    // ## 覆盖地图 (bureau)
    { method: 'get', path: '/staff/coverage/map', roles: BUREAU, handler: page },
    { method: 'get', path: '/staff/coverage/map/data.json', roles: BUREAU, handler: dataJson },
    { method: 'get', path: '/staff/coverage/map/print', roles: BUREAU, handler: printPage },
  ];
}

/** Every text the map's script shows. */
function labels(t: Translate) {
  const all = (prefix: string, keys: readonly string[]) =>
    Object.fromEntries(keys.map((k) => [k, t(`${prefix}.${k}`)]));
  return {
    kinds: all('kinds', facilityKinds),
    statuses: all('statuses', facilityStatuses),
    zones: all('coverage_map.zones', ['cremation', 'reform', 'none']),
    legend: all('coverage_map.legend', ['title', 'rate', 'no_villages', 'zones', 'kinds', 'statuses', 'focus']),
    popup: all('coverage_map.popup', [
      'kind',
      'status',
      'capacity',
      'build_mode',
      'region',
      'open',
      'zone',
      'villages',
      'townships',
      'central_villages',
      'cremation',
      'dashboard',
      'zoom',
      'sample',
    ]),
    layers: all('coverage_map.layers', ['zones', 'labels']),
    zone_hatch: t('coverage_map.zone_hatch'),
    zone_partial: t('coverage_map.zone_partial'),
    north: t('coverage_map.north'),
    load_failed: t('coverage_map.load_failed'),
    boundaries_attribution: t('coverage_map.boundaries_attribution'),
  };
}
