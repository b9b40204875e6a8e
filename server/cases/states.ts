// The life of a funeral case: registered → body received → stored → farewell done → cremated → ashes released
// or placed. Each step may only follow the one before it; a farewell may be skipped by families who hold none.
// A case leaves the cremation path (withdrawn 撤销/转出: the body taken elsewhere, or buried under minority
// custom) from any step before cremation.
export const caseStatuses = [
  'registered',
  'body_received',
  'stored',
  'farewell_done',
  'cremated',
  'ashes_released',
  'ashes_placed',
  'withdrawn',
] as const;
export type CaseStatus = (typeof caseStatuses)[number];

const next: Record<CaseStatus, readonly CaseStatus[]> = {
  registered: ['body_received', 'withdrawn'],
  body_received: ['stored', 'withdrawn'],
  stored: ['farewell_done', 'cremated', 'withdrawn'],
  farewell_done: ['cremated', 'withdrawn'],
  cremated: ['ashes_released', 'ashes_placed'],
  ashes_released: [],
  ashes_placed: [],
  withdrawn: [],
};

/** Reached only by recording the cremation against its booking (cremation/steps-service.ts), never by the status form. */
export const recordedStatuses: readonly CaseStatus[] = ['cremated'];

/**
 * Reached only through the custody forms on the case page (server/custody/), never by the status form: 接收遗体
 * records who received the body and its tag, 入柜冷藏 the fridge slot, 骨灰领取 the named recipient with the ID checked.
 * Each maps to the message that names the form to use.
 */
export const custodySteps = {
  body_received: 'receive_by_custody_form',
  stored: 'store_by_custody_form',
  ashes_released: 'release_by_custody_form',
} as const satisfies Partial<Record<CaseStatus, string>>;
export type CustodyStep = keyof typeof custodySteps;

export function isCustodyStep(s: CaseStatus): s is CustodyStep {
  return Object.hasOwn(custodySteps, s);
}
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

/**
 * The statuses that complete a case (the ashes collected or placed): reaching one is closing the case, which a
 * balance owed or a required paper missing stops unless a reason is recorded (server/cases/closing.ts). A withdrawn
 * case is final too, but leaves the home's care before its services are done, so those checks do not apply.
 */
export const completingStatuses = ['ashes_released', 'ashes_placed'] as const satisfies readonly CaseStatus[];

export function completes(s: CaseStatus): boolean {
  return (completingStatuses as readonly CaseStatus[]).includes(s);
}
