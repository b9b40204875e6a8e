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

export function allowedNext(from: CaseStatus): readonly CaseStatus[] {
  return next[from];
}

export function canMove(from: CaseStatus, to: CaseStatus): boolean {
  return next[from].includes(to);
}

export function isFinal(s: CaseStatus): boolean {
  return next[s].length === 0;
}
