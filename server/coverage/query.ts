// Query strings shared by the coverage pages: region and date travel between them (the sub-navigation keeps them).
import type { Request } from 'express';
export const qs = (p: Record<string, string | number | undefined>) => {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== '') out.set(k, String(v));
  const s = out.toString();
  return s ? `?${s}` : '';
};

/** region and date carried between the coverage pages (the sub-navigation keeps them). */
export function tabsQuery(req: Request, region: string): string {
  const date = typeof req.query.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(req.query.date) ? req.query.date : undefined;
  return qs({ region, date }).slice(1);
}
