// Form handling shared by the staff pages: re-render with values and per-field messages, flash after redirect.
import type { Request, Response } from 'express';
import { AppError, NotFoundError, TooManyRequestsError } from './errors.js';
import { idOrUndefined } from './fields.js';

/** Runs fn; on a client error (bad input, conflict, locked) re-renders the form with the values and messages. */
export async function withForm(
  res: Response,
  view: string,
  data: () => Promise<object> | object,
  fn: () => Promise<void>,
): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof AppError && err.status < 500 && err.status !== 403 && err.status !== 404) {
      if (err instanceof TooManyRequestsError) res.set('Retry-After', String(Math.ceil(err.retryAfterSeconds)));
      const errors = Object.keys(err.fields).length ? err.fields : undefined;
      res
        .status(err.status)
        .render(view, { ...(await data()), errors, formError: err.code, formErrorParams: err.params });
      return;
    }
    throw err;
  }
}

export function flash(req: Request, key: string, params?: Record<string, unknown>, kind: 'ok' | 'error' = 'ok'): void {
  req.session.flash = { kind, key, params };
}

/** A numeric :id route parameter; anything else is a 404, not a 400. */
export function idParam(req: Request, name = 'id'): number {
  const id = idOrUndefined(req.params[name]);
  if (id === undefined) throw new NotFoundError();
  return id;
}

/** Only same-site paths are followed after login. */
export function safeNext(v: unknown): string {
  return typeof v === 'string' && v.startsWith('/') && !v.startsWith('//') && !v.startsWith('/\\') ? v : '/staff';
}
