// Query strings shared by the coverage pages: region and date travel between them (the sub-navigation keeps them),
// and the parts of their schemas that are the same everywhere.
import type { Request } from 'express';
import { regionScope, type User } from '../accounts/roles.js';

/** A query value left blank (or only spaces) is not given; others are trimmed. */
export const blankTrimmed = (v: unknown) =>
  typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v;

/** A region code of any level: 2, 4, 6, 9 or 12 digits. */
export const REGION_CODE = /^\d{2}(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?$/;

/**
 * The whole country in a page's address (?region=all): its code is '' inside, but a blank region in an address
 * means "the default city", so the country needs a word of its own.
 */
export const COUNTRY_PARAM = 'all';

/** A region code as the pages write it in their addresses: the country as `all`. */
export const regionParam = (code: string): string => (code === '' ? COUNTRY_PARAM : code);

/** A region code read from an address: `all` is the country (''). */
export const regionOfParam = (param: string): string => (param === COUNTRY_PARAM ? '' : param);

/** The dates the coverage pages measure on: a date outside is a field error, not a computation. */
export const inDateRange = (d: string): boolean => d >= '2000-01-01' && d <= '2099-12-31';

export const qs = (p: Record<string, string | number | undefined>) => {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== '') out.set(k, String(v));
  const s = out.toString();
  return s ? `?${s}` : '';
};

/** region and date carried between the coverage pages (the sub-navigation keeps them). */
export function tabsQuery(req: Request, region: string): string {
  const date =
    typeof req.query.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(req.query.date) ? req.query.date : undefined;
  return qs({ region, date }).slice(1);
}

/**
 * The region the sub-navigation carries from a page about `region`: the user's own region when `region` holds it (a
 * county bureau on its city's table of years), since the other coverage pages open only inside the user's scope.
 */
export function tabsRegion(user: Pick<User, 'role' | 'region_code'>, region: string): string {
  const scope = regionScope(user);
  return scope !== undefined && scope.startsWith(region) ? scope : region;
}
