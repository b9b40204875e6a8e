// The codes of resting places (安放/安葬位置): what a place is, its stored status, and the statuses shown from it.
export const placeKinds = ['niche', 'plot'] as const;
export type PlaceKind = (typeof placeKinds)[number];

/** A niche (格位) is of type niche; a plot (墓位) is one of the cemetery types, the green ones marked below. */
export const placeTypes = ['niche', 'single', 'double', 'tree', 'lawn', 'flower_bed', 'wall', 'deep_no_mound'] as const;
export type PlaceType = (typeof placeTypes)[number];
export const plotTypes = placeTypes.filter((t) => t !== 'niche') as Exclude<PlaceType, 'niche'>[];

/** 单穴/双穴 ash graves: at most 1 m² each (the plans' land-saving rule). */
export const ashGraveTypes = ['single', 'double'] as const satisfies readonly PlaceType[];
export const MAX_ASH_GRAVE_M2 = 1;

/** What is stored: a lapsed hold stays 'held' until someone takes the place, and is shown as free. */
export const placeStatuses = ['free', 'held', 'occupied', 'blocked'] as const;
export type PlaceStatus = (typeof placeStatuses)[number];

/** What staff see: an occupied place whose term ends within 90 days is expiring, one whose term has ended expired. */
export const shownStatuses = ['free', 'held', 'occupied', 'expiring', 'expired', 'blocked'] as const;
export type ShownStatus = (typeof shownStatuses)[number];

/** A wall of a columbarium hall, or a cemetery section. */
export const groupKinds = ['wall', 'section'] as const;
export type GroupKind = (typeof groupKinds)[number];

export const DEFAULT_HOLD_HOURS = 72;
export const DEFAULT_TERM_YEARS = 20;
export const EXPIRING_DAYS = 90;
