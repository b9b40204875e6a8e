// Messages of the visit JSON API (docs/API.md, "Visit reservations"), Chinese first.
import type { DomainMessages } from '../i18n/types.js';

const zh = {
  visits_api: {
    cancelled: '预约已取消。',
  },
  errors: {
    visit_api_facility_invalid: '请给出祭扫场所的编号（facility）。',
    visit_api_date_invalid: '请给出日期（date），格式为 2027-04-05。',
    visit_api_facility_not_found: '没有这个祭扫场所。',
    visit_api_idempotency_key_invalid: 'Idempotency-Key 应为 1 至 100 个可打印 ASCII 字符。',
  },
};

const en: typeof zh = {
  visits_api: {
    cancelled: 'The booking is cancelled.',
  },
  errors: {
    visit_api_facility_invalid: 'Give the id of the cemetery or columbarium (facility).',
    visit_api_date_invalid: 'Give the day (date) as 2027-04-05.',
    visit_api_facility_not_found: 'There is no such cemetery or columbarium.',
    visit_api_idempotency_key_invalid: 'Idempotency-Key must be 1 to 100 printable ASCII characters.',
  },
};

export const visitApiMessages: DomainMessages<typeof zh> = { 'zh-CN': zh, en };
