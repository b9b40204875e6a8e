// Page links for long lists, keeping the other query parameters.
import type { Request } from 'express';

export interface Pager {
  page: number;
  pages: number;
  total: number;
  prev?: string;
  next?: string;
  from: number;
  to: number;
}

export function pagination(req: Request, page: number, perPage: number, total: number): Pager {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const link = (p: number) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(req.query))
      if (typeof v === 'string' && v !== '' && k !== 'page') params.set(k, v);
    params.set('page', String(p));
    return `${req.path}?${params.toString()}`;
  };
  return {
    page,
    pages,
    total,
    from: total === 0 ? 0 : (page - 1) * perPage + 1,
    to: Math.min(total, page * perPage),
    prev: page > 1 ? link(page - 1) : undefined,
    next: page < pages ? link(page + 1) : undefined,
  };
}
