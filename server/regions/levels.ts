// Administrative levels and the length of their national statistical codes.
export const levels = ['province', 'city', 'county', 'township', 'village'] as const;
export type Level = (typeof levels)[number];

export const codeLength: Record<Level, number> = { province: 2, city: 4, county: 6, township: 9, village: 12 };

export function levelOfCode(code: string): Level | undefined {
  return levels.find((l) => codeLength[l] === code.length);
}

/** 村委会/村民委员会 is an administrative village (行政村); any other village-level unit is an urban community (社区). */
export function isAdminVillageName(name: string): boolean {
  return name.endsWith('村委会') || name.endsWith('村民委员会');
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
