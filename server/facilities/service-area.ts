// A facility's service area (服务范围): which villages and whole townships it serves, from its build mode, where it
// stands and the areas listed for it. The registry explains it on the facility's page; coverage counts with it.
import type { BuildMode } from './kinds.js';

const townshipOf = (code: string) => code.slice(0, 9);
const isVillage = (code: string) => code.length === 12;
const isTownship = (code: string) => code.length === 9;

/** What the rule reads of a facility: where it stands, its build mode and its listed area codes. */
export interface ServiceAreaOf {
  region_code: string;
  build_mode: BuildMode | null;
  areas: string[];
}

/** Villages a facility serves one by one, and townships it serves whole. */
export interface Service {
  villages: string[];
  townships: string[];
}

/**
 * What a facility serves, from its build mode, where it stands and its listed service area:
 * 单村独建 its own village; 多村联建 and 镇村合建 its own village (when it stands in one) plus the listed ones;
 * 全镇统建 every village of its township. Without a build mode (columbaria, urban cemeteries) it serves the village
 * or the whole township it stands in, and nothing by itself when it stands higher up (a county). Listed townships
 * are served whole, listed villages one by one, in every mode: the list adds to what the mode implies.
 */
export function serviceOf(f: ServiceAreaOf): Service {
  const villages = new Set<string>();
  const townships = new Set<string>();
  const loc = f.region_code;
  if (f.build_mode === 'township_wide') {
    if (loc.length >= 9) townships.add(townshipOf(loc));
  } else if (isVillage(loc)) {
    villages.add(loc);
  } else if (isTownship(loc) && f.build_mode === null) {
    townships.add(loc);
  }
  for (const a of f.areas) {
    if (isVillage(a)) villages.add(a);
    else if (isTownship(a)) townships.add(a);
  }
  return { villages: [...villages], townships: [...townships] };
}
