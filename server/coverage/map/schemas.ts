// Query string of the coverage map pages: a region code (or the picker's fields) and a date.
import { z } from 'zod';
import { blankTrimmed, COUNTRY_PARAM, inDateRange, REGION_CODE } from '../query.js';

/** ?region=&date= of the map, its data and its print view (region=all: the whole country). */
export const MapQuery = z.object({
  region: z.preprocess(
    blankTrimmed,
    z
      .string()
      .refine((v) => v === COUNTRY_PARAM || REGION_CODE.test(v), { error: 'errors.region_code_format' })
      .optional(),
  ),
  date: z.preprocess(blankTrimmed, z.iso.date().refine(inDateRange).optional()),
});
