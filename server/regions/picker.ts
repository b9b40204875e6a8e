// The region picker: one select per level (county → township → village), filled on the server for the chosen
// path so it works without JavaScript; static/js/region-picker.js refills the lower selects as the user picks.
import type { Knex } from 'knex';
import { levels, codeLength, type Level, type Region } from './levels.js';
import * as store from './store.js';

export interface PickerLevel {
  level: Level;
  field: string;
  options: { code: string; name: string; selected: boolean }[];
}

export interface Picker {
  name: string;
  /** The deepest region picked, or '' when none. */
  value: string;
  /** Levels with a single region (the demo's province and city) are fixed, not asked. */
  fixed: { code: string; name: string; level: Level }[];
  levels: PickerLevel[];
}

export async function buildPicker(
  db: Knex,
  name: string,
  selected: string,
  maxLevel: Level = 'village',
  within?: string,
): Promise<Picker> {
  // A region-scoped bureau is offered its own region and what lies below it (and the levels above, fixed).
  const open = (code: string) => !within || code.startsWith(within) || within.startsWith(code);
  const path = selected ? await store.ancestry(db, selected) : [];
  const picker: Picker = { name, value: '', fixed: [], levels: [] };
  let parent: string | null = null;
  for (;;) {
    const options: Region[] = (await store.children(db, parent)).filter((o) => open(o.code));
    if (options.length === 0) break;
    const level = options[0].level;
    if (options.length === 1 && picker.levels.length === 0 && level !== maxLevel) {
      picker.fixed.push({ code: options[0].code, name: options[0].name, level });
      picker.value = options[0].code;
      parent = options[0].code;
      continue;
    }
    const chosen = path.find((p) => p.level === level && options.some((o) => o.code === p.code));
    picker.levels.push({
      level,
      field: `${name}__${level}`,
      options: options.map((o) => ({ code: o.code, name: o.name, selected: o.code === chosen?.code })),
    });
    if (!chosen || level === maxLevel) {
      if (chosen) picker.value = chosen.code;
      break;
    }
    picker.value = chosen.code;
    parent = chosen.code;
  }
  return picker;
}

/**
 * The region picked in a submitted form or query: the deepest level whose code lies under the levels above it
 * (a township left over from another county is dropped). A plain `name=CODE` parameter is accepted too.
 */
export function pickedCode(input: Record<string, unknown>, name: string): string {
  let code = '';
  for (const level of levels) {
    const v = input[`${name}__${level}`];
    if (typeof v !== 'string' || v === '') continue;
    if (v.length !== codeLength[level] || !/^\d+$/.test(v) || !v.startsWith(code)) break;
    code = v;
  }
  const plain = input[name];
  if (!code && typeof plain === 'string' && /^\d{2,12}$/.test(plain)) code = plain;
  return code;
}

export async function pickerFromQuery(
  db: Knex,
  input: Record<string, unknown>,
  name: string,
  maxLevel: Level = 'village',
  within?: string,
): Promise<Picker> {
  return buildPicker(db, name, pickedCode(input, name), maxLevel, within);
}
