// Each domain keeps its own messages in server/<domain>/messages.ts, with the same keys in both languages
// (the type checks it); they are merged over the platform catalog. Add one line per domain.
import { caseMessages } from '../cases/messages.js';
import { coverageMessages } from '../coverage/messages.js';
import { cremationMessages } from '../cremation/messages.js';
import { documentMessages } from '../documents/messages.js';
import { priceMessages } from '../prices/messages.js';

export interface DomainMessages<T> { 'zh-CN': T; en: T }

export const domainMessages: DomainMessages<object>[] = [
  caseMessages,
  coverageMessages,
  cremationMessages,
  documentMessages,
  priceMessages,
];
