// Pages of the lists staff work from: contracts expiring in 90/30/7 days and expired ones (masked phones, a reveal
// that is audited), an expired contract's notices and its guarded clearing (with a confirm step), holds about to
// lapse, a facility's capacity forecast, and the bureau's capacity of columbaria and cemeteries by county.
import type { Request, Response } from 'express';
import type { Role } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { flash, idParam, withForm } from '../http/forms.js';
import { pagination } from '../http/pagination.js';
import { noStore, type RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { todayInShanghai } from '../time.js';
import { noticeMethods } from './kinds.js';
import { ClearInput, ExpiredQuery, ExpiringQuery, NoticeInput, RevealInput } from './list-schemas.js';
import * as lists from './list-service.js';

/** Cemetery and columbarium staff their own facility's lists, the bureaus their region's; the front desk none. */
const READ: Role[] = ['admin', 'bureau', 'county_bureau', 'cemetery_staff'];
/** Revealing a phone, recording a notice and clearing: the facility's own staff and the administrator. */
const KEEP: Role[] = ['admin', 'cemetery_staff'];
const BUREAUS: Role[] = ['admin', 'bureau', 'county_bureau'];
const STYLES = ['/static/css/resting.css', '/static/css/resting-lists.css'];

type Reveal = { id: number; phone: string };

/** The pager's links go to the list's own address, also when the page answers a reveal's POST. */
const pageOf = (path: string, query: Record<string, unknown>) =>
  ({
    path,
    query: Object.fromEntries(Object.entries(query).filter(([k]) => k !== '_csrf' && k !== 'contract_id')),
  }) as unknown as Request;

export function restingListRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const ip = (req: Request) => req.ip ?? null;
  const base = (id: number) => `/staff/resting/${id}`;

  // ## Expiring contracts
  async function renderExpiring(req: Request, res: Response, source: unknown, reveal?: Reveal) {
    const id = idParam(req);
    const q = ExpiringQuery.parse(source ?? {});
    const data = await lists.expiringList(db, req.user!, id, q, { reveal });
    const link = (within: number) =>
      `${base(id)}/expiring?within=${within}${q.q ? `&q=${encodeURIComponent(q.q)}` : ''}`;
    res.render('resting/list-expiring', {
      ...data,
      styles: STYLES,
      current: 'expiring',
      filter: q,
      tabs: data.counts.map((c) => ({ ...c, href: link(c.within), current: c.within === q.within })),
      clear: `${base(id)}/expiring?within=${q.within}`,
      anyRevealed: reveal !== undefined,
      pager: pagination(
        pageOf(`${base(id)}/expiring`, { within: String(q.within), q: q.q, page: String(q.page) }),
        q.page,
        lists.PER_PAGE,
        data.total,
      ),
    });
  }

  // ## Expired contracts
  async function renderExpired(req: Request, res: Response, source: unknown, reveal?: Reveal) {
    const id = idParam(req);
    const q = ExpiredQuery.parse(source ?? {});
    const data = await lists.expiredList(db, req.user!, id, q, { reveal });
    res.render('resting/list-expired', {
      ...data,
      styles: STYLES,
      current: 'expired',
      filter: q,
      clear: `${base(id)}/expired`,
      anyRevealed: reveal !== undefined,
      pager: pagination(
        pageOf(`${base(id)}/expired`, { q: q.q, page: String(q.page) }),
        q.page,
        lists.PER_PAGE,
        data.total,
      ),
    });
  }

  /** 显示完整号码: audited, then the same list again with that one number in full (never in a URL or flash). */
  const reveal =
    (render: (req: Request, res: Response, source: unknown, reveal?: Reveal) => Promise<void>) =>
    async (req: Request, res: Response) => {
      const input = parse(RevealInput, req.body ?? {});
      const shown = await lists.revealPhone(db, req.user!, idParam(req), input.contract_id, ip(req));
      await render(req, res, req.body, shown);
    };

  // ## An expired contract: notices and clearing
  const contractData = async (req: Request, reveal?: Reveal) => ({
    ...(await lists.noticePage(db, req.user!, idParam(req), idParam(req, 'cid'), { reveal })),
    styles: STYLES,
    methods: noticeMethods,
  });

  async function noticePage(req: Request, res: Response) {
    res.render('resting/list-contract', { ...(await contractData(req)), values: noticeDefaults() });
  }

  const noticeDefaults = () => ({ method: 'phone', sent_on: todayInShanghai() });

  async function revealOnContract(req: Request, res: Response) {
    const shown = await lists.revealPhone(db, req.user!, idParam(req), idParam(req, 'cid'), ip(req));
    res.render('resting/list-contract', { ...(await contractData(req, shown)), values: noticeDefaults() });
  }

  async function recordNotice(req: Request, res: Response) {
    const id = idParam(req);
    const cid = idParam(req, 'cid');
    const values = req.body ?? {};
    await withForm(
      res,
      'resting/list-contract',
      async () => ({ ...(await contractData(req)), values }),
      async () => {
        const input = parse(NoticeInput, values);
        const done = await lists.recordNotice(db, req.user!, id, cid, input, ip(req));
        const page = await lists.noticePage(db, req.user!, id, cid);
        flash(req, done.recorded ? 'flash.notice_recorded' : 'flash.notice_exists', { code: page.contract.place_code });
        res.redirect(`${base(id)}/expired/${cid}`);
      },
    );
  }

  async function clearForm(req: Request, res: Response) {
    const data = await contractData(req);
    res.render('resting/list-clear', { ...data, values: { ended_on: data.today } });
  }

  async function clear(req: Request, res: Response) {
    const id = idParam(req);
    const cid = idParam(req, 'cid');
    const values = req.body ?? {};
    await withForm(
      res,
      'resting/list-clear',
      async () => ({ ...(await contractData(req)), values }),
      async () => {
        const input = parse(ClearInput, values);
        if (!input.confirm) {
          await lists.checkClear(db, req.user!, id, cid, input);
          const data = await contractData(req);
          res.render('resting/list-clear-confirm', { ...data, input, values, placements: data.deceased.length });
          return;
        }
        const done = await lists.clearContract(db, req.user!, id, cid, input, ip(req));
        flash(req, 'flash.contract_cleared', done);
        res.redirect(`${base(id)}/expired`);
      },
    );
  }

  // ## Holds, capacity
  async function holdsPage(req: Request, res: Response) {
    const data = await lists.lapsingHoldsList(db, req.user!, idParam(req));
    res.render('resting/list-holds', {
      ...data,
      styles: STYLES,
      current: 'holds',
      rows: data.rows.map((r) => ({ ...r, h: Math.floor(r.minutesLeft / 60), m: r.minutesLeft % 60 })),
    });
  }

  async function capacityPage(req: Request, res: Response) {
    const data = await lists.capacityPage(db, req.user!, idParam(req));
    res.render('resting/list-capacity', { ...data, styles: STYLES, current: 'capacity' });
  }

  async function countiesPage(req: Request, res: Response) {
    const counties = await lists.countyCapacities(db, req.user!);
    res.render('resting/list-counties', { counties, styles: STYLES });
  }

  const routes: RouteDef[] = [
    { method: 'get', path: '/staff/resting/capacity/counties', roles: BUREAUS, handler: countiesPage },
    {
      method: 'get',
      path: '/staff/resting/:id/expiring',
      roles: READ,
      handler: (req, res) => renderExpiring(req, res, req.query),
    },
    { method: 'post', path: '/staff/resting/:id/expiring/reveal', roles: KEEP, handler: reveal(renderExpiring) },
    {
      method: 'get',
      path: '/staff/resting/:id/expired',
      roles: READ,
      handler: (req, res) => renderExpired(req, res, req.query),
    },
    { method: 'post', path: '/staff/resting/:id/expired/reveal', roles: KEEP, handler: reveal(renderExpired) },
    { method: 'get', path: '/staff/resting/:id/expired/:cid', roles: READ, handler: noticePage },
    { method: 'post', path: '/staff/resting/:id/expired/:cid/reveal', roles: KEEP, handler: revealOnContract },
    { method: 'post', path: '/staff/resting/:id/expired/:cid/notices', roles: KEEP, handler: recordNotice },
    { method: 'get', path: '/staff/resting/:id/expired/:cid/clear', roles: KEEP, handler: clearForm },
    { method: 'post', path: '/staff/resting/:id/expired/:cid/clear', roles: KEEP, handler: clear },
    { method: 'get', path: '/staff/resting/:id/holds', roles: READ, handler: holdsPage },
    { method: 'get', path: '/staff/resting/:id/capacity', roles: READ, handler: capacityPage },
  ];
  // Every page here shows holders' names and phones: no copy in any cache.
  return routes.map((r) => ({ ...r, before: [noStore, ...(r.before ?? [])] }));
}
