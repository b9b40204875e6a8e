// The public page on the fee waivers (/waivers): who qualifies, what is waived and up to how much, the green-burial
// reward and how to apply, generated from the policies in force today; no account, no script.
import type { Request, Response } from 'express';
import type { AppContext } from '../context.js';
import type { RouteDef } from '../http/routes.js';
import { formatDate } from '../http/format.js';
import { translator } from '../i18n/index.js';
import { publicPolicies } from './public-service.js';
import { PublicWaiverQuery } from './report-schemas.js';

export function waiverPublicRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;

  async function page(req: Request, res: Response) {
    const t = translator(req.lang);
    const q = PublicWaiverQuery.parse(req.query);
    const data = await publicPolicies(db, q.region);
    res.set('Cache-Control', 'public, max-age=300');
    res.render('waivers/public', {
      title: t('waivers_public.title'),
      ...data,
      policies: data.policies.map((p) => ({
        ...p,
        validText: t('waivers_public.valid', {
          from: formatDate(p.valid_from, req.lang),
          to: p.valid_to
            ? t('waivers_public.valid_to', { date: formatDate(p.valid_to, req.lang) })
            : t('waivers_public.valid_open'),
        }),
        groupNames: p.groups.map((g) => {
          const name = req.lang === 'en' ? g.name_en : g.name_zh;
          return g.all_residents ? t('waivers_public.all_residents', { group: name }) : name;
        }),
      })),
      steps: [1, 2, 3].map((n) => t(`waivers_public.how_steps.s${n}`)),
      bring: [1, 2, 3, 4, 5].map((n) => t(`waivers_public.bring_items.s${n}`)),
    });
  }

  return [{ method: 'get', path: '/waivers', roles: 'public', handler: page }];
}
