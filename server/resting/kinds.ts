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

// ## Contracts and placements

/** A contract is in force until the place is given up (迁出 of everyone placed, or the family ends it). */
export const contractStatuses = ['active', 'ended'] as const;
export type ContractStatus = (typeof contractStatuses)[number];

/** Fee lines of a contract: the first term, a renewal (续期) or a correction; nothing is ever deleted. */
export const feeLineKinds = ['initial', 'renewal', 'correction'] as const;
export type FeeLineKind = (typeof feeLineKinds)[number];

/**
 * How the ashes were laid: in a niche, in one of the plot types, or scattered (撒散, at the facility, with no place).
 * All but niche, single and double are green burial (节地生态安葬).
 */
export const burialMethods = [...placeTypes, 'scattering'] as const;
export type BurialMethod = (typeof burialMethods)[number];
export const greenBurialMethods = [
  'tree',
  'lawn',
  'flower_bed',
  'wall',
  'deep_no_mound',
  'scattering',
] as const satisfies readonly BurialMethod[];

/** How a family was told that a term ends or has ended (a notice is recorded before anything is cleared). */
export const noticeMethods = ['phone', 'sms', 'letter', 'visit', 'announcement'] as const;
export type NoticeMethod = (typeof noticeMethods)[number];
