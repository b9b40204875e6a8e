// Importing divisions (idempotent upsert in batches), telling those who keep division totals, and the reads of
// regions other domains use (a region, its trail, its children, names): their code calls these, never the store.
import type { Knex } from 'knex';
import { NotFoundError } from '../http/errors.js';
import { prefixOf, readDivisions, type ReadProgress, type Scope } from './divisions.js';
import * as kindStore from './kind-store.js';
import type { Level, Region } from './levels.js';
import * as store from './store.js';

export interface ImportProgress {
  phase: 'read' | 'write';
  done: number;
  total: number;
}

const BATCH = 500;

export async function importDivisions(
  db: Knex,
  scope: Scope,
  onProgress?: (p: ImportProgress) => void,
): Promise<{ rows: number }> {
  const read = await readDivisions(scope, (p: ReadProgress) =>
    onProgress?.({ phase: 'read', done: p.bytes, total: p.totalBytes }),
  );
  // Every unit's kind is derived again, rows already there too; the bureau's corrections win over the name rule.
  const corrected = await kindStore.kindsUnder(db, prefixOf(scope));
  const rows = corrected.size
    ? read.map((r) => (corrected.has(r.code) ? { ...r, is_admin_village: corrected.get(r.code)! } : r))
    : read;
  // One transaction per batch keeps write locks short; rows come parents first, so each batch's parents exist.
  let written = 0;
  try {
    for (let i = 0; i < rows.length; i += BATCH) {
      await db.transaction((trx) => store.upsertMany(trx, rows.slice(i, i + BATCH)));
      written += 1;
      onProgress?.({ phase: 'write', done: Math.min(i + BATCH, rows.length), total: rows.length });
    }
  } finally {
    // Also after a failure part-way: the batches before it are committed.
    if (written > 0) divisionsChanged(db);
  }
  return { rows: rows.length };
}

// ## Who keeps something computed from the divisions (coverage's division totals) is told after a change commits.

type DivisionsListener = (db: Knex) => void;
const listeners = new Set<DivisionsListener>();

/** Calls `listener` with the database after every committed change to the divisions; answers a function that stops it. */
export function onDivisionsChanged(listener: DivisionsListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells every listener that the divisions of `db` changed. Called by services after their transaction commits. */
export function divisionsChanged(db: Knex): void {
  for (const listener of listeners) listener(db);
}

// ## Reads for other domains

export function findRegion(db: Knex, code: string): Promise<Region | undefined> {
  return store.find(db, code);
}

/** The region and every ancestor, top first; empty for an unknown code. */
export function regionTrail(db: Knex, code: string): Promise<Region[]> {
  return store.ancestry(db, code);
}

/** The regions directly below a code, in code order; null: the top level (provinces). */
export function childRegions(db: Knex, code: string | null): Promise<Region[]> {
  return store.children(db, code);
}

/** Names of the given regions by code (unknown codes are left out). */
export function regionNames(db: Knex, codes: string[]): Promise<Map<string, string>> {
  return store.namesOf(db, codes);
}

/** The first region of a level in code order (the coverage pages' default when the demo city is not there). */
export function firstRegionAt(db: Knex, level: Level): Promise<Region | undefined> {
  return store.firstAt(db, level);
}

// ## The browsing page

export interface RegionOverview {
  region: Region | undefined;
  children: Region[];
  trail: Region[];
  summaries: Awaited<ReturnType<typeof store.childSummaries>>;
  totals: Awaited<ReturnType<typeof store.countByLevel>>;
}

/** A region (none: the top) with its trail, its children and their counts, and the counts by level below it. */
export async function regionOverview(db: Knex, code: string): Promise<RegionOverview> {
  const region = code ? await store.find(db, code) : undefined;
  const [children, summaries, trail, totals] = await Promise.all([
    store.children(db, region ? region.code : null),
    region ? store.childSummaries(db, region.code) : Promise.resolve(new Map()),
    region ? store.ancestry(db, region.code) : Promise.resolve([]),
    store.countByLevel(db, region?.code ?? ''),
  ]);
  return { region, children, trail, summaries, totals };
}

export interface RegionWithChildren {
  region: Region;
  children: Region[];
}

export async function regionWithChildren(db: Knex, code: string): Promise<RegionWithChildren> {
  const region = await store.find(db, code);
  if (!region) throw new NotFoundError('region_not_found');
  return { region, children: await store.children(db, code) };
}

// Reads other domains use (a case's household, the public directory, the staff dashboard): never the store.

/** How many regions there are of each level (and administrative villages), below `prefix` when given. */
export function regionCounts(db: Knex, prefix = ''): Promise<Record<Level | 'admin_village', number>> {
  return store.countByLevel(db, prefix);
}
