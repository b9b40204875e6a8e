// zod at the route: parse input or throw ValidationError with one message key per field.
import { z } from 'zod';
import { ValidationError, type FieldErrors } from './errors.js';

/** Issue → catalog key. A schema may name its own key with `{ error: 'errors.some_key' }`. */
function issueKey(issue: z.core.$ZodIssue): { key: string; params?: Record<string, unknown> } {
  if (issue.message?.startsWith('errors.')) return { key: issue.message };
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'string')
        return Number(issue.minimum) <= 1
          ? { key: 'errors.required' }
          : { key: 'errors.too_short', params: { min: issue.minimum } };
      return { key: 'errors.too_small', params: { min: issue.minimum } };
    case 'too_big':
      if (issue.origin === 'string') return { key: 'errors.too_long', params: { max: issue.maximum } };
      return { key: 'errors.too_big', params: { max: issue.maximum } };
    case 'invalid_type':
      return issue.input === undefined || issue.input === null
        ? { key: 'errors.required' }
        : { key: 'errors.invalid_value' };
    case 'invalid_value':
      return { key: 'errors.invalid_choice' };
    case 'invalid_format':
      return { key: 'errors.invalid_format' };
    default:
      return { key: 'errors.invalid_value' };
  }
}

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.join('.') || '_';
    if (!out[field]) out[field] = issueKey(issue);
  }
  return out;
}

export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(fieldErrors(result.error));
  return result.data;
}

// Form fields arrive as strings; an empty one means "not given". The bounded blocks live in fields.ts.
export { optionalId, optionalText, requiredText } from './fields.js';
export const pageParam = z
  .preprocess((v) => (v === '' || v === undefined ? 1 : v), z.coerce.number().int().min(1).max(100000))
  .catch(1);
