// What the visit JSON API reads besides the reservation body (schemas.ts): the day query and the Idempotency-Key.
import { z } from 'zod';
import { id, isoDate } from '../http/fields.js';

/** ?facility=ID&date=YYYY-MM-DD of GET /api/v1/visit-windows. */
export const WindowsQuery = z.object({
  facility: id('errors.visit_api_facility_invalid'),
  date: isoDate('errors.visit_api_date_invalid'),
});
export type WindowsQuery = z.infer<typeof WindowsQuery>;

/** 1–100 printable ASCII characters (space to tilde): what a client can put in a header and see again in a log. */
export const IdempotencyKey = z
  .string()
  .regex(/^[\x20-\x7e]{1,100}$/, { error: 'errors.visit_api_idempotency_key_invalid' });
