// The registry as CSV (docs/REGISTRY.md): export for Excel (UTF-8 with BOM), and import that checks every row
// first and writes all of it in one transaction or nothing. Rows are matched to facilities by name.
import { createHash } from 'node:crypto';
import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Knex } from 'knex';
import * as audit from '../audit/service.js';
import { changed } from '../changes.js';
import { isUniqueViolation, nowIso } from '../db.js';
import { AppError, ConflictError, type FieldErrors } from '../http/errors.js';
import { todayInShanghai } from '../time.js';
import { fieldErrors } from '../http/validate.js';
import { zhCN } from '../i18n/zh-CN.js';
import { guardClosedYears, type ChangeReach } from './closed-years.js';
import { buildModes, facilityKinds, facilityStatuses, type Facility } from './kinds.js';
import { facilityMessages } from './messages.js';
import { FacilityInput, fenToYuan, shapeOf, StatusInput, type FacilityShape } from './schemas.js';
import {
  appendStatus,
  changedFields,
  codesOf,
  facilityProblems,
  inputOf,
  insertWithStatus,
  scopeOf,
  scopeProblems,
  statusProblems,
  type Keeper,
} from './service.js';
import * as store from './store.js';
import type { FacilityFilter } from './store.js';

/** The columns, in order. The header row carries these codes; on import the Chinese labels are accepted too. */
export const csvColumns = [
  'name',
  'kind',
  'status',
  'status_date',
  'region_code',
  'address',
  'phone',
  'lng',
  'lat',
  'niche_capacity',
  'plot_capacity',
  'investment_yuan',
  'build_mode',
  'service_area',
  'note',
] as const;
export type CsvColumn = (typeof csvColumns)[number];

/** Without these an import cannot tell what a row is; the others, when absent, leave a facility's value as it is. */
const requiredColumns: CsvColumn[] = ['name', 'kind', 'status', 'status_date', 'region_code'];

/** A form field (or its error) → the CSV column holding it. */
const columnOfField: Record<string, CsvColumn> = {
  name: 'name',
  kind: 'kind',
  region: 'region_code',
  region_code: 'region_code',
  address: 'address',
  phone: 'phone',
  lng: 'lng',
  lat: 'lat',
  niche_capacity: 'niche_capacity',
  plot_capacity: 'plot_capacity',
  investment: 'investment_yuan',
  build_mode: 'build_mode',
  areas: 'service_area',
  note: 'note',
  status: 'status',
  effective_on: 'status_date',
  investment_fen: 'investment_yuan',
};

/** Up to this many data rows per import. */
export const MAX_ROWS = 2000;
/**
 * The import form's body limit (server/app.ts): MAX_ROWS rows of mostly Chinese text, URL-encoded (a Chinese
 * character is 9 bytes there), with room to spare; other forms keep the app's 200 KB.
 */
export const IMPORT_BODY_LIMIT = '4mb';

const columnLabels = facilityMessages['zh-CN'].facilities.csv.columns;

// Codes or their Chinese names (a clerk filling in a sheet by hand writes 运营, not operating).
const lookup = (codes: readonly string[], names: Record<string, string>) =>
  new Map<string, string>(
    codes.flatMap(
      (c) =>
        [
          [c, c],
          [names[c], c],
        ] as [string, string][],
    ),
  );
const kindsByName = lookup(facilityKinds, zhCN.kinds);
const statusesByName = lookup(facilityStatuses, zhCN.statuses);
const modesByName = lookup(buildModes, facilityMessages['zh-CN'].facilities.build_modes);
const headerByName = new Map<string, CsvColumn>(
  csvColumns.flatMap(
    (c) =>
      [
        [c, c],
        [columnLabels[c], c],
      ] as [string, CsvColumn][],
  ),
);

// A cell that begins like a formula is run by Excel; it is exported behind an apostrophe, which import takes off again.
const FORMULA = /^[=+\-@\t\r]/;
const guard = (v: string | null) => (v && FORMULA.test(v) ? `'${v}` : (v ?? ''));
const unguard = (v: string) => (/^'[=+\-@\t\r]/.test(v) ? v.slice(1) : v);

const plain = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

interface CsvRecord {
  facility: Facility;
  areas: string[];
  latest?: { status: string; effective_on: string };
}

function cells(r: CsvRecord): Record<CsvColumn, string> {
  const f = r.facility;
  return {
    name: guard(f.name),
    kind: f.kind,
    status: r.latest?.status ?? f.status,
    status_date: r.latest?.effective_on ?? '',
    region_code: f.region_code,
    address: guard(f.address),
    phone: guard(f.phone),
    lng: plain(f.lng),
    lat: plain(f.lat),
    niche_capacity: plain(f.niche_capacity),
    plot_capacity: plain(f.plot_capacity),
    investment_yuan: f.investment_fen === null || f.investment_fen === undefined ? '' : fenToYuan(f.investment_fen),
    build_mode: f.build_mode ?? '',
    service_area: r.areas.join(';'),
    note: guard(f.note ?? null),
  };
}

/** The registry (or the part a filter selects) as CSV text with a BOM, CRLF line ends, so Excel reads it as UTF-8. */
export async function exportCsv(db: Knex, filter: FacilityFilter = {}): Promise<string> {
  const facilities = await store.listAll(db, filter);
  const ids = facilities.map((f) => f.id);
  const [areas, latest] = await Promise.all([store.serviceAreas(db, ids), store.latestEntries(db, ids)]);
  const rows = facilities.map((f) => cells({ facility: f, areas: areas.get(f.id) ?? [], latest: latest.get(f.id) }));
  return stringify(rows, { bom: true, header: true, columns: [...csvColumns], record_delimiter: 'windows' });
}

// ## Import

export interface CellError {
  column: CsvColumn | null;
  label: string | null;
  key: string;
  params?: Record<string, unknown>;
}

export interface ImportRow {
  /** The line of the text where the row begins (the header is line 1). */
  line: number;
  name: string;
  action: 'create' | 'update' | 'unchanged' | 'invalid';
  /** Columns whose value changes (updates). */
  changes: CsvColumn[];
  errors: CellError[];
}

export interface ImportPlan {
  /** A problem with the text as a whole (unreadable, no header, too many rows); no rows then. */
  fatal?: { key: string; params?: Record<string, unknown> };
  rows: ImportRow[];
  valid: boolean;
  counts: { create: number; update: number; unchanged: number; invalid: number };
  /**
   * What the rows were planned against: a digest of each named facility's updated_at (or its absence). The
   * preview hands it to the apply step, which refuses when it changed, so an edit committed after the preview is
   * never overwritten by values the clerk saw before it.
   */
  version: string;
}

interface Op {
  row: ImportRow;
  input: FacilityInput;
  status: StatusInput;
  existing?: Facility;
  statusChange: boolean;
}

const cellError = (column: CsvColumn | null, key: string, params?: Record<string, unknown>): CellError => ({
  column,
  label: column ? columnLabels[column] : null,
  key,
  params,
});

const fromFieldErrors = (errors: FieldErrors): CellError[] =>
  Object.entries(errors).map(([field, e]) => cellError(columnOfField[field] ?? null, e.key, e.params));

function finish(rows: ImportRow[], fatal?: ImportPlan['fatal'], version = ''): ImportPlan {
  const n = (a: ImportRow['action']) => rows.filter((r) => r.action === a).length;
  const counts = { create: n('create'), update: n('update'), unchanged: n('unchanged'), invalid: n('invalid') };
  return { fatal, rows, valid: !fatal && counts.invalid === 0 && rows.length > 0, counts, version };
}

function versionOf(names: string[], byName: Map<string, Facility>): string {
  const hash = createHash('sha256');
  for (const name of [...new Set(names)].sort())
    hash.update(JSON.stringify([name, byName.get(name)?.updated_at ?? null]));
  return hash.digest('hex').slice(0, 32);
}

/** Reads the text: records with the line each begins on. Tab-separated text (cells copied from Excel) is accepted too. */
function readRecords(text: string): { records: { line: number; cells: string[] }[] } | { fatal: ImportPlan['fatal'] } {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') return { fatal: { key: 'errors.facility_import_empty' } };
  const first = body.split(/\r?\n/, 1)[0];
  const delimiter = first.includes('\t') && !first.includes(',') ? '\t' : ',';
  try {
    const parsed = parseCsv(body, {
      delimiter,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as { record: string[]; info: { lines: number }; raw: string }[];
    return {
      records: parsed.map((p) => ({
        line: p.info.lines - (p.raw.replace(/\r?\n$/, '').match(/\n/g)?.length ?? 0),
        cells: p.record.map((c) => c.trim()),
      })),
    };
  } catch (err) {
    if (err instanceof CsvError)
      return {
        fatal: {
          key: 'errors.facility_import_unreadable',
          params: { line: (err as unknown as { lines?: number }).lines ?? '?' },
        },
      };
    throw err;
  }
}

// Excel shows long numbers as 5.20201E+11 and saves them so: the code is lost and must be typed again as text.
const EXCEL_NUMBER = /^\d+(\.\d+)?E\+\d+$/i;

/**
 * Checks every row against the registry as it is, without writing: what each row would do and every problem, by
 * line and column. `db` may be a transaction (the apply step plans again inside its own).
 */
export async function planImport(
  db: Knex,
  text: string,
  today = todayInShanghai(),
  scope?: string,
): Promise<{ plan: ImportPlan; ops: Op[] }> {
  const read = readRecords(text);
  if ('fatal' in read) return { plan: finish([], read.fatal), ops: [] };
  const [header, ...records] = read.records;
  const columns = header.cells.map(
    (c) => headerByName.get(c.trim().toLowerCase()) ?? headerByName.get(c.trim()) ?? null,
  );
  const unknown = header.cells.filter((_, i) => columns[i] === null);
  if (unknown.length)
    return {
      plan: finish([], { key: 'errors.facility_import_unknown_columns', params: { columns: unknown.join('、') } }),
      ops: [],
    };
  const missing = requiredColumns.filter((c) => !columns.includes(c));
  if (missing.length)
    return {
      plan: finish([], {
        key: 'errors.facility_import_missing_columns',
        params: { columns: missing.map((c) => `${c}（${columnLabels[c]}）`).join('、') },
      }),
      ops: [],
    };
  if (records.length === 0) return { plan: finish([], { key: 'errors.facility_import_no_rows' }), ops: [] };
  if (records.length > MAX_ROWS)
    return {
      plan: finish([], { key: 'errors.facility_import_too_many', params: { max: MAX_ROWS, n: records.length } }),
      ops: [],
    };

  // Everything the rows refer to, read at once.
  const byName = new Map((await store.listAll(db)).map((f) => [f.name, f]));
  const named = records.map((r) => unguard(r.cells[columns.indexOf('name')] ?? ''));
  const matchedIds = named.map((n) => byName.get(n)?.id).filter((id): id is number => id !== undefined);
  const [areasOf, latestOf] = await Promise.all([
    store.serviceAreas(db, matchedIds),
    store.latestEntries(db, matchedIds),
  ]);

  const rows: ImportRow[] = [];
  const parsed: {
    row: ImportRow;
    shape: FacilityShape;
    input?: FacilityInput;
    status?: StatusInput;
    existing?: Facility;
  }[] = [];
  const firstLine = new Map<string, number>();
  for (const [i, rec] of records.entries()) {
    const row: ImportRow = { line: rec.line, name: named[i], action: 'invalid', changes: [], errors: [] };
    rows.push(row);
    if (rec.cells.length > columns.length)
      row.errors.push(
        cellError(null, 'errors.facility_import_extra_cells', { n: rec.cells.length, expected: columns.length }),
      );
    const value = (c: CsvColumn): string | undefined => {
      const at = columns.indexOf(c);
      return at === -1 ? undefined : unguard(rec.cells[at] ?? '');
    };
    const existing = byName.get(row.name);
    // A region-scoped bureau imports its own region's facilities only.
    if (existing && scope !== undefined && !existing.region_code.startsWith(scope))
      row.errors.push(cellError('name', 'errors.facility_import_outside_scope', { scope }));
    // An absent column keeps what the facility has; a new facility gets it empty.
    const keep = existing ? cells({ facility: existing, areas: areasOf.get(existing.id) ?? [] }) : undefined;
    const get = (c: CsvColumn) => value(c) ?? (keep ? unguard(keep[c]) : '');
    for (const c of ['region_code', 'service_area'] as const) {
      if (
        get(c)
          .split(/[;；]/)
          .some((v) => EXCEL_NUMBER.test(v.trim()))
      )
        row.errors.push(cellError(c, 'errors.facility_import_excel_number'));
    }
    const kind = get('kind');
    const status = get('status');
    const mode = get('build_mode');
    const form = {
      name: row.name,
      kind: kindsByName.get(kind) ?? kind,
      region: get('region_code'),
      address: get('address'),
      phone: get('phone'),
      lng: get('lng'),
      lat: get('lat'),
      niche_capacity: get('niche_capacity'),
      plot_capacity: get('plot_capacity'),
      investment: get('investment_yuan'),
      build_mode: modesByName.get(mode) ?? mode,
      note: get('note'),
      areas: get('service_area')
        .split(/[;；]/)
        .map((c) => c.trim())
        .filter(Boolean),
    };
    const f = FacilityInput.safeParse(form);
    const s = StatusInput.safeParse({ status: statusesByName.get(status) ?? status, effective_on: get('status_date') });
    if (!f.success) row.errors.push(...fromFieldErrors(fieldErrors(f.error)));
    if (!s.success) row.errors.push(...fromFieldErrors(fieldErrors(s.error)));
    if (row.name && firstLine.has(row.name))
      row.errors.push(cellError('name', 'errors.facility_import_duplicate_name', { line: firstLine.get(row.name) }));
    else if (row.name) firstLine.set(row.name, row.line);
    parsed.push({
      row,
      shape: shapeOf(form),
      input: f.success ? f.data : undefined,
      status: s.success ? s.data : undefined,
      existing,
    });
  }

  const regions = await store.regionsByCode(
    db,
    parsed.flatMap((p) => codesOf(p.shape)),
  );
  const ops: Op[] = [];
  for (const p of parsed) {
    const { row, input, status, existing } = p;
    row.errors.push(...fromFieldErrors({ ...facilityProblems(p.shape, regions), ...scopeProblems(p.shape, scope) }));
    const latest = existing ? latestOf.get(existing.id) : undefined;
    const statusChange =
      !latest || !status || latest.status !== status.status || latest.effective_on !== status.effective_on;
    if (status && statusChange)
      row.errors.push(
        ...fromFieldErrors(statusProblems(existing ? await store.statusHistory(db, existing.id) : [], status, today)),
      );
    if (!input || !status || row.errors.length) continue;
    if (!existing) {
      row.action = 'create';
      ops.push({ row, input, status, statusChange: true });
      continue;
    }
    row.changes = changedFields(inputOf(existing, areasOf.get(existing.id) ?? []), input).map((k) => columnOfField[k]);
    if (statusChange) row.changes.push('status', 'status_date');
    row.action = row.changes.length ? 'update' : 'unchanged';
    if (row.changes.length) ops.push({ row, input, status, existing, statusChange });
  }
  for (const r of rows) {
    // One message per cell: the first said is the one to fix first (an Excel-mangled code, before its format).
    r.errors = r.errors.filter((e, i) => e.column === null || r.errors.findIndex((o) => o.column === e.column) === i);
    if (r.errors.length) r.action = 'invalid';
  }
  return { plan: finish(rows, undefined, versionOf(named, byName)), ops };
}

/** Import refused: the plan says which rows and why. */
export class ImportRejected extends AppError {
  constructor(readonly plan: ImportPlan) {
    super(400, 'facility_import_invalid');
  }
}

/**
 * Plans again inside one transaction and writes every row or none: new facilities with their first status, changed
 * ones updated with a history entry when their status or its date changed, and one audit row for the whole import.
 * The facilities the rows name are locked before the plan that is written, so nobody changes them in between, and
 * the plan must rest on the same versions as the preview (`version`, see ImportPlan): otherwise 409
 * facility_import_stale and nothing is written. Importing what an export wrote changes nothing and writes nothing.
 */
export async function applyImport(
  db: Knex,
  actor: Keeper,
  text: string,
  version: string | undefined,
  ip: string | null,
): Promise<ImportPlan> {
  const today = todayInShanghai();
  const scope = scopeOf(actor);
  try {
    const applied = await db.transaction(async (trx) => {
      const first = await planImport(trx, text, today, scope);
      if (first.plan.fatal) throw new ImportRejected(first.plan);
      await store.lockFacilitiesNamed(trx, first.plan.rows.map((r) => r.name).filter(Boolean));
      const { plan, ops } = await planImport(trx, text, today, scope);
      if (!plan.valid) throw new ImportRejected(plan);
      if (ops.length === 0) return plan;
      if (plan.version !== version) throw new ConflictError('facility_import_stale');
      const created: string[] = [];
      const updated: { name: string; changes: string[] }[] = [];
      // An import gives no reason: one that would alter a closed year (年度报送) is refused whole.
      const reach: ChangeReach = {
        codes: ops.flatMap((op) => [...codesOf(op.input), op.existing?.region_code ?? '']).filter(Boolean),
        from: '2000-01-01',
        entity: 'facility',
        entityId: null,
      };
      await guardClosedYears(trx, actor, reach, undefined, async () => {
        for (const op of ops) {
          if (!op.existing) {
            await insertWithStatus(trx, actor, { input: op.input, status: op.status });
            created.push(op.input.name);
            continue;
          }
          const id = op.existing.id;
          const { areas, ...row } = op.input;
          await store.updateFacility(trx, id, { ...row, updated_at: nowIso() });
          if (op.row.changes.includes('service_area')) await store.replaceAreas(trx, id, areas);
          if (op.statusChange) await appendStatus(trx, actor, id, op.status, today);
          updated.push({ name: op.input.name, changes: op.row.changes });
        }
      }).catch((err: unknown) => {
        if (err instanceof ConflictError && err.code === 'closed_year_changed')
          throw new ConflictError('closed_year_import', {}, { years: err.params.years });
        throw err;
      });
      await audit.record(trx, {
        actor,
        action: 'import',
        entity: 'facility',
        after: { created, updated },
        // The region all the rows lie in (the whole country when they lie in several provinces).
        regionCode: audit.commonRegion(ops.map((o) => o.input.region_code)),
        ip,
      });
      return plan;
    });
    changed(db, 'facilities');
    return applied;
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('facility_import_conflict');
    throw err;
  }
}
