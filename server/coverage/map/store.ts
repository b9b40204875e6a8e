// Queries of the coverage map: facilities below a region with their status on a date, and funeral zones.
import type { Knex } from 'knex';
import { bool } from '../../db.js';
import type { BuildMode, FacilityKind, FacilityStatus } from '../../facilities/kinds.js';
import type { FuneralZone } from '../indicators/kinds.js';

export interface MapFacilityRow {
  id: number;
  name: string;
  kind: FacilityKind;
  region_code: string;
  region_name: string;
  lng: number | null;
  lat: number | null;
  niche_capacity: number | null;
  plot_capacity: number | null;
  build_mode: BuildMode | null;
  is_sample: boolean;
  /** The status on the date asked for, and the day it took effect. */
  status: FacilityStatus;
  status_since: string;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Facilities located below a region (a code prefix) that had a status on the date: the latest history entry on or
 * before it decides. A facility whose history starts after the date did not exist yet and is left out.
 */
export async function facilitiesOn(db: Knex, prefix: string, date: string): Promise<MapFacilityRow[]> {
  const rows = await db('facilities as f')
    .join('regions as r', 'r.code', 'f.region_code')
    .where('f.region_code', 'like', `${prefix}%`)
    .orderBy('f.region_code')
    .orderBy('f.id')
    .select(
      'f.id',
      'f.name',
      'f.kind',
      'f.region_code',
      'r.name as region_name',
      'f.lng',
      'f.lat',
      'f.niche_capacity',
      'f.plot_capacity',
      'f.build_mode',
      'f.is_sample',
    );
  const latest = new Map<number, { status: FacilityStatus; since: string }>();
  const ids = rows.map((r) => r.id as number);
  for (let i = 0; i < ids.length; i += 500) {
    const history = await db('facility_status_history')
      .whereIn('facility_id', ids.slice(i, i + 500))
      .where('effective_on', '<=', date)
      .orderBy('facility_id')
      .orderBy('effective_on')
      .orderBy('id')
      .select('facility_id', 'status', 'effective_on');
    for (const h of history)
      latest.set(h.facility_id, { status: h.status, since: String(h.effective_on).slice(0, 10) });
  }
  const out: MapFacilityRow[] = [];
  for (const r of rows) {
    const s = latest.get(r.id);
    if (!s) continue;
    out.push({
      id: r.id,
      name: r.name,
      kind: r.kind,
      region_code: r.region_code,
      region_name: r.region_name,
      lng: num(r.lng),
      lat: num(r.lat),
      niche_capacity: num(r.niche_capacity),
      plot_capacity: num(r.plot_capacity),
      build_mode: r.build_mode ?? null,
      is_sample: bool(r.is_sample),
      status: s.status,
      status_since: s.since,
    });
  }
  return out;
}

export interface ZoneRow {
  code: string;
  name: string;
  funeral_zone: FuneralZone | null;
}

/** The funeral zone of each county of a city, and the townships below it that have a zone of their own. */
export async function funeralZones(
  db: Knex,
  city: string,
): Promise<{ counties: Map<string, FuneralZone | null>; townships: ZoneRow[] }> {
  const rows = (await db('regions')
    .where('code', 'like', `${city}%`)
    .whereIn('level', ['county', 'township'])
    .where((q) => {
      q.where('level', 'county').orWhereNotNull('funeral_zone');
    })
    .orderBy('code')
    .select('code', 'name', 'level', 'funeral_zone')) as (ZoneRow & { level: string })[];
  return {
    counties: new Map(rows.filter((r) => r.level === 'county').map((r) => [r.code, r.funeral_zone ?? null])),
    townships: rows
      .filter((r) => r.level === 'township')
      .map((r) => ({ code: r.code, name: r.name, funeral_zone: r.funeral_zone })),
  };
}
