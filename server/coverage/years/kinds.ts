// 年度报送: the states of a region's yearly submission and what its snapshot holds.
import { coverageIndicators } from '../indicators/kinds.js';

/** submitted → returned (with a reason) → submitted again (a new round) …; submitted → accepted. */
export const submissionStatuses = ['submitted', 'returned', 'accepted'] as const;
export type SubmissionStatus = (typeof submissionStatuses)[number];

/** A year counts as closed (back-dated changes are checked against it) while its submission stands. */
export const closedStatuses: readonly SubmissionStatus[] = ['submitted', 'accepted'];

/** What the snapshot keeps per region: every coverage indicator, and urban communities (reported apart). */
export const snapshotIndicators = [...coverageIndicators, 'communities'] as const;
export type SnapshotIndicator = (typeof snapshotIndicators)[number];

/** The day a year's figures are taken on: its last day, Asia/Shanghai. */
export const yearEnd = (year: number): string => `${year}-12-31`;
