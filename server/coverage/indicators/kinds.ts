// Coverage indicators and the shapes the engine answers with. The rules are in docs/COVERAGE.md.
import type { Level } from '../../regions/levels.js';

/** Indicators the coverage engine computes from the registry and the division tree. */
export const coverageIndicators = [
  'counties',
  'townships',
  'villages',
  'central_villages',
  'cremation_counties',
] as const;
export type CoverageIndicator = (typeof coverageIndicators)[number];

/** Indicators with yearly figures entered by the bureau (or derived from cases), shown when the data exists. */
export const otherIndicators = ['cremation_rate', 'green_burial_rate', 'grave_remediation'] as const;
export type OtherIndicator = (typeof otherIndicators)[number];

/** Everything a target can be set for. */
export const targetIndicators = [...coverageIndicators, ...otherIndicators] as const;
export type TargetIndicator = (typeof targetIndicators)[number];

export const funeralZones = ['cremation', 'reform'] as const;
export type FuneralZone = (typeof funeralZones)[number];

/** covered of total; rate is covered / total as a fraction, null when there is nothing to cover. */
export interface Ratio {
  total: number;
  covered: number;
  rate: number | null;
}

/** The coverage indicators, plus urban communities (社区): reported apart, never part of village coverage. */
export type Indicators = Record<CoverageIndicator, Ratio> & { communities: Ratio };

export interface RegionRef {
  code: string;
  name: string;
  level: Level | 'country';
}

export interface RegionCoverage extends RegionRef {
  indicators: Indicators;
  /** Urban communities (社区) below the region (= indicators.communities.total): not counted in village coverage. */
  communities: number;
}

export interface CoverageResult {
  region: RegionCoverage;
  /** YYYY-MM-DD, Asia/Shanghai: facilities count when operating on this day. */
  date: string;
  children: RegionCoverage[];
}

export const ratio = (covered: number, total: number): Ratio => ({
  total,
  covered,
  rate: total === 0 ? null : covered / total,
});
