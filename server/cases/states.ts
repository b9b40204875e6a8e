// The life of a funeral case: registered → body received → stored → farewell done → cremated → ashes released
// or placed. Each step may only follow the one before it; a farewell may be skipped by families who hold none.
export const caseStatuses = [
  'registered',
  'body_received',
  'stored',
  'farewell_done',
  'cremated',
  'ashes_released',
  'ashes_placed',
] as const;
export type CaseStatus = (typeof caseStatuses)[number];

const next: Record<CaseStatus, readonly CaseStatus[]> = {
  registered: ['body_received'],
  body_received: ['stored'],
  stored: ['farewell_done', 'cremated'],
  farewell_done: ['cremated'],
  cremated: ['ashes_released', 'ashes_placed'],
  ashes_released: [],
  ashes_placed: [],
};

/**
 * Statuses of a case still under way: one person may have only one such case (the partial unique index
 * funeral_cases_id_number_open lists these). Named one by one, not as "not final", so that a status added later
 * (a withdrawn case, say) is not counted as open until it is added here and to a migration.
 */
export const openStatuses = [
  'registered',
  'body_received',
  'stored',
  'farewell_done',
  'cremated',
] as const satisfies readonly CaseStatus[];

export function isOpen(s: CaseStatus): boolean {
  return (openStatuses as readonly CaseStatus[]).includes(s);
}

export function allowedNext(from: CaseStatus): readonly CaseStatus[] {
  return next[from];
}

export function canMove(from: CaseStatus, to: CaseStatus): boolean {
  return next[from].includes(to);
}

export function isFinal(s: CaseStatus): boolean {
  return next[s].length === 0;
}
