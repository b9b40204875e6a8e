// Input of the lists: the expiring tab (90/30/7 days), search and page; a phone reveal; a notice; a clearing.
import { z } from 'zod';
import { Id, isoDate, optionalText, requiredText, searchText } from '../http/fields.js';
import { pageParam } from '../http/validate.js';
import { noticeMethods } from './kinds.js';

/** Which tab of the expiring list: an unknown value falls back to 90 days. */
export const ExpiringQuery = z.object({
  within: z
    .enum(['90', '30', '7'])
    .catch('90')
    .default('90')
    .transform((v) => Number(v) as 90 | 30 | 7),
  q: searchText(50),
  page: pageParam,
});
export type ExpiringQuery = z.infer<typeof ExpiringQuery>;

export const ExpiredQuery = z.object({ q: searchText(50), page: pageParam });
export type ExpiredQuery = z.infer<typeof ExpiredQuery>;

/** 显示完整号码: which contract's holder (the list's filters ride along to show the same page again). */
export const RevealInput = z.object({ contract_id: Id });
export type RevealInput = z.infer<typeof RevealInput>;

/** 通知: how, on which day (Asia/Shanghai) and what was said. */
export const NoticeInput = z.object({
  method: z.enum(noticeMethods, { error: 'errors.invalid_choice' }),
  sent_on: isoDate(),
  note: optionalText(200),
});
export type NoticeInput = z.infer<typeof NoticeInput>;

const yes = z.preprocess((v) => v === '1' || v === 'on' || v === true, z.boolean());

/** 清理: the day and the reason, shown once for confirmation before anything changes. */
export const ClearInput = z.object({
  ended_on: isoDate(),
  reason: requiredText(200),
  confirm: yes,
});
export type ClearInput = z.infer<typeof ClearInput>;
