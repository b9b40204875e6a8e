// Queries on funeral cases, their events, service lines, deductions and payments.
import type { Knex } from 'knex';
import { normaliseIdNumber } from './id-number.js';
import type { CaseStatus } from './states.js';

export interface CaseRow {
  id: number;
  facility_id: number;
  facility_name?: string;
  case_number: string;
  status: CaseStatus;
  deceased_name: string;
  id_number: string;
  sex: 'male' | 'female';
  birth_date: string;
  death_at: string;
  death_place: string | null;
  death_certificate_no: string | null;
  household_region_code: string | null;
  pickup_address: string | null;
  pickup_at: string | null;
  request_id: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

/** A case in a search's results, with the name and phone of its main contact (the recipient, else the first). */
export interface FoundCase extends CaseRow {
  contact_name: string | null;
  contact_phone: string | null;
}

export interface LineRow {
  id: number;
  case_id: number;
  price_item_id: number;
  code: string;
  name_zh: string;
  category: string;
  unit: string;
  quantity: number;
  unit_price_fen: number;
  amount_fen: number;
  /** Set on a line a cremator or hall booking made (由预约生成): the booking it charges for. */
  booking_kind?: 'cremator' | 'hall' | null;
  booking_id?: number | null;
  kind: 'charge' | 'correction';
  corrects_line_id: number | null;
  reason: string | null;
  created_by: number | null;
}
export interface PaymentRow {
  id: number;
  case_id: number;
  kind: 'payment' | 'deposit' | 'refund';
  receipt_number: string | null;
  method: string;
  amount_fen: number;
  payer: string | null;
  paid_at: string;
  received_by: number | null;
  received_by_name: string | null;
  reason: string | null;
  voided_at: string | null;
  voided_by_name: string | null;
  void_reason: string | null;
}
export interface DeductionRow {
  id: number;
  source: string;
  label: string;
  amount_fen: number;
}
export interface EventRow {
  id: number;
  from_status: CaseStatus | null;
  to_status: CaseStatus;
  at: string;
  actor_name: string | null;
  note: string | null;
}

const caseColumns = ['c.*', 'f.name as facility_name'];

export async function find(db: Knex, id: number): Promise<CaseRow | undefined> {
  return db('funeral_cases as c').join('facilities as f', 'f.id', 'c.facility_id').where('c.id', id).first(caseColumns);
}

/** Request ids are a funeral home's own: another home may use the same one. */
export async function findByRequestId(db: Knex, facilityId: number, requestId: string): Promise<CaseRow | undefined> {
  return db('funeral_cases').where({ facility_id: facilityId, request_id: requestId }).first();
}

export interface CaseOfPerson {
  id: number;
  facility_id: number;
  facility_name: string;
  case_number: string;
  status: CaseStatus;
  created_at: string;
}

/** Every case of one ID number (as stored, normalised), at any home, newest first. */
export async function casesOfIdNumber(db: Knex, idNumber: string): Promise<CaseOfPerson[]> {
  return db('funeral_cases as c')
    .join('facilities as f', 'f.id', 'c.facility_id')
    .where('c.id_number', idNumber)
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .select('c.id', 'c.facility_id', 'f.name as facility_name', 'c.case_number', 'c.status', 'c.created_at');
}

/**
 * The next number of a funeral home's yearly counter (case numbers, receipt numbers); one statement, so concurrent
 * intakes or payments never share a number.
 */
export async function nextOfCounter(
  trx: Knex,
  table: 'case_counters' | 'receipt_counters',
  facilityId: number,
  year: number,
): Promise<number> {
  const [row] = await trx(table)
    .insert({ facility_id: facilityId, year, last: 1 })
    .onConflict(['facility_id', 'year'])
    .merge({ last: trx.raw('?? + 1', [`${table}.last`]) })
    .returning('last');
  return Number(typeof row === 'object' ? row.last : row);
}

/** The next case number of a funeral home in a year. */
export function nextNumber(trx: Knex, facilityId: number, year: number): Promise<number> {
  return nextOfCounter(trx, 'case_counters', facilityId, year);
}

export async function insertCase(trx: Knex, row: Omit<CaseRow, 'id'>): Promise<number> {
  const [out] = await trx('funeral_cases').insert(row).returning('id');
  return typeof out === 'object' ? out.id : out;
}

export async function insertEvent(
  trx: Knex,
  e: {
    case_id: number;
    from_status: CaseStatus | null;
    to_status: CaseStatus;
    at: string;
    actor_id: number | null;
    note?: string | null;
  },
): Promise<number> {
  const [out] = await trx('case_events')
    .insert({ ...e, note: e.note ?? null })
    .returning('id');
  return typeof out === 'object' ? out.id : out;
}

/** Moves a case only if it is still in the state the user saw; the row count says whether this request won. */
export async function moveStatus(
  trx: Knex,
  id: number,
  from: CaseStatus,
  to: CaseStatus,
  at: string,
): Promise<boolean> {
  return (await trx('funeral_cases').where({ id, status: from }).update({ status: to, updated_at: at })) === 1;
}

export interface CaseFilter {
  facilityId?: number;
  q?: string;
  from?: string;
  to?: string;
  status?: string;
  /** The search text as a stored phone number, when it is one (server/cases/phone.ts). */
  phone?: string;
}

/**
 * The contact a result row shows: the one the search found by name or phone when it did (a clerk searching for the
 * son's number sees the son), else the recipient, else the first contact.
 */
function shownContactColumn(db: Knex, column: 'name' | 'phone', f: CaseFilter) {
  const found: string[] = [];
  const bindings: string[] = [];
  if (f.q) {
    found.push('k.name LIKE ?');
    bindings.push(`%${f.q}%`);
    if (f.phone) {
      found.push('k.phone = ?');
      bindings.push(f.phone);
    }
    if (/^\d{4}$/.test(f.q)) {
      found.push('k.phone LIKE ?');
      bindings.push(`%${f.q}`);
    }
  }
  const first = found.length ? `CASE WHEN ${found.join(' OR ')} THEN 0 ELSE 1 END, ` : '';
  return db.raw(
    `(SELECT k.${column} FROM case_contacts k WHERE k.case_id = c.id ORDER BY ${first}k.is_ashes_recipient DESC, k.id LIMIT 1) AS contact_${column}`,
    bindings,
  );
}

function filtered(db: Knex, f: CaseFilter) {
  const q = db('funeral_cases as c').join('facilities as f', 'f.id', 'c.facility_id');
  if (f.facilityId !== undefined) q.where('c.facility_id', f.facilityId);
  if (f.status) q.where('c.status', f.status);
  if (f.from) q.where('c.death_at', '>=', f.from);
  if (f.to) q.where('c.death_at', '<', f.to);
  if (f.q) {
    const term = f.q.normalize('NFKC').toUpperCase();
    const id = normaliseIdNumber(f.q); // as stored: full-width digits, spaces and hyphens typed are taken out
    q.where((w) => {
      w.where('c.deceased_name', 'like', `%${f.q}%`).orWhere('c.case_number', term);
      if (/^\d{17}[\dX]$/.test(id)) w.orWhere('c.id_number', id);
      else if (/^\d{3}[\dX]$/.test(id)) w.orWhere('c.id_number', 'like', `%${id}`); // last four
      // The family: a contact's name, phone (as stored, f.phone) or the phone's last four digits.
      w.orWhereExists((k) => {
        k.select(db.raw('1'))
          .from('case_contacts as k')
          .whereRaw('k.case_id = c.id')
          .where((m) => {
            m.where('k.name', 'like', `%${f.q}%`);
            if (f.phone) m.orWhere('k.phone', f.phone);
            if (/^\d{4}$/.test(term)) m.orWhere('k.phone', 'like', `%${term}`);
          });
      });
    });
  }
  return q;
}

export async function search(
  db: Knex,
  f: CaseFilter & { page: number; perPage: number },
): Promise<{ rows: FoundCase[]; total: number }> {
  const q = filtered(db, f);
  const [{ n }] = await q.clone().count({ n: '*' });
  const rows = await q
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(f.perPage)
    .offset((f.page - 1) * f.perPage)
    .select([...caseColumns, shownContactColumn(db, 'name', f), shownContactColumn(db, 'phone', f)]);
  return { rows, total: Number(n) };
}

export type NewLine = Omit<LineRow, 'id' | 'kind' | 'corrects_line_id' | 'reason' | 'created_by'> &
  Partial<Pick<LineRow, 'kind' | 'corrects_line_id' | 'reason' | 'created_by'>> & { created_at: string };

export async function insertLine(trx: Knex, line: NewLine): Promise<number> {
  const [out] = await trx('case_lines').insert(line).returning('id');
  return typeof out === 'object' ? out.id : out;
}

export async function findLine(trx: Knex, caseId: number, lineId: number): Promise<LineRow | undefined> {
  return trx('case_lines').where({ id: lineId, case_id: caseId }).first();
}

export async function deleteLine(trx: Knex, lineId: number): Promise<void> {
  await trx('case_lines').where({ id: lineId }).del();
}

export async function findBookingLine(
  trx: Knex,
  kind: 'cremator' | 'hall',
  bookingId: number,
): Promise<LineRow | undefined> {
  return trx('case_lines').where({ booking_kind: kind, booking_id: bookingId }).first();
}

export async function insertPayment(
  trx: Knex,
  row: {
    case_id: number;
    facility_id: number;
    kind: PaymentRow['kind'];
    receipt_number: string;
    method: string;
    amount_fen: number;
    payer: string | null;
    reason?: string | null;
    refund_of?: number | null;
    paid_at: string;
    received_by: number;
    request_id: string | null;
  },
): Promise<number> {
  const [out] = await trx('case_payments').insert(row).returning('id');
  return typeof out === 'object' ? out.id : out;
}

export async function lines(db: Knex, caseId: number): Promise<LineRow[]> {
  return db('case_lines').where({ case_id: caseId }).orderBy('id');
}

export async function deductions(db: Knex, caseId: number): Promise<DeductionRow[]> {
  return db('case_deductions').where({ case_id: caseId }).orderBy('id').select('id', 'source', 'label', 'amount_fen');
}

export const paymentColumns = [
  'p.id',
  'p.case_id',
  'p.kind',
  'p.receipt_number',
  'p.method',
  'p.amount_fen',
  'p.payer',
  'p.paid_at',
  'p.received_by',
  'u.display_name as received_by_name',
  'p.reason',
  'p.voided_at',
  'v.display_name as voided_by_name',
  'p.void_reason',
];

export async function payments(db: Knex, caseId: number): Promise<PaymentRow[]> {
  return db('case_payments as p')
    .leftJoin('users as u', 'u.id', 'p.received_by')
    .leftJoin('users as v', 'v.id', 'p.voided_by')
    .where('p.case_id', caseId)
    .orderBy('p.id')
    .select(paymentColumns);
}

export async function events(db: Knex, caseId: number): Promise<EventRow[]> {
  return db('case_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .where('e.case_id', caseId)
    .orderBy('e.id')
    .select('e.id', 'e.from_status', 'e.to_status', 'e.at', 'u.display_name as actor_name', 'e.note');
}

// ## Reads for the front desk's day (staff dashboard)

export interface PickupRow {
  id: number;
  case_number: string;
  deceased_name: string;
  pickup_address: string | null;
  pickup_at: string;
}

/** Registered cases (body not yet received) of a home whose pickup time is before `before`, soonest first. */
export async function pickupsDue(db: Knex, facilityId: number, before: string, limit: number): Promise<PickupRow[]> {
  return db('funeral_cases')
    .where({ facility_id: facilityId, status: 'registered' })
    .whereNotNull('pickup_at')
    .where('pickup_at', '<', before)
    .orderBy('pickup_at')
    .orderBy('id')
    .limit(limit)
    .select('id', 'case_number', 'deceased_name', 'pickup_address', 'pickup_at');
}

/**
 * Each case's balance in fen (lines − deductions − payments), as a subquery over the cases of one home: the one
 * place that says which lines, deductions and payments count toward what a family owes, so that a rule on them
 * (a voided payment stops counting) is written once.
 */
export function balances(db: Knex, facilityId: number): Knex.QueryBuilder {
  const ofHome = db('funeral_cases').where({ facility_id: facilityId }).select('id');
  const summed = (table: string) =>
    db(table).whereIn('case_id', ofHome.clone()).groupBy('case_id').select('case_id').sum({ fen: 'amount_fen' });
  // Paid net, as totals() counts it: payments and deposits less refunds; a voided row counts nothing.
  const paid = db('case_payments')
    .whereIn('case_id', ofHome.clone())
    .whereNull('voided_at')
    .groupBy('case_id')
    .select('case_id', db.raw("sum(case when kind = 'refund' then -amount_fen else amount_fen end) as fen"));
  return db('funeral_cases as c')
    .leftJoin(summed('case_lines').as('l'), 'l.case_id', 'c.id')
    .leftJoin(summed('case_deductions').as('d'), 'd.case_id', 'c.id')
    .leftJoin(paid.as('p'), 'p.case_id', 'c.id')
    .where('c.facility_id', facilityId)
    .select('c.id as case_id', db.raw('coalesce(l.fen, 0) - coalesce(d.fen, 0) - coalesce(p.fen, 0) as balance_fen'));
}

export interface OwingRow {
  id: number;
  case_number: string;
  deceased_name: string;
  status: CaseStatus;
  balance_fen: number;
}

/** The home's cases with a balance owed, largest first (at most `limit`), with how many there are and their sum. */
export async function casesOwing(
  db: Knex,
  facilityId: number,
  limit: number,
): Promise<{ rows: OwingRow[]; count: number; total_fen: number }> {
  // One query: the window sums run over every case owing, before the limit cuts the list.
  const rows: (OwingRow & { n: number; total: number })[] = await db
    .from(balances(db, facilityId).as('b'))
    .join('funeral_cases as c', 'c.id', 'b.case_id')
    .where('b.balance_fen', '>', 0)
    .orderBy('b.balance_fen', 'desc')
    .orderBy('c.id')
    .limit(limit)
    .select(
      'c.id',
      'c.case_number',
      'c.deceased_name',
      'c.status',
      'b.balance_fen',
      db.raw('count(*) over () as n'),
      db.raw('sum(b.balance_fen) over () as total'),
    );
  return {
    rows: rows.map(({ n: _n, total: _total, ...r }) => ({ ...r, balance_fen: Number(r.balance_fen) })),
    count: Number(rows[0]?.n ?? 0),
    total_fen: Number(rows[0]?.total ?? 0),
  };
}
