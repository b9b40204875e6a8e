// Importing divisions (idempotent upsert in batches) and reading a region with its children.
import type { Knex } from 'knex';
import { NotFoundError } from '../http/errors.js';
import { readDivisions, type ReadProgress, type Scope } from './divisions.js';
import type { Level, Region } from './levels.js';
import * as store from './store.js';

export interface ImportProgress { phase: 'read' | 'write'; done: number; total: number }

const BATCH = 500;

export async function importDivisions(db: Knex, scope: Scope, onProgress?: (p: ImportProgress) => void): Promise<{ rows: number }> {
  const rows = await readDivisions(scope, (p: ReadProgress) => onProgress?.({ phase: 'read', done: p.bytes, total: p.totalBytes }));
  // One transaction per batch keeps write locks short; rows come parents first, so each batch's parents exist.
  for (let i = 0; i < rows.length; i += BATCH) {
    await db.transaction((trx) => store.upsertMany(trx, rows.slice(i, i + BATCH)));
    onProgress?.({ phase: 'write', done: Math.min(i + BATCH, rows.length), total: rows.length });
  }
  return { rows: rows.length };
}

export interface RegionWithChildren { region: Region; children: Region[] }

export async function regionWithChildren(db: Knex, code: string): Promise<RegionWithChildren> {
  const region = await store.find(db, code);
  if (!region) throw new NotFoundError('region_not_found');
  return { region, children: await store.children(db, code) };
}

// Reads other domains use (a case's household, the public directory, the staff dashboard): never the store.

/** One region, or undefined when there is none with that code. */
export function findRegion(db: Knex, code: string): Promise<Region | undefined> {
  return store.find(db, code);
}

/** The region and every ancestor, top first. */
export function regionTrail(db: Knex, code: string): Promise<Region[]> {
  return store.ancestry(db, code);
}

/** Names by code, for the codes that exist. */
export function regionNames(db: Knex, codes: string[]): Promise<Map<string, string>> {
  return store.namesOf(db, codes);
}

/** How many regions there are of each level (and administrative villages), below `prefix` when given. */
export function regionCounts(db: Knex, prefix = ''): Promise<Record<Level | 'admin_village', number>> {
  return store.countByLevel(db, prefix);
}
