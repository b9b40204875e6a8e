// One place maps errors to HTTP: JSON under /api/, an error page elsewhere; unknown errors are logged, never shown.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { translator } from '../i18n/index.js';
import { AppError, BadRequestError, ForbiddenError, InternalError, NotFoundError, PayloadTooLargeError, ServiceUnavailableError, TooManyRequestsError, ValidationError } from './errors.js';
import { isApi } from './routes.js';
import { fieldErrors } from './validate.js';
import { ZodError } from 'zod';

export const notFound: RequestHandler = (_req, _res, next) => next(new NotFoundError());

function asAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return new ValidationError(fieldErrors(err));
  const e = err as { code?: string; status?: number; type?: string };
  if (e?.code === 'csrf_invalid') return new ForbiddenError('csrf_invalid');
  if (e?.type === 'entity.parse.failed') return new BadRequestError('malformed_body');
  if (e?.type === 'entity.too.large') return new PayloadTooLargeError();
  return undefined;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = asAppError(err);
    if (!known) log.error({ err, method: req.method, url: req.path }, 'unhandled error');
    const e = known ?? new InternalError();
    if (e instanceof TooManyRequestsError) res.set('Retry-After', String(Math.ceil(e.retryAfterSeconds)));
    if (e instanceof ServiceUnavailableError) res.set('Retry-After', String(Math.ceil(e.retryAfterSeconds)));
    if (res.headersSent) return;
    const t = translator(req.lang ?? 'zh-CN');
    const message = t(`errors.${e.code}`, e.params);
    if (isApi(req)) {
      const fields = Object.fromEntries(Object.entries(e.fields).map(([k, v]) => [k, { code: v.key.replace(/^errors\./, ''), message: t(v.key, v.params) }]));
      res.status(e.status).json({ error: e.code, message, ...(Object.keys(fields).length ? { fields } : {}) });
      return;
    }
    res.status(e.status).render('errors/error', { status: e.status, code: e.code, message, layout: req.user ? 'staff' : 'public' });
  };
}
