// The bureau's correction of one village-level unit's kind: a form page (now, by the rule, the new kind and why)
// and its POST. Reached from the township's village table (coverage dashboard) and from /staff/regions.
import type { Request, Response } from 'express';
import type { AppContext } from '../context.js';
import { flash, withForm } from '../http/forms.js';
import { NotFoundError } from '../http/errors.js';
import type { RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { translator, type Lang } from '../i18n/index.js';
import { correctKind, kindCorrection } from './kind-service.js';
import { kindEditors, villageKinds } from './levels.js';
import { KindInput, VillageCode } from './schemas.js';

/** Where the form goes back to: the page it was opened from (the dashboard or the regions browser), else the township. */
function backOf(v: unknown, township: string): string {
  if (typeof v === 'string' && /^\/staff\/(coverage|regions)(\?[\w=&%.-]*)?(#[\w-]*)?$/.test(v)) return v;
  return `/staff/regions?code=${township}`;
}

/** The address of the correction page, back to the page that links to it. */
export const kindHref = (code: string, back: string): string =>
  `/staff/regions/${code}/kind?back=${encodeURIComponent(back)}`;

export function kindRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const lang = (res: Response) => (res.locals.lang as Lang) ?? 'zh-CN';

  function codeOf(req: Request): string {
    const code = VillageCode.safeParse(req.params.code);
    if (!code.success) throw new NotFoundError('region_not_found');
    return code.data;
  }

  async function formData(res: Response, code: string, values: Record<string, unknown>) {
    const c = await kindCorrection(db, code);
    return {
      title: translator(lang(res))('region_kind.title_of', { name: c.region.name }),
      c,
      kinds: villageKinds,
      values,
      back: backOf(values.back, c.region.parent_code ?? ''),
    };
  }

  async function kindPage(req: Request, res: Response) {
    const code = codeOf(req);
    const c = await kindCorrection(db, code);
    // The form offers the other kind: the usual correction.
    const other = c.current === 'village' ? 'community' : 'village';
    res.render('regions/kind', await formData(res, code, { kind: other, reason: '', back: req.query.back }));
  }

  async function kindPost(req: Request, res: Response) {
    const code = codeOf(req);
    const body = req.body as Record<string, unknown>;
    await withForm(
      res,
      'regions/kind',
      () => formData(res, code, body),
      async () => {
        const input = parse(KindInput, body);
        const done = await correctKind(db, req.user!, code, input, req.ip ?? null);
        const kind = translator(lang(res))(`village_kind.${done.kind}`);
        flash(req, done.corrected ? 'flash.region_kind_corrected' : 'flash.region_kind_restored', {
          name: done.name,
          kind,
        });
        res.redirect(backOf(body.back, code.slice(0, 9)));
      },
    );
  }

  return [
    { method: 'get', path: '/staff/regions/:code/kind', roles: kindEditors, handler: kindPage },
    { method: 'post', path: '/staff/regions/:code/kind', roles: kindEditors, handler: kindPost },
  ];
}
