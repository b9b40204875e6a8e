// Facility kinds and statuses (DESIGN.md, Domain). Codes are stored; names come from the catalogs.
import type { BuildMode } from '../coverage/indicators/kinds.js';

export const facilityKinds = ['funeral_home', 'columbarium', 'urban_public_cemetery', 'rural_public_cemetery', 'commercial_cemetery', 'funeral_service_point'] as const;
export type FacilityKind = (typeof facilityKinds)[number];

export const facilityStatuses = ['planned', 'building', 'operating', 'closed'] as const;
export type FacilityStatus = (typeof facilityStatuses)[number];

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
