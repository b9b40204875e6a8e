// Handlebars engine and helpers. Helpers format and translate; they never query.
import { engine } from 'express-handlebars';
import Handlebars, { type HelperOptions } from 'handlebars';
import path from 'node:path';
import { translator, type Lang } from '../i18n/index.js';
import { viewsDir } from '../paths.js';
import { formatDate, formatDateTime, formatMoney, maskIdNumber, maskPhone } from './format.js';
import { CSRF_FIELD } from './session.js';
import type { FieldErrors } from './errors.js';

const langOf = (o: HelperOptions): Lang => (o.data?.root?.lang as Lang) ?? 'zh-CN';

const helpers = {
  /** {{t "key" name=value}} or {{t key paramsObject}} */
  t(key: string, ...args: unknown[]) {
    const o = args.pop() as HelperOptions;
    const params = args[0] && typeof args[0] === 'object' ? (args[0] as Record<string, unknown>) : undefined;
    const hash = Object.keys(o.hash).length ? o.hash : undefined;
    return translator(langOf(o))(key, params && hash ? { ...params, ...hash } : (params ?? hash));
  },
  /** The message for one field, or nothing. */
  fieldError(errors: FieldErrors | undefined, field: string, o: HelperOptions) {
    const e = errors?.[field];
    return e ? translator(langOf(o))(e.key, e.params) : '';
  },
  money: (fen: number) => formatMoney(fen),
  datetime: (v: string, o: HelperOptions) => formatDateTime(v, langOf(o)),
  date: (v: string, o: HelperOptions) => formatDate(v, langOf(o)),
  maskId: (v: string) => maskIdNumber(v),
  maskPhone: (v: string) => maskPhone(v),
  eq: (a: unknown, b: unknown) => String(a) === String(b),
  gt: (a: unknown, b: unknown) => Number(a) > Number(b),
  concat: (...args: unknown[]) => args.slice(0, -1).join(''),
  includes: (list: unknown[] | undefined, v: unknown) => Array.isArray(list) && list.map(String).includes(String(v)),
  number: (n: number) => (typeof n === 'number' ? n.toLocaleString('zh-CN') : n),
  /** The hidden CSRF input every state-changing form carries. */
  csrfField(o: HelperOptions) {
    const token = (o.data?.root?.csrf as (() => string) | undefined)?.() ?? '';
    return new Handlebars.SafeString(`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`);
  },
  year: () => new Date().getFullYear(),
};

export function viewEngine() {
  return engine({
    extname: '.hbs',
    defaultLayout: 'public',
    layoutsDir: path.join(viewsDir, 'layouts'),
    partialsDir: path.join(viewsDir, 'partials'),
    helpers,
  });
}
