// Handlebars engine and helpers. Helpers format and translate; they never query.
import fs from 'node:fs';
import type { Response } from 'express';
import Handlebars, { type HelperOptions } from 'handlebars';
import path from 'node:path';
import { translator, type Lang } from '../i18n/index.js';
import { viewsDir } from '../paths.js';
import { formatDate, formatDateTime, formatMoney, maskIdNumber, maskPhone } from './format.js';
import { CSRF_FIELD } from './cookies.js';
import { nameSummaryFields } from './error-summary.js';
import type { FieldErrors } from './errors.js';
import { mayOpen, type RouteDef } from './routes.js';
import type { Role } from '../accounts/roles.js';

/** Text made safe for HTML, exactly as `{{value}}` writes it in a template. */
export const escapeHtml = (value: string | number): string => Handlebars.Utils.escapeExpression(String(value));

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
  /**
   * {{#if (mayOpen href)}}: whether the signed-in user may open that page of the app (its route's roles), so that a
   * page links to another domain's page only for those who may follow the link. The app's route table and the user
   * come with every render (app.locals.routes, res.locals.me); false when either is missing.
   */
  mayOpen(href: string, o: HelperOptions) {
    const root = o.data?.root as { routes?: RouteDef[]; me?: { role: Role } } | undefined;
    return root?.routes !== undefined && root.me !== undefined && mayOpen(root.routes, root.me.role, String(href));
  },
};

type Template = Handlebars.TemplateDelegate;
type RenderCallback = (err: Error | null, html?: string) => void;

export interface ViewEngineOptions {
  viewsDir?: string;
  defaultLayout?: string;
}

/**
 * The view engine: a view, then its layout (`layout` in the render options or res.locals: a name under
 * views/layouts, false for none; 'public' by default), with every file of views/partials as a partial by name.
 *
 * Rendering is synchronous. When Express caches views (`view cache`, on outside tests) each template is read and
 * compiled once per process; otherwise files are read on every render so that edits show at once. This replaces
 * express-handlebars, which looked up and copied the partials three times and went through several promises per
 * page: a fifth of a signed-in page's time in the profile (docs/BENCHMARKS.md).
 */
export function viewEngine(opts: ViewEngineOptions = {}) {
  const root = opts.viewsDir ?? viewsDir;
  const layoutsDir = path.join(root, 'layouts');
  const partialsDir = path.join(root, 'partials');
  const defaultLayout = opts.defaultLayout ?? 'public';
  const hbs = Handlebars.create();
  hbs.registerHelper(helpers);
  const compiled = new Map<string, Template>();
  let partialsLoaded = false;

  const compile = (file: string) => hbs.compile(fs.readFileSync(file, 'utf8').trim());
  const template = (file: string, cache: boolean): Template => {
    if (!cache) return compile(file);
    let t = compiled.get(file);
    if (!t) compiled.set(file, (t = compile(file)));
    return t;
  };
  const loadPartials = (cache: boolean) => {
    if (cache && partialsLoaded) return;
    for (const entry of fs.readdirSync(partialsDir, { recursive: true }) as string[]) {
      if (!entry.endsWith('.hbs')) continue;
      hbs.registerPartial(
        entry.slice(0, -'.hbs'.length).split(path.sep).join('/'),
        template(path.join(partialsDir, entry), cache),
      );
    }
    partialsLoaded = true;
  };

  return (file: string, viewOptions: object, callback: RenderCallback): void => {
    const options = viewOptions as Record<string, unknown>;
    let html: string;
    try {
      const cache = options.cache === true;
      loadPartials(cache);
      const kept = options[PRERENDERED];
      html = typeof kept === 'string' ? kept : template(file, cache)(options).trim();
      html = nameSummaryFields(html, translator((options.lang as Lang) ?? 'zh-CN')('errors.field_separator'));
      const layout = 'layout' in options ? options.layout : defaultLayout;
      if (layout) {
        const name = String(layout);
        const layoutFile = path.isAbsolute(name)
          ? name
          : path.join(layoutsDir, path.extname(name) ? name : `${name}.hbs`);
        html = template(layoutFile, cache)({ ...options, body: html }).trim();
      }
    } catch (err) {
      return callback(err as Error);
    }
    callback(null, html);
  };
}

const PRERENDERED = '__prerenderedBody';
/** Where a kept body goes in its layout; no template writes NUL characters. */
const BODY_MARK = '\u0000body\u0000';

/**
 * A view's body alone, without layout and without anything of the signed-in user (name, navigation, flash): for a
 * page that keeps its body a moment and shows it to everyone allowed to see it. A form needing a CSRF token cannot
 * be kept this way, since the token belongs to one session: rendering one fails.
 */
export function renderBody(res: Response, view: string, data: object): Promise<Buffer> {
  const csrf = () => {
    throw new Error(`${view}: a kept page body cannot carry a CSRF token`);
  };
  return new Promise((resolve, reject) => {
    res.app.render(view, { lang: res.locals.lang, ...data, csrf, layout: false }, (err: Error | null, html?: string) =>
      err ? reject(err) : resolve(Buffer.from(html ?? '')),
    );
  });
}

/**
 * Sends a kept body inside the layout this response would have (the user's name and navigation, the CSRF token,
 * the flash), rendered for this request; the body's bytes are copied as they are.
 */
export async function sendWithBody(res: Response, view: string, body: Buffer): Promise<void> {
  const html = await new Promise<string>((resolve, reject) => {
    res.render(view, { [PRERENDERED]: BODY_MARK }, (err: Error | null, out?: string) =>
      err ? reject(err) : resolve(out ?? ''),
    );
  });
  const at = html.indexOf(BODY_MARK);
  const bytes =
    at < 0
      ? Buffer.from(html)
      : Buffer.concat([Buffer.from(html.slice(0, at)), body, Buffer.from(html.slice(at + BODY_MARK.length))]);
  res.type('html');
  res.setHeader('Content-Length', bytes.length);
  res.end(res.req.method === 'HEAD' ? undefined : bytes);
}
