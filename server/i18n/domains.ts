// Each domain keeps its own messages in server/<domain>/messages.ts, with the same keys in both languages
// (the type checks it); they are merged over the platform catalog. Add one line per domain.
import { auditMessages } from '../audit/messages.js';
import { caseMessages } from '../cases/messages.js';
import { familyMessages } from '../cases/family-messages.js';
import { moneyMessages } from '../cases/money-messages.js';
import { coverageMessages } from '../coverage/dashboard/messages.js';
import { coverageMapMessages } from '../coverage/map/messages.js';
import { proposalMessages } from '../coverage/proposal/messages.js';
import { coverageTargetMessages } from '../coverage/targets/messages.js';
import { yearMessages } from '../coverage/years/messages.js';
import { cremationMessages } from '../cremation/messages.js';
import { custodyMessages } from '../custody/messages.js';
import { documentMessages } from '../documents/messages.js';
import { paymentReceiptMessages } from '../documents/payment-receipt-messages.js';
import { facilityMessages } from '../facilities/messages.js';
import { homeMessages } from '../home/messages.js';
import { memorialMessages } from '../memorials/messages.js';
import { priceMessages } from '../prices/messages.js';
import { regionMessages } from '../regions/messages.js';
import { reportMessages } from '../reports/messages.js';
import { reportSettingsMessages } from '../reports/settings-messages.js';
import { finderMessages } from '../resting/finder-messages.js';
import { restingMessages } from '../resting/messages.js';
import { restingListMessages } from '../resting/list-messages.js';
import { restingEligibilityMessages } from '../resting/eligibility-messages.js';
import { contractMessages } from '../resting/contract-messages.js';
import { satisfactionMessages } from '../satisfaction/messages.js';
import { staffMessages } from '../staff/messages.js';
import { visitMessages } from '../visits/messages.js';
import { visitPublicMessages } from '../visits/public-messages.js';
import { visitStaffMessages } from '../visits/staff-messages.js';
import { visitApiMessages } from '../visits/api-messages.js';
import { claimMessages } from '../waivers/claim-messages.js';
import { waiverMessages } from '../waivers/messages.js';
import { waiverReportMessages } from '../waivers/report-messages.js';
import type { DomainMessages } from './types.js';

export const domainMessages: DomainMessages<object>[] = [
  auditMessages,
  caseMessages,
  familyMessages,
  moneyMessages,
  coverageMessages,
  coverageMapMessages,
  proposalMessages,
  coverageTargetMessages,
  yearMessages,
  cremationMessages,
  custodyMessages,
  documentMessages,
  paymentReceiptMessages,
  facilityMessages,
  homeMessages,
  memorialMessages,
  priceMessages,
  regionMessages,
  visitMessages,
  visitPublicMessages,
  visitStaffMessages,
  visitApiMessages,
  reportMessages,
  reportSettingsMessages,
  satisfactionMessages,
  staffMessages,
  restingMessages,
  restingListMessages,
  finderMessages,
  restingEligibilityMessages,
  waiverMessages,
  claimMessages,
  waiverReportMessages,
  contractMessages,
];
