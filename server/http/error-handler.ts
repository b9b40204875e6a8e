// One place maps errors to HTTP: JSON under /api/, an error page elsewhere; unknown errors are logged, never shown.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { translator } from '../i18n/index.js';
import {
  AppError,
  BadRequestError,
  UnsupportedMediaTypeError,
  ForbiddenError,
  InternalError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  TooManyRequestsError,
  ValidationError,
} from './errors.js';
import { answerJson } from './json.js';
import { isApi } from './routes.js';
import { fieldErrors } from './validate.js';
import { ZodError } from 'zod';

export const notFound: RequestHandler = (_req, _res, next) => next(new NotFoundError());

function asAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) return new ValidationError(fieldErrors(err));
  const e = err as { code?: string; status?: number; type?: string };
  if (e?.code === 'csrf_invalid') return new ForbiddenError('csrf_invalid');
  // A path parameter that is not valid percent-encoding (%E0%A4%A): the router could not decode it.
  if (err instanceof URIError && e.status === 400) return new BadRequestError('malformed_url');
  const parserError = e?.type ? bodyParserErrors[e.type] : undefined;
  if (parserError) return parserError();
  // A damaged compressed body: body-parser passes zlib's error on with status 400.
  if (e?.status === 400 && typeof e.code === 'string' && e.code.startsWith('Z_'))
    return new BadRequestError('body_unreadable');
  return undefined;
}

/** body-parser's error types → the error each is answered with. */
const bodyParserErrors: Record<string, () => AppError> = {
  'entity.parse.failed': () => new BadRequestError('malformed_body'),
  'entity.too.large': () => new PayloadTooLargeError(),
  'parameters.too.many': () => new PayloadTooLargeError(),
  'charset.unsupported': () => new UnsupportedMediaTypeError('body_charset_unsupported'),
  'encoding.unsupported': () => new UnsupportedMediaTypeError('body_encoding_unsupported'),
  'request.size.invalid': () => new BadRequestError('body_unreadable'),
  'request.aborted': () => new BadRequestError('body_unreadable'),
  'stream.encoding.set': () => new BadRequestError('body_unreadable'),
};

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = asAppError(err);
    if (!known) log.error({ err, method: req.method, url: req.path }, 'unhandled error');
    const e = known ?? new InternalError();
    if (e instanceof TooManyRequestsError) res.set('Retry-After', String(Math.ceil(e.retryAfterSeconds)));
    if (e instanceof ServiceUnavailableError) res.set('Retry-After', String(Math.ceil(e.retryAfterSeconds)));
    if (res.headersSent) return;
    // A body refused by the parsers has not reached `locals`: the page still needs its language.
    res.locals.lang ??= req.lang ?? 'zh-CN';
    const t = translator(req.lang ?? 'zh-CN');
    const message = t(`errors.${e.code}`, e.params);
    if (isApi(req)) {
      const fields = Object.fromEntries(
        Object.entries(e.fields).map(([k, v]) => [
          k,
          { code: v.key.replace(/^errors\./, ''), message: t(v.key, v.params) },
        ]),
      );
      answerJson(req, res, e.status, { error: e.code, message, ...(Object.keys(fields).length ? { fields } : {}) });
      return;
    }
    const fields = Object.keys(e.fields).length
      ? Object.fromEntries(Object.entries(e.fields).map(([k, v]) => [k, t(v.key, v.params)]))
      : undefined;
    res.status(e.status).render('errors/error', {
      status: e.status,
      code: e.code,
      message,
      fields,
      layout: req.user ? 'staff' : 'public',
    });
  };
}
