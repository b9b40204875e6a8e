// Group lists (低保/特困 名单) the bureau receives as CSV (ID number, valid from, valid to): read and checked row by
// row for a preview, then stored in batches with the import's progress, so intake can match the deceased against them.
import { parse as parseCsv } from 'csv-parse/sync';
import type { Knex } from 'knex';
import { regionScope, type User } from '../accounts/roles.js';
import * as audit from '../audit/service.js';
import { readIdNumber, normaliseIdNumber } from '../cases/id-number.js';
import { nowIso } from '../db.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../http/errors.js';
import { DateTime } from 'luxon';
import { zone } from '../time.js';
import * as listStore from './list-store.js';
import * as policyStore from './policy-store.js';

type Staff = Pick<User, 'id' | 'username' | 'role' | 'region_code'>;

/** Rows stored per transaction: the import's progress moves on after each. */
export const BATCH = 500;
const MAX_ROWS = 200_000;

export interface RowError {
  line: number; // as in the file, the header being line 1
  key: string; // a message key
  value: string;
}

export interface ReadList {
  rows: { line: number; id_number: string; valid_from: string; valid_to: string | null }[];
  errors: RowError[];
  total: number;
}

const HEADERS: Record<string, 'id_number' | 'valid_from' | 'valid_to'> = {
  id_number: 'id_number',
  身份证号: 'id_number',
  身份证号码: 'id_number',
  valid_from: 'valid_from',
  开始日期: 'valid_from',
  起始日期: 'valid_from',
  valid_to: 'valid_to',
  结束日期: 'valid_to',
  截止日期: 'valid_to',
};

const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && DateTime.fromISO(v, { zone }).isValid;

/**
 * Reads a list: a header row (id_number/身份证号, valid_from/开始日期, valid_to/结束日期), then one person a row.
 * Each bad row is named with its line and the reason: an ID number whose check digit or birth date is wrong, a
 * missing or impossible date, an end before the start, the same person and start twice in the file.
 */
export function readList(csv: string): ReadList {
  let records: string[][];
  try {
    records = parseCsv(csv.replace(/^\uFEFF/, ''), { skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch {
    throw new ValidationError({ csv: { key: 'errors.waiver_csv_unreadable' } });
  }
  if (records.length < 2) throw new ValidationError({ csv: { key: 'errors.waiver_csv_empty' } });
  if (records.length - 1 > MAX_ROWS)
    throw new ValidationError({ csv: { key: 'errors.waiver_csv_too_long', params: { max: MAX_ROWS } } });
  const columns = records[0].map((h) => HEADERS[h.trim().toLowerCase()] ?? HEADERS[h.trim()]);
  const at = (name: string) => columns.indexOf(name as never);
  if (at('id_number') < 0 || at('valid_from') < 0)
    throw new ValidationError({ csv: { key: 'errors.waiver_csv_header' } });
  const out: ReadList = { rows: [], errors: [], total: records.length - 1 };
  const seen = new Set<string>();
  records.slice(1).forEach((r, i) => {
    const line = i + 2;
    const raw = r[at('id_number')] ?? '';
    const id = normaliseIdNumber(raw);
    const from = (r[at('valid_from')] ?? '').trim();
    const to = at('valid_to') >= 0 ? (r[at('valid_to')] ?? '').trim() : '';
    const facts = readIdNumber(id);
    if ('problem' in facts) return out.errors.push({ line, key: `errors.waiver_row_id_${facts.problem}`, value: raw });
    if (!isDate(from)) return out.errors.push({ line, key: 'errors.waiver_row_date', value: from });
    if (to && !isDate(to)) return out.errors.push({ line, key: 'errors.waiver_row_date', value: to });
    if (to && to < from) return out.errors.push({ line, key: 'errors.waiver_row_period', value: `${from} – ${to}` });
    const k = `${id}:${from}`;
    if (seen.has(k)) return out.errors.push({ line, key: 'errors.waiver_row_duplicate', value: raw });
    seen.add(k);
    out.rows.push({ line, id_number: id, valid_from: from, valid_to: to || null });
  });
  return out;
}

async function checkGroup(db: Knex, code: string): Promise<policyStore.GroupRow> {
  const group = (await policyStore.groups(db)).find((g) => g.code === code);
  // 户籍居民 has no list: residence alone makes it.
  if (!group || group.all_residents) throw new ValidationError({ group_code: { key: 'errors.invalid_choice' } });
  return group;
}

const mayImport = (user: Staff) => ['admin', 'bureau', 'county_bureau'].includes(user.role);

export async function previewList(db: Knex, user: Staff, groupCode: string, csv: string) {
  if (!mayImport(user)) throw new ForbiddenError();
  const group = await checkGroup(db, groupCode);
  const read = readList(csv);
  return {
    group,
    total: read.total,
    valid: read.rows.length,
    errors: read.errors.slice(0, 200),
    more: Math.max(read.errors.length - 200, 0),
  };
}

/**
 * Stores the list's good rows (the bad ones, shown in the preview, are left out) in batches of BATCH, each its own
 * transaction that moves the import's progress on; a person and start already listed is not stored twice.
 */
export async function importList(
  db: Knex,
  user: Staff,
  input: { group_code: string; csv: string; file_name?: string },
  ip: string | null,
): Promise<number> {
  if (!mayImport(user)) throw new ForbiddenError();
  await checkGroup(db, input.group_code);
  const read = readList(input.csv);
  const importId = await db.transaction(async (trx) => {
    const id = await listStore.insertImport(trx, {
      group_code: input.group_code,
      region_code: regionScope(user) ?? null,
      file_name: input.file_name ?? null,
      rows_total: read.rows.length,
      imported_by: user.id,
      started_at: nowIso(),
    });
    await audit.record(trx, {
      actor: user,
      action: 'import',
      entity: 'waiver_list',
      entityId: id,
      after: {
        group_code: input.group_code,
        rows: read.rows.length,
        rows_with_errors: read.errors.length,
        file_name: input.file_name ?? null,
      },
      regionCode: regionScope(user) ?? null,
      ip,
    });
    return id;
  });
  try {
    for (let i = 0; i < read.rows.length; i += BATCH) {
      const batch = read.rows
        .slice(i, i + BATCH)
        .map(({ id_number, valid_from, valid_to }) => ({ id_number, valid_from, valid_to }));
      await db.transaction(async (trx) => {
        const added = await listStore.insertMembers(trx, importId, input.group_code, batch, nowIso());
        await listStore.progress(trx, importId, { rows_done: i + batch.length, rows_added: added });
      });
    }
    await listStore.progress(db, importId, {
      rows_done: read.rows.length,
      rows_added: 0,
      status: 'done',
      finished_at: nowIso(),
    });
  } catch (err) {
    await listStore
      .progress(db, importId, { rows_added: 0, status: 'failed', finished_at: nowIso() })
      .catch(() => undefined);
    throw err;
  }
  return importId;
}

export async function imports(db: Knex, user: Staff) {
  if (!mayImport(user)) throw new ForbiddenError();
  return listStore.imports(db, regionScope(user));
}

export async function findImport(db: Knex, user: Staff, id: number) {
  if (!mayImport(user)) throw new ForbiddenError();
  const row = await listStore.findImport(db, id);
  const scope = regionScope(user);
  if (!row || (scope && !(row.region_code ?? '').startsWith(scope))) throw new NotFoundError();
  return row;
}
