// What the coverage map shows for a region and date: the counties of its city (boundaries, village coverage and
// funeral zone of each), the facilities below the region with their status on the date, and the table behind it.
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { rateTenths } from '../../http/format.js';
import { staticDir } from '../../paths.js';
import * as regions from '../../regions/service.js';
import type { CoverageResult, FuneralZone, Indicators, RegionCoverage, RegionRef } from '../indicators/kinds.js';
import { facilitiesOn, type MapFacilityRow, type ZoneRow } from './store.js';
import * as store from './store.js';
import { computeCoverage } from '../engine/service.js';

/** Village coverage is shaded in five classes of 20 points: [0, 20%), [20%, 40%) … [80%, 100%]. */
export const RATE_CLASSES = 5;

/** The class of the rate as its label reads (19.96% reads 20.0% and is shaded with [20%, 40%)). */
export function rateClass(rate: number | null): number | null {
  if (rate === null) return null;
  return Math.min(RATE_CLASSES - 1, Math.max(0, Math.floor((rateTenths(rate) * RATE_CLASSES) / 1000)));
}

export interface MapArea {
  code: string;
  name: string;
  indicators: Indicators;
  /** Class of the village coverage rate, 0–4; null where the county has no administrative village. */
  rate_class: number | null;
  funeral_zone: FuneralZone | null;
  /** Townships below whose zone differs from the county's (土葬改革区 townships of a 火葬区 county, say). */
  township_zones: { code: string; name: string; funeral_zone: FuneralZone }[];
  has_boundary: boolean;
}

export type MapFacility = MapFacilityRow;

export interface MapData {
  region: RegionRef;
  date: string;
  /** The city whose counties are drawn; null above city level. */
  city: { code: string; name: string } | null;
  /** The county to zoom to, when the region is one or lies in one. */
  focus: string | null;
  /** URL of the county boundaries of the city, null when there are none. */
  boundaries: string | null;
  areas: MapArea[];
  /** The region's own coverage and its children's, for the table under the map. */
  coverage: CoverageResult;
  /** Facilities with coordinates, drawn as markers. */
  facilities: MapFacility[];
  /** Facilities without coordinates, listed under the map. */
  unlocated: MapFacility[];
}

// ## Boundary files: static/geo/*.geojson, one city each, found by the county codes of their features
const geoDir = path.join(staticDir, 'geo');
let boundaryIndex: Map<string, { url: string; counties: Set<string> }> | undefined;

export function boundaryFiles(): Map<string, { url: string; counties: Set<string> }> {
  if (boundaryIndex) return boundaryIndex;
  const index = new Map<string, { url: string; counties: Set<string> }>();
  const files = fs.existsSync(geoDir)
    ? fs
        .readdirSync(geoDir)
        .filter((f) => f.endsWith('.geojson'))
        .sort()
    : [];
  for (const file of files) {
    const geo = JSON.parse(fs.readFileSync(path.join(geoDir, file), 'utf8')) as {
      features: { id?: string; properties?: { code?: string } }[];
    };
    const counties = new Set(geo.features.map((f) => String(f.properties?.code ?? f.id)));
    const city = [...counties][0]?.slice(0, 4);
    if (city && !index.has(city)) index.set(city, { url: `/static/geo/${file}`, counties });
  }
  return (boundaryIndex = index);
}

const cityOf = (r: RegionRef): string | null =>
  r.level === 'country' || r.level === 'province' ? null : r.code.slice(0, 4);

/** The funeral zone of each county of a city, and the townships below it that have a zone of their own. */
export function funeralZones(
  db: Knex,
  city: string,
): Promise<{ counties: Map<string, FuneralZone | null>; townships: ZoneRow[] }> {
  return store.funeralZones(db, city);
}

export async function mapData(db: Knex, opts: { region: string; date: string }): Promise<MapData> {
  const coverage = await computeCoverage(db, { region: opts.region, date: opts.date });
  const region: RegionRef = { code: coverage.region.code, name: coverage.region.name, level: coverage.region.level };
  const cityCode = cityOf(region);
  const located = await facilitiesOn(db, region.code, opts.date);
  const out: MapData = {
    region,
    date: opts.date,
    city: null,
    focus: region.code.length >= 6 ? region.code.slice(0, 6) : null,
    boundaries: null,
    areas: [],
    coverage,
    facilities: located.filter((f) => f.lng !== null && f.lat !== null),
    unlocated: located.filter((f) => f.lng === null || f.lat === null),
  };
  if (!cityCode) return out;
  const city = await regions.findRegion(db, cityCode);
  if (!city) return out;
  out.city = { code: city.code, name: city.name };
  const counties: RegionCoverage[] =
    region.code === cityCode
      ? coverage.children
      : (await computeCoverage(db, { region: cityCode, date: opts.date })).children;
  const zones = await funeralZones(db, cityCode);
  const file = boundaryFiles().get(cityCode);
  out.boundaries = file?.url ?? null;
  out.areas = counties.map((c) => {
    const zone = zones.counties.get(c.code) ?? null;
    const township_zones = zones.townships
      .filter((t) => t.code.startsWith(c.code) && t.funeral_zone && t.funeral_zone !== zone)
      .map((t) => ({ code: t.code, name: t.name, funeral_zone: t.funeral_zone! }));
    return {
      code: c.code,
      name: c.name,
      indicators: c.indicators,
      rate_class: rateClass(c.indicators.villages.rate),
      funeral_zone: zone,
      township_zones,
      has_boundary: file?.counties.has(c.code) ?? false,
    };
  });
  return out;
}
