// Administrative levels and the length of their national statistical codes; the kind of a village-level unit.
import type { Role } from '../accounts/roles.js';

export const levels = ['province', 'city', 'county', 'township', 'village'] as const;
export type Level = (typeof levels)[number];

export const codeLength: Record<Level, number> = { province: 2, city: 4, county: 6, township: 9, village: 12 };

export function levelOfCode(code: string): Level | undefined {
  return levels.find((l) => codeLength[l] === code.length);
}

// ## Administrative village (行政村) or urban community (社区)

/** The two kinds of a village-level unit. */
export const villageKinds = ['village', 'community'] as const;
export type VillageKind = (typeof villageKinds)[number];

/** Who may correct the kind of one unit (the bureau's correction, kept across imports). */
export const kindEditors: readonly Role[] = ['admin', 'bureau', 'county_bureau'];

// …村 or …嘎查 (Inner Mongolia), alone or followed by 委/委会/委员会/民委员会: 村委会, 村民委员会, 嘎查委员会.
const ADMIN_VILLAGE_END = /(村|嘎查)(委|委会|委员会|民委员会)?$/;
// A bracketed note at the end (full- or half-width; a doubled closing bracket occurs in the data): （省级）.
const TRAILING_NOTE = /[（(]([^（()）]*)[)）]+$/;

/** A name without its bracketed notes at the end, and those notes: 新月村委会（新月工业小区）（省级）. */
export function splitNotes(name: string): { base: string; notes: string[] } {
  const notes: string[] = [];
  let base = name.trim();
  for (let m = TRAILING_NOTE.exec(base); m; m = TRAILING_NOTE.exec(base)) {
    notes.unshift(m[1]);
    base = base.slice(0, m.index).trimEnd();
  }
  return { base, notes };
}

/**
 * The name rule (DESIGN.md): a village-level unit is an administrative village when its name, or a bracketed note
 * at its end, ends in 村 or 嘎查, alone or followed by 委/委会/委员会/民委员会; anything else (居委会, 社区, 生活区,
 * 管理区, and 社区 names that contain 村 such as 洋桥村社区) is an urban community. docs/COVERAGE.md lists the odd cases.
 */
export function isAdminVillageName(name: string): boolean {
  const { base, notes } = splitNotes(name);
  return ADMIN_VILLAGE_END.test(base) || notes.some((n) => ADMIN_VILLAGE_END.test(n.trim()));
}

/** What the name rule says of a unit. */
export const kindByName = (name: string): VillageKind => (isAdminVillageName(name) ? 'village' : 'community');

/**
 * How people name a unit, without its committee: 岩脚村村委会 and 岩脚村民委员会 → 岩脚村, XX嘎查委员会 → XX嘎查,
 * 石龙社区村民委员会 → 石龙社区, 大河社区居民委员会 → 大河社区. Other names (洋桥村, 合隆居委会) are kept; bracketed notes
 * at the end stay after the shortened name.
 */
export function shortName(name: string): string {
  const { base, notes } = splitNotes(name);
  let short = base;
  const village = /^(.+?)(村|嘎查)(委|委会|委员会|民委员会)$/.exec(base);
  const community = /^(.+社区)(居民委员会|居委会)$/.exec(base);
  if (village) short = /(村|嘎查|社区)$/.test(village[1]) ? village[1] : village[1] + village[2];
  else if (community) short = community[1];
  return short + notes.map((n) => `（${n}）`).join('');
}

export interface Region {
  code: string;
  name: string;
  level: Level;
  parent_code: string | null;
  is_admin_village: boolean | null;
  is_central_village: boolean;
  population: number | null;
  lng: number | null;
  lat: number | null;
}
