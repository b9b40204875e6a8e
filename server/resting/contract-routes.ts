// Contract pages: the contract form of a held place (the deceased picked from a funeral case or typed), the contract
// page and its PDF, a double plot's second placement, renewal, removal (迁出) and the end of a contract, each
// destructive step behind a confirm page.
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Role } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { loadFonts } from '../documents/fonts.js';
import { AppError, ConflictError, ForbiddenError, NotFoundError } from '../http/errors.js';
import { flash, idParam, withForm } from '../http/forms.js';
import { noStore, type RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { translator } from '../i18n/index.js';
import { todayInShanghai } from '../time.js';
import { ContractInput, EndInput, PlacementInput, RemovalInput, RenewInput } from './contract-schemas.js';
import * as changes from './contract-changes-service.js';
import * as contracts from './contract-service.js';
import * as resting from './service.js';

const READ: Role[] = ['admin', 'bureau', 'county_bureau', 'cemetery_staff'];
const WRITE: Role[] = ['admin', 'cemetery_staff'];
const STYLES = ['/static/css/resting.css'];

const text = (v: unknown) => (typeof v === 'string' ? v.trim().slice(0, 60) : undefined);

export function contractRoutes(ctx: AppContext): RouteDef[] {
  const { db, config } = ctx;
  const ip = (req: Request) => req.ip ?? null;
  const toContract = (res: Response, id: number) => res.redirect(`/staff/resting/contracts/${id}`);

  /** The form's page: the place, the price that applies, the cases found and the one chosen. */
  async function formData(req: Request, placeId: number, values: Record<string, unknown>) {
    const data = await contracts.contractForm(db, req.user!, placeId);
    const q = text(req.query.q);
    const caseId = Number(values.case_id || req.query.case_id) || undefined;
    const [found, chosen] = await Promise.all([
      contracts.searchCases(db, q),
      caseId ? contracts.findCase(db, caseId) : undefined,
    ]);
    return { ...data, styles: STYLES, q, found, searched: q !== undefined, chosen, values };
  }

  // ## Contract of a held place
  async function newContract(req: Request, res: Response) {
    const id = idParam(req);
    const data = await formData(req, id, {});
    res.render('resting/contract-form', {
      ...data,
      values: {
        term_starts_on: data.today,
        placed_on: data.today,
        request_id: randomUUID(),
        case_id: data.chosen ? String(data.chosen.id) : '',
      },
    });
  }

  async function createContract(req: Request, res: Response) {
    const id = idParam(req);
    const values = (req.body ?? {}) as Record<string, unknown>;
    try {
      const input = parse(ContractInput, values);
      const made = await contracts.createContract(db, req.user!, id, input, ip(req));
      if (made.created)
        flash(req, 'contracts.flash.created', { number: made.contract.contract_number, code: made.code });
      toContract(res, made.contract.id);
    } catch (err) {
      // Taken or no longer held: the place's page says so (409); bad input: the form again with a message per field.
      if (err instanceof ConflictError) {
        const page = await resting.placePage(db, req.user!, id);
        res.status(409).render('resting/place', {
          ...page,
          styles: STYLES,
          formError: err.code,
          formErrorParams: err.params,
        });
        return;
      }
      if (err instanceof AppError && (err.status === 400 || err.status === 422)) {
        const errors = Object.keys(err.fields).length ? err.fields : undefined;
        res.status(err.status).render('resting/contract-form', {
          ...(await formData(req, id, values)),
          errors,
          formError: err.code,
          formErrorParams: err.params,
        });
        return;
      }
      throw err;
    }
  }

  // ## The contract
  async function contractPage(req: Request, res: Response) {
    const data = await contracts.contractPage(db, req.user!, idParam(req), ip(req));
    res.render('resting/contract', { ...data, styles: STYLES });
  }

  async function contractPdf(req: Request, res: Response) {
    const printed = await contracts.printContract(
      db,
      loadFonts(config.fallbackFonts),
      req.user!,
      idParam(req),
      req.lang,
      ip(req),
    );
    const name = translator(req.lang)('contracts.pdf_file', { number: printed.number });
    res.set({
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="contract-${printed.number}.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`,
      'Cache-Control': 'no-store',
    });
    res.end(printed.pdf);
  }

  /** A step of a contract: its page with the form, re-rendered with messages on a refusal. */
  async function step(
    req: Request,
    res: Response,
    view: string,
    extra: (data: Awaited<ReturnType<typeof contracts.contractOf>>) => object,
    fn: (values: Record<string, unknown>) => Promise<void>,
  ) {
    const id = idParam(req);
    const data = await contracts.contractOf(db, req.user!, id);
    if (!data.writable) throw new ForbiddenError();
    const values = (req.method === 'POST' ? (req.body ?? {}) : {}) as Record<string, unknown>;
    const page = () => ({ ...data, ...extra(data), styles: STYLES, values: { ...defaults(data), ...values } });
    if (req.method !== 'POST') return res.render(view, page());
    await withForm(res, view, page, () => fn(values));
  }
  const defaults = (data: Awaited<ReturnType<typeof contracts.contractOf>>) => ({
    date: todayInShanghai(),
    placed_on: todayInShanghai(),
    years: '20',
    expected_end: data.contract.term_ends_on,
  });

  const placement = (req: Request, res: Response) =>
    step(
      req,
      res,
      'resting/contract-placement',
      () => ({}),
      async (values) => {
        const input = parse(PlacementInput, values);
        await contracts.addPlacement(db, req.user!, idParam(req), input, ip(req));
        flash(req, 'contracts.flash.placed');
        toContract(res, idParam(req));
      },
    );

  const renew = (req: Request, res: Response) =>
    step(
      req,
      res,
      'resting/contract-renew',
      () => ({}),
      async (values) => {
        const input = parse(RenewInput, values);
        const c = await changes.renew(db, req.user!, idParam(req), input, ip(req));
        flash(req, 'contracts.flash.renewed', { date: c.term_ends_on });
        toContract(res, idParam(req));
      },
    );

  /** Removal and end: the form, then a confirm page showing what will happen, then the change. */
  async function removal(req: Request, res: Response) {
    const pid = idParam(req, 'pid');
    const p = await contracts.placementOf(db, idParam(req), pid);
    if (!p) throw new NotFoundError();
    await step(
      req,
      res,
      'resting/contract-remove',
      () => ({ placement: p }),
      async (values) => {
        const input = parse(RemovalInput, values);
        if (!input.confirm) {
          res.render('resting/contract-remove', {
            ...(await contracts.contractOf(db, req.user!, idParam(req))),
            placement: p,
            styles: STYLES,
            values,
            confirming: true,
          });
          return;
        }
        await changes.removePlacement(db, req.user!, idParam(req), pid, input, ip(req));
        flash(req, 'contracts.flash.removed');
        toContract(res, idParam(req));
      },
    );
  }

  const end = (req: Request, res: Response) =>
    step(
      req,
      res,
      'resting/contract-end',
      () => ({}),
      async (values) => {
        const input = parse(EndInput, values);
        if (!input.confirm) {
          res.render('resting/contract-end', {
            ...(await contracts.contractOf(db, req.user!, idParam(req))),
            styles: STYLES,
            values,
            confirming: true,
          });
          return;
        }
        const { code } = await changes.endContract(db, req.user!, idParam(req), input, ip(req));
        flash(req, 'contracts.flash.ended', { code });
        toContract(res, idParam(req));
      },
    );

  const routes: RouteDef[] = [
    { method: 'get', path: '/staff/resting/places/:id/contract/new', roles: WRITE, handler: newContract },
    { method: 'post', path: '/staff/resting/places/:id/contract', roles: WRITE, handler: createContract },
    { method: 'get', path: '/staff/resting/contracts/:id', roles: READ, handler: contractPage },
    { method: 'get', path: '/staff/resting/contracts/:id/contract.pdf', roles: READ, handler: contractPdf },
    { method: 'get', path: '/staff/resting/contracts/:id/placements/new', roles: WRITE, handler: placement },
    { method: 'post', path: '/staff/resting/contracts/:id/placements', roles: WRITE, handler: placement },
    { method: 'get', path: '/staff/resting/contracts/:id/renew', roles: WRITE, handler: renew },
    { method: 'post', path: '/staff/resting/contracts/:id/renew', roles: WRITE, handler: renew },
    { method: 'get', path: '/staff/resting/contracts/:id/placements/:pid/remove', roles: WRITE, handler: removal },
    { method: 'post', path: '/staff/resting/contracts/:id/placements/:pid/remove', roles: WRITE, handler: removal },
    { method: 'get', path: '/staff/resting/contracts/:id/end', roles: WRITE, handler: end },
    { method: 'post', path: '/staff/resting/contracts/:id/end', roles: WRITE, handler: end },
  ];
  return routes.map((r) => ({ ...r, before: [noStore, ...(r.before ?? [])] }));
}
