// Importing divisions (idempotent upsert in batches) and reading a region with its children.
import type { Knex } from 'knex';
import { NotFoundError } from '../http/errors.js';
import { readDivisions, type ReadProgress, type Scope } from './divisions.js';
import type { Region } from './levels.js';
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
