// Input of the cremation pages and API: resources, closures, bookings, the day asked for.
import { DateTime } from 'luxon';
import { z } from 'zod';
import { Id, id, idOrNone, instant, isoDate, MAX_ID, optionalId, optionalText, requiredText } from '../http/fields.js';
import { ZONE } from './slots.js';

export const resourceKinds = ['cremator', 'hall'] as const;
export type ResourceKind = (typeof resourceKinds)[number];

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true || v === '1', z.boolean());
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** 'HH:MM' on a quarter hour: the grid's columns are quarter hours at the finest. */
const ClockTime = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):(00|15|30|45)$/, { error: 'errors.clock_time_format' });
const SlotMinutes = z.coerce
  .number({ error: 'errors.slot_minutes_format' })
  .int({ error: 'errors.slot_minutes_format' })
  .min(15, { error: 'errors.slot_minutes_format' })
  .max(480, { error: 'errors.slot_minutes_format' })
  .refine((n) => n % 15 === 0, { error: 'errors.slot_minutes_format' });

const resourceFields = {
  name: requiredText(60),
  price_item_id: optionalId,
  slot_minutes: SlotMinutes,
  day_start: ClockTime,
  day_end: ClockTime,
  active: checkbox,
};

/** Working hours must hold at least one whole slot. */
function hoursHoldASlot(v: { slot_minutes: number; day_start: string; day_end: string }, ctx: z.RefinementCtx) {
  if (minutesOf(v.day_end) - minutesOf(v.day_start) < v.slot_minutes) {
    ctx.addIssue({ code: 'custom', path: ['day_end'], message: 'errors.hours_shorter_than_slot' });
  }
}

export const CrematorInput = z.object(resourceFields).superRefine(hoursHoldASlot);
export type CrematorInput = z.infer<typeof CrematorInput>;

export const HallInput = z
  .object({
    ...resourceFields,
    capacity: z.coerce
      .number({ error: 'errors.capacity_format' })
      .int({ error: 'errors.capacity_format' })
      .min(1, { error: 'errors.capacity_format' })
      .max(5000, { error: 'errors.capacity_format' }),
  })
  .superRefine(hoursHoldASlot);
export type HallInput = z.infer<typeof HallInput>;

export type ResourceInput = CrematorInput & { capacity?: number };

/**
 * A closure from the form: whole days when no times are given (the end date included), otherwise from the start
 * date and time to the end date and time. Stored as the half-open instants [starts_at, ends_at).
 */
export const ClosureInput = z
  .object({
    target: z.string().regex(/^(all|(cremator|hall):\d{1,9})$/, { error: 'errors.invalid_choice' }),
    start_date: isoDate('errors.date_format'),
    start_time: z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'errors.time_format' })
        .optional(),
    ),
    end_date: isoDate('errors.date_format'),
    end_time: z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'errors.time_format' })
        .optional(),
    ),
    reason: requiredText(200),
  })
  .transform((v, ctx) => {
    const at = (date: string, time: string | undefined, endOfDay: boolean) => {
      const day = DateTime.fromISO(date, { zone: ZONE }).startOf('day');
      if (time) return day.set({ hour: Number(time.slice(0, 2)), minute: Number(time.slice(3, 5)) });
      return endOfDay ? day.plus({ days: 1 }) : day;
    };
    const starts = at(v.start_date, v.start_time, false);
    const ends = at(v.end_date, v.end_time, true);
    if (ends <= starts) {
      ctx.addIssue({
        code: 'custom',
        path: [v.end_time ? 'end_time' : 'end_date'],
        message: 'errors.closure_ends_before_start',
      });
      return z.NEVER;
    }
    const target =
      v.target === 'all'
        ? ('all' as const)
        : { kind: v.target.split(':')[0] as ResourceKind, id: Number(v.target.split(':')[1]) };
    return { target, starts_at: starts.toUTC().toISO()!, ends_at: ends.toUTC().toISO()!, reason: v.reason };
  });
export type ClosureInput = z.infer<typeof ClosureInput>;

/** An instant with its offset ('2026-11-28T08:00:00+08:00' or '…Z'), normalised to UTC ISO with milliseconds. */
export const Instant = instant('errors.instant_format', { offsetRequired: true });

export const BookingForm = z.object({
  kind: z.enum(resourceKinds),
  resource_id: Id,
  starts_at: Instant,
  case_id: id('errors.case_required'),
});
export type BookingForm = z.infer<typeof BookingForm>;

/** The booking form's link from a free cell of the grid (and from the case page, with the case chosen). */
export const BookingQuery = z.object({
  kind: z.enum(resourceKinds),
  resource: Id,
  starts_at: Instant,
  case: idOrNone,
});

/** The case a grid is opened for; anything else is ignored. */
export const CaseParam = idOrNone;

export const ApiBookingInput = z.object({
  case_id: z.number({ error: 'errors.case_required' }).int().positive().max(MAX_ID, { error: 'errors.case_required' }),
  cremator_id: z.number().int().positive().max(MAX_ID, { error: 'errors.id_format' }),
  starts_at: Instant,
});

export const CancelInput = z.object({ reason: requiredText(200) });

/** A radio button of the reschedule page: 'resourceId@startsAt'. */
export const RescheduleInput = z
  .object({
    slot: z.string({ error: 'errors.slot_required' }).regex(/^\d{1,9}@\S+$/, { error: 'errors.slot_required' }),
  })
  .transform((v, ctx) => {
    const [id, at] = v.slot.split('@');
    const starts = Instant.safeParse(at);
    if (!starts.success) {
      ctx.addIssue({ code: 'custom', path: ['slot'], message: 'errors.slot_required' });
      return z.NEVER;
    }
    return { resource_id: Number(id), starts_at: starts.data };
  });

const DateParam = z.iso
  .date({ error: 'errors.date_format' })
  .refine((d) => d >= '2000-01-01' && d <= '2099-12-31', { error: 'errors.date_format' });

/** Pages: a bad or missing date falls back to today, a bad facility to the default one. */
export const DayQuery = z.object({
  facility: idOrNone,
  date: DateParam.optional().catch(undefined),
});

/** The API names what is wrong instead. */
export const ApiDayQuery = z.object({
  facility: id('errors.facility_required'),
  date: DateParam,
});

/**
 * A cremation as it happened, from the 记录火化 form: actual start and end (datetime-local fields, Asia/Shanghai),
 * the cremator actually used, and optionally the operator's name (the signed-in user is recorded in any case).
 */
export const CremationRecordInput = z
  .object({
    started_at: instant('errors.datetime_invalid'),
    ended_at: instant('errors.datetime_invalid'),
    cremator_id: id('errors.cremator_required'),
    operator_name: optionalText(50),
  })
  .superRefine((v, ctx) => {
    if (v.ended_at <= v.started_at)
      ctx.addIssue({ code: 'custom', path: ['ended_at'], message: 'errors.cremation_ends_before_start' });
  });
export type CremationRecordInput = z.infer<typeof CremationRecordInput>;
