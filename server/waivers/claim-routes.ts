// Pages of the claims ledger: a case's claim submitted from its page, the claims list and a claim's review, and the
// settlement of approved claims in batches with a printable batch page.
import type { Request, Response } from 'express';
import type { Role } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { AppError } from '../http/errors.js';
import { flash, idParam, withForm } from '../http/forms.js';
import { pagination } from '../http/pagination.js';
import { noStore, type RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { todayInShanghai } from '../time.js';
import { claimStatuses } from './kinds.js';
import * as claims from './claim-service.js';
import { ClaimListQuery, OptionalNote, RequiredNote, SettlementInput, SettlementQuery } from './claim-schemas.js';

/** The front desk reads its home's claims; the bureaus those of the homes in their region. */
const READ: Role[] = ['admin', 'bureau', 'county_bureau', 'front_desk'];
const REVIEW: Role[] = ['admin', 'bureau', 'county_bureau'];
/** The home submits (and re-submits) its claims. */
const HOME: Role[] = ['admin', 'front_desk'];
const PER_PAGE = 30;

type Body = Record<string, unknown>;

export function claimRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const ip = (req: Request) => req.ip ?? null;

  async function submit(req: Request, res: Response) {
    const caseId = idParam(req);
    try {
      await claims.submitClaim(db, req.user!, caseId, ip(req));
      flash(req, 'flash.waiver_claim_submitted');
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.status === 403 || err.status === 404) throw err;
      flash(req, `errors.${err.code}`, err.params, 'error');
    }
    res.redirect(`/staff/cases/${caseId}#waiver-claim`);
  }

  async function list(req: Request, res: Response) {
    const q = parse(ClaimListQuery, req.query);
    const { rows, total } = await claims.listClaims(db, req.user!, q, q.page, PER_PAGE);
    res.render('waivers/claim-list', {
      claims: rows,
      homes: await claims.homes(db, req.user!),
      statuses: claimStatuses,
      values: q,
      pager: pagination(req, q.page, PER_PAGE, total),
      reviewer: REVIEW.includes(req.user!.role),
    });
  }

  const pageData = async (req: Request, extra: object = {}) => ({
    ...(await claims.claimPage(db, req.user!, idParam(req))),
    ...extra,
  });

  async function show(req: Request, res: Response) {
    res.render('waivers/claim-show', await pageData(req, { values: {} }));
  }

  const move = (m: claims.ClaimMove) => async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Body;
    const id = idParam(req);
    await withForm(
      res,
      'waivers/claim-show',
      () => pageData(req, { values: body }),
      async () => {
        const { note } = parse(m === 'approve' ? OptionalNote : RequiredNote, body);
        await claims.moveClaim(db, req.user!, id, m, note, ip(req));
        flash(req, `flash.waiver_claim_${m}`);
        res.redirect(`/staff/waivers/claims/${id}`);
      },
    );
  };

  const settlementData = async (req: Request, q: { facility_id?: number; month?: string }, extra: object = {}) => ({
    homes: await claims.homes(db, req.user!),
    batches: await claims.batches(db, req.user!),
    preview: q.facility_id && q.month ? await claims.settlementPreview(db, req.user!, q.facility_id, q.month) : null,
    values: { month: todayInShanghai().slice(0, 7), ...q },
    ...extra,
  });

  async function settlements(req: Request, res: Response) {
    res.render('waivers/claim-settlements', await settlementData(req, parse(SettlementQuery, req.query)));
  }

  async function settle(req: Request, res: Response) {
    const body = (req.body ?? {}) as Body;
    const q = SettlementQuery.safeParse(body);
    await withForm(
      res,
      'waivers/claim-settlements',
      () => settlementData(req, q.success ? q.data : {}),
      async () => {
        const input = parse(SettlementInput, body);
        const batchId = await claims.settle(db, req.user!, input, ip(req));
        const page = await claims.batchPage(db, req.user!, batchId);
        flash(req, 'flash.waiver_settled', { number: page.batch.batch_number });
        res.redirect(`/staff/waivers/settlements/${batchId}`);
      },
    );
  }

  async function batch(req: Request, res: Response) {
    res.render('waivers/claim-batch', await claims.batchPage(db, req.user!, idParam(req)));
  }

  return [
    // ## A case's claim (from the case page)
    { method: 'post', path: '/staff/cases/:id/waivers/claim', roles: HOME, handler: submit },
    // ## Claims (before /staff/waivers/:id)
    { method: 'get', path: '/staff/waivers/claims', roles: READ, handler: list },
    { method: 'get', path: '/staff/waivers/claims/:id', roles: READ, handler: show },
    { method: 'post', path: '/staff/waivers/claims/:id/approve', roles: REVIEW, handler: move('approve') },
    { method: 'post', path: '/staff/waivers/claims/:id/reject', roles: REVIEW, handler: move('reject') },
    { method: 'post', path: '/staff/waivers/claims/:id/evidence', roles: REVIEW, handler: move('request_evidence') },
    { method: 'post', path: '/staff/waivers/claims/:id/resubmit', roles: HOME, handler: move('resubmit') },
    // ## Settlement in batches (结算批次)
    { method: 'get', path: '/staff/waivers/settlements', roles: REVIEW, before: [noStore], handler: settlements },
    { method: 'post', path: '/staff/waivers/settlements', roles: REVIEW, before: [noStore], handler: settle },
    { method: 'get', path: '/staff/waivers/settlements/:id', roles: REVIEW, handler: batch },
  ];
}
