// Facility kinds, statuses and build modes (DESIGN.md, Domain). Codes are stored; names come from the catalogs.

export const facilityKinds = [
  'funeral_home',
  'columbarium',
  'urban_public_cemetery',
  'rural_public_cemetery',
  'commercial_cemetery',
  'funeral_service_point',
] as const;
export type FacilityKind = (typeof facilityKinds)[number];

export const facilityStatuses = ['planned', 'building', 'operating', 'closed'] as const;
export type FacilityStatus = (typeof facilityStatuses)[number];

/** Kinds that place ashes for the public good: the ones a service area is kept for (coverage counts them). */
export const ashPlacementKinds = [
  'columbarium',
  'urban_public_cemetery',
  'rural_public_cemetery',
] as const satisfies readonly FacilityKind[];

/** Build modes of rural public-welfare cemeteries (DESIGN.md): 单村独建, 多村联建, 全镇统建, 镇村合建. */
export const buildModes = ['single_village', 'multi_village', 'township_wide', 'township_village'] as const;
export type BuildMode = (typeof buildModes)[number];

export interface Facility {
  id: number;
  name: string;
  kind: FacilityKind;
  status: FacilityStatus;
  region_code: string;
  region_name?: string;
  parent_region_name?: string | null;
  address: string | null;
  phone: string | null;
  lng: number | null;
  lat: number | null;
  niche_capacity: number | null;
  plot_capacity: number | null;
  is_sample: boolean;
  /** Rural public-welfare cemeteries only (单村独建, 多村联建, 全镇统建, 镇村合建). */
  build_mode?: BuildMode | null;
  investment_fen?: number | null;
  note?: string | null;
  updated_at?: string;
}
