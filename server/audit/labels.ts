// An audit row as a person reads it: the entity and action in words, what it was (a facility's name, a target's region,
// indicator and year), and each changed field as label: old → new, values in words (状态: 运营 → 停用; 目标值 80.0% →
// 90.0%; 服务范围 as village names). Pure: the names of facilities, regions and users come in `Names`.
import { formatMoney, formatRate } from '../http/format.js';
import type { Translate } from '../i18n/index.js';
import type { AuditRow } from './store.js';

export interface Names {
  facilities: Map<string, string>;
  regions: Map<string, string>;
  users: Map<string, string>;
}

export interface Change {
  field: string;
  label: string;
  before: string;
  after: string;
}

export interface ReadableEntry {
  id: number;
  at: string;
  actor: string | null;
  actorName: string | null;
  action: string;
  entity: string;
  entityId: string | null;
  subject: string;
  regionCode: string | null;
  region: string;
  changes: Change[];
  ip: string | null;
  /** The facility's page, for a facility that still exists. */
  href?: string;
}

type Json = Record<string, unknown>;

function parsed(text: string | null): Json {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : { value: v };
  } catch {
    return { value: text };
  }
}

/** Fields whose values are region codes (one or a list). */
const REGION_FIELDS = new Set(['region_code', 'areas', 'central', 'added', 'removed']);

/** Everything the rows name that needs a name: facility ids, region codes (their own, and in their values), users. */
export function wanted(rows: AuditRow[]): { facilityIds: number[]; regionCodes: string[]; usernames: string[] } {
  const facilityIds: number[] = [];
  const regionCodes: string[] = [];
  const usernames: string[] = [];
  for (const r of rows) {
    if (r.actor_name) usernames.push(r.actor_name);
    if (r.region_code) regionCodes.push(r.region_code);
    if (r.entity === 'facility' && r.entity_id && /^\d+$/.test(r.entity_id)) facilityIds.push(Number(r.entity_id));
    if (r.entity_id && /^\d{2,12}(\/\d{4})?$/.test(r.entity_id)) regionCodes.push(r.entity_id.split('/')[0]);
    for (const j of [parsed(r.before), parsed(r.after)])
      for (const [k, v] of Object.entries(j)) {
        if (!REGION_FIELDS.has(k)) continue;
        for (const c of Array.isArray(v) ? v : [v]) if (typeof c === 'string') regionCodes.push(c);
      }
  }
  return { facilityIds, regionCodes, usernames };
}

/** A known catalog key's text, else the raw value (a code written by a newer version, say). */
function known(t: Translate, key: string, raw: string): string {
  const text = t(key);
  return text === key ? raw : text;
}

export function valueText(field: string, v: unknown, t: Translate, names: Names): string {
  const none = t('audit.none');
  if (v === null || v === undefined || v === '') return none;
  const region = (c: string) => names.regions.get(c) ?? c;
  if (typeof v === 'boolean') return t(v ? 'audit.yes' : 'audit.no');
  if (REGION_FIELDS.has(field)) {
    const list = (Array.isArray(v) ? v : [v]).map((c) => region(String(c)));
    return list.length ? list.join('、') : none;
  }
  switch (field) {
    case 'kind':
    case 'by_rule':
      // A facility's kind (骨灰堂), or a village-level unit's (行政村 / 社区).
      return known(t, `kinds.${v}`, known(t, `audit.unit_kinds.${v}`, String(v)));
    case 'status':
      // A new facility's first status carries its date: 运营（2024-03-01 起）.
      if (typeof v === 'object' && !Array.isArray(v)) {
        const e = v as Json;
        const label = known(t, `statuses.${e.status}`, String(e.status));
        return e.effective_on ? t('audit.status_from', { status: label, date: String(e.effective_on) }) : label;
      }
      return known(t, `statuses.${v}`, String(v));
    case 'build_mode':
      return known(t, `facilities.build_modes.${v}`, String(v));
    case 'indicator':
      return known(t, `coverage_targets.indicators.${v}`, String(v));
    case 'funeral_zone':
      return known(t, `coverage_map.zones.${v}`, String(v));
    case 'investment_fen':
    case 'amount_fen':
      return typeof v === 'number' ? formatMoney(v) : String(v);
    case 'field':
      // What a reveal showed in full: a field's name.
      return fieldLabel(t, String(v));
    case 'rate':
      return typeof v === 'number' ? formatRate(v) : String(v);
    case 'history':
      return Array.isArray(v)
        ? v
            .map((h: Json) => `${String(h.effective_on)} ${known(t, `statuses.${h.status}`, String(h.status))}`)
            .join('；')
        : String(v);
    case 'created':
    case 'updated':
      return Array.isArray(v)
        ? v.map((x: unknown) => (typeof x === 'object' && x ? String((x as Json).name) : String(x))).join('、') || none
        : String(v);
  }
  if (Array.isArray(v)) return v.map(String).join('、') || none;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The field's label in the catalog, else its name. */
const fieldLabel = (t: Translate, field: string) => known(t, `audit.fields.${field}`, field);

/** Each field named before or after, in the order the change names them, with both values in words. */
export function changesOf(row: Pick<AuditRow, 'before' | 'after'>, t: Translate, names: Names): Change[] {
  const before = parsed(row.before);
  const after = parsed(row.after);
  const fields = [...new Set([...Object.keys(after), ...Object.keys(before)])];
  const empty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
  return (
    fields
      // Only what changed; nothing for a field empty on both sides (a new facility's blank phone, say).
      .filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]))
      .filter((f) => !(empty(before[f]) && empty(after[f])))
      .map((field) => ({
        field,
        label: fieldLabel(t, field),
        before: field in before ? valueText(field, before[field], t, names) : '',
        after: field in after ? valueText(field, after[field], t, names) : '',
      }))
  );
}

/** Entities whose record is a region, named by its code (a contract's id 10 is not the region 10). */
const REGION_KEYED = new Set(['region', 'region_kind', 'central_villages', 'report_settings']);

/** What the row is about, by name: a facility, a target (region, year, indicator), a region's figures of a year. */
function subjectOf(row: AuditRow, t: Translate, names: Names): string {
  const j = { ...parsed(row.before), ...parsed(row.after) };
  const region = (c: string) => names.regions.get(c) ?? c;
  if (row.entity === 'facility')
    return (row.entity_id && names.facilities.get(row.entity_id)) ?? (typeof j.name === 'string' ? j.name : '') ?? '';
  if (row.entity === 'coverage_target' && typeof j.region_code === 'string')
    return `${region(j.region_code)} ${String(j.year)} ${valueText('indicator', j.indicator, t, names)}`;
  if (row.entity_id && /^\d{2,12}\/\d{4}$/.test(row.entity_id)) {
    const [code, year] = row.entity_id.split('/');
    return `${region(code)} ${year}`;
  }
  if (row.entity_id && REGION_KEYED.has(row.entity) && /^\d{2,12}$/.test(row.entity_id)) return region(row.entity_id);
  return '';
}

/**
 * An action's name: the entity's own word for it where one is given (`audit.actions_of.<entity>.<action>`: the release
 * of a body in custody is the handover of its ashes, of a niche the end of its hold), else the action's
 * (`audit.actions.<action>`), else its code.
 */
function actionText(row: Pick<AuditRow, 'entity' | 'action'>, t: Translate): string {
  const own = known(t, `audit.actions_of.${row.entity}.${row.action}`, '');
  return own || known(t, `audit.actions.${row.action}`, row.action);
}

export function describe(row: AuditRow, t: Translate, names: Names): ReadableEntry {
  const facilityName = row.entity === 'facility' && row.entity_id ? names.facilities.get(row.entity_id) : undefined;
  return {
    id: row.id,
    at: row.at,
    actor: row.actor_name,
    actorName: row.actor_name ? (names.users.get(row.actor_name) ?? row.actor_name) : null,
    action: actionText(row, t),
    entity: known(t, `audit.entities.${row.entity}`, row.entity),
    entityId: row.entity_id,
    subject: subjectOf(row, t, names),
    regionCode: row.region_code,
    region: row.region_code ? (names.regions.get(row.region_code) ?? row.region_code) : '',
    changes: changesOf(row, t, names),
    ip: row.ip,
    href: facilityName ? `/staff/facilities/${row.entity_id}` : undefined,
  };
}
