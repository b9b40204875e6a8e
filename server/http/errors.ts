// Typed errors with an HTTP status and a stable code; the code is also the message key in the catalogs.
export type FieldErrors = Record<string, { key: string; params?: Record<string, unknown> }>;

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly fields: FieldErrors = {},
    readonly params: Record<string, unknown> = {},
  ) {
    super(code);
    this.name = new.target.name;
  }
}

/** The request itself cannot be read (a malformed body, say); field problems are a ValidationError. */
export class BadRequestError extends AppError {
  constructor(code: string) {
    super(400, code);
  }
}
export class ValidationError extends AppError {
  constructor(fields: FieldErrors, code = 'invalid_input') {
    super(400, code, fields);
  }
}
export class UnauthorizedError extends AppError {
  constructor(code = 'login_required') {
    super(401, code);
  }
}
export class ForbiddenError extends AppError {
  constructor(code = 'forbidden') {
    super(403, code);
  }
}
export class NotFoundError extends AppError {
  constructor(code = 'not_found') {
    super(404, code);
  }
}
export class ConflictError extends AppError {
  constructor(code: string, fields: FieldErrors = {}, params: Record<string, unknown> = {}) {
    super(409, code, fields, params);
  }
}
/**
 * A well-formed request that cannot be honoured as sent: an idempotency key reused with another body, a deceased a
 * public-welfare cemetery may not take (the message names the rule and the village from `params`).
 */
export class UnprocessableError extends AppError {
  constructor(code: string, fields: FieldErrors = {}, params: Record<string, unknown> = {}) {
    super(422, code, fields, params);
  }
}
export class PayloadTooLargeError extends AppError {
  constructor(code = 'body_too_large') {
    super(413, code);
  }
}
/** A body in a charset or encoding this app does not read. */
export class UnsupportedMediaTypeError extends AppError {
  constructor(code: string) {
    super(415, code);
  }
}
export class TooManyRequestsError extends AppError {
  constructor(
    code: string,
    readonly retryAfterSeconds: number,
  ) {
    super(429, code, {}, { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) });
  }
}
/** Too much of one kind of work under way in this process: come back after retryAfterSeconds. */
export class ServiceUnavailableError extends AppError {
  constructor(
    code: string,
    readonly retryAfterSeconds: number,
  ) {
    super(503, code);
  }
}
/** Wrong user name or password: one answer whether or not the name exists. */
export class InvalidCredentialsError extends AppError {
  constructor() {
    super(401, 'invalid_credentials');
  }
}
/** Sign-in refused for a while (too many wrong passwords); `until` is an ISO instant. */
export class LockedError extends AppError {
  constructor(
    code: string,
    readonly until: string,
  ) {
    super(423, code, {}, { until });
  }
}
/** Anything not foreseen: shown as a generic message, the error itself only in the log. */
export class InternalError extends AppError {
  constructor() {
    super(500, 'internal_error');
  }
}
