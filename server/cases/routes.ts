// Funeral cases at the front desk: search, intake, the case page (status, services, payments), and the JSON intake.
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { canWrite } from '../accounts/access.js';
import { facilityScope } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { facilityChoices } from '../facilities/service.js';
import { ValidationError, type FieldErrors } from '../http/errors.js';
import { todayInShanghai, zone } from '../time.js';
import { flash, idParam, withForm } from '../http/forms.js';
import { pagination, type Pager } from '../http/pagination.js';
import { noStore, type RouteDef } from '../http/routes.js';
import { optionalText, requiredText } from '../http/fields.js';
import { parse } from '../http/validate.js';
import { buildPicker, pickedCode } from '../regions/picker.js';
import { regionTrail } from '../regions/service.js';
import { bookingsForCase } from '../cremation/service.js';
import { moveCaseStep } from '../cremation/steps-service.js';
import { chargeText } from '../cremation/routes.js';
import { caseCustody, custodyTimeline, genericSteps, mergeTimeline } from '../custody/service.js';
import {
  ApiCaseInput,
  apiFieldNames,
  CaseInput,
  CaseQuery,
  CorrectionInput,
  FULL_ID,
  LineInput,
  PaymentInput,
  paymentMethods,
  RefundInput,
  VoidInput,
  yuanToFen,
} from './schemas.js';
import { closingProblemCodes, closingProblems, reasonField, type ClosingReasons } from './closing.js';
import * as money from './money-service.js';
import * as cases from './service.js';
import * as lines from './lines-service.js';
import { family, printedContact } from './family-service.js';
import { normaliseIdNumber } from './id-number.js';
import { allowedNext, caseStatuses, completes, isFinal, recordedStatuses, type CaseStatus } from './states.js';
import { priceItemsOn } from '../prices/service.js';
import { loadFonts } from '../documents/fonts.js';
import { certificateReady, unprintableFields, type Unprintable } from '../documents/service.js';
import { translator } from '../i18n/index.js';
import { casePanel } from '../waivers/case-service.js';

const PER_PAGE = 30;
const FRONT = ['admin', 'front_desk'] as const;
const READERS = ['admin', 'bureau', 'front_desk', 'cemetery_staff'] as const;
const StatusMove = z.object({
  from: z.enum(caseStatuses),
  to: z.enum(caseStatuses),
  note: optionalText(200),
  confirm: z.string().optional(),
});
const ClosingReason = requiredText(200);

export function caseRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const ip = (req: Request) => req.ip ?? null;
  // Characters of the printed fields that no font has: each with its code point, which a browser without the font shows too.
  const unprintable = (values: object) =>
    unprintableFields(loadFonts(ctx.config.fallbackFonts), values).map((u: Unprintable) => ({
      field: u.field,
      characters: u.characters.map((ch) => ({ ch, code: ch.codePointAt(0)!.toString(16).toUpperCase() })),
    }));

  // ## Search
  // The search form posts (CSRF-checked) and the answer is the results page itself, so that what was searched (a
  // full ID number, a name) never stands in a URL, a proxy's or the request log's line, or the browser's history.
  // A GET keeps the filters that are not personal (dates, status, page); a full ID number typed into its URL is
  // dropped from it at once, so that it goes no further (pager links, the next Referer).
  async function list(req: Request, res: Response) {
    const q = parse(CaseQuery, req.query);
    if (q.q && FULL_ID.test(normaliseIdNumber(q.q))) {
      const rest = new URLSearchParams(
        Object.entries(req.query).filter((e): e is [string, string] => e[0] !== 'q' && typeof e[1] === 'string'),
      );
      return res.redirect(303, `/staff/cases${rest.size ? `?${rest}` : ''}`);
    }
    await results(req, res, q, false);
  }

  async function search(req: Request, res: Response) {
    const q = parse(CaseQuery, req.body ?? {});
    await results(req, res, q, true);
  }

  async function results(req: Request, res: Response, q: CaseQuery, posted: boolean) {
    const day = (d: string | undefined, plus = 0) =>
      d ? DateTime.fromISO(d, { zone }).plus({ days: plus }).toUTC().toISO()! : undefined;
    const { rows, total } = await cases.searchCases(db, {
      facilityId: facilityScope(req.user!),
      q: q.q,
      status: q.status,
      from: day(q.from),
      to: day(q.to, 1),
      page: q.page,
      perPage: PER_PAGE,
    });
    // Pages of a posted search are buttons posting the same filters; a GET list keeps its links.
    const pager: Pager = posted
      ? { ...pagination(req, q.page, PER_PAGE, total), prev: undefined, next: undefined }
      : pagination(req, q.page, PER_PAGE, total);
    const pages = posted
      ? { prev: q.page > 1 ? q.page - 1 : undefined, next: q.page < pager.pages ? q.page + 1 : undefined }
      : undefined;
    res.render('cases/list', {
      rows,
      query: q,
      statuses: caseStatuses,
      pager,
      pages,
      canCreate: req.user!.role !== 'bureau' && req.user!.role !== 'cemetery_staff',
    });
  }

  // ## Intake
  async function formData(req: Request, values: Record<string, unknown>) {
    const homes = await facilityChoices(db, { kind: 'funeral_home' });
    const mine = homes.filter((f) => canWrite(req.user!, f.id));
    return {
      values,
      homes: mine,
      picker: await buildPicker(db, 'household_region', pickedCode(values, 'household_region')),
      requestId: values.request_id ?? randomUUID(),
    };
  }

  async function newPage(req: Request, res: Response) {
    const own = req.user!.facility_id;
    res.render('cases/new', await formData(req, { facility_id: own ?? '', contact_relationship: '' }));
  }

  async function create(req: Request, res: Response) {
    const body = req.body as Record<string, unknown>;
    const values = { ...body, household_region: pickedCode(body, 'household_region') };
    if (body._refresh) return res.render('cases/new', await formData(req, values)); // region picker without JavaScript
    await withForm(
      res,
      'cases/new',
      () => formData(req, values),
      async () => {
        const input = parse(CaseInput, values);
        // A warning, not a refusal: the form comes back once naming the characters, and saves when sent again as it is.
        const warnings = unprintable(input),
          seen = warnings.flatMap((w) => w.characters.map((c) => c.ch)).join('');
        if (seen && body.unprintable_ok !== seen)
          return res.render('cases/new', {
            ...(await formData(req, values)),
            unprintable: warnings,
            unprintableOk: seen,
          });
        // The confirmation of a person's closed cases holds for the ID number it was given for, not for another one.
        const confirmDuplicate = body.confirm_duplicate === input.id_number;
        try {
          const { id, case_number } = await cases.createCase(db, req.user!, input, ip(req), { confirmDuplicate });
          flash(req, 'flash.case_created', { number: case_number });
          res.redirect(`/staff/cases/${id}`);
        } catch (err) {
          if (!(err instanceof cases.CaseExistsError)) throw err;
          res.status(409).render('cases/new', {
            ...(await formData(req, { ...values, id_number: input.id_number })), // as checked: the 18 characters
            errors: err.fields,
            formError: err.code,
            existing: { open: err.code === 'case_exists', cases: err.cases, idNumber: input.id_number },
            unprintableOk: typeof body.unprintable_ok === 'string' ? body.unprintable_ok : undefined,
          });
        }
      },
    );
  }

  // ## The case page
  async function show(req: Request, res: Response, extra: object = {}, status = 200) {
    const c = await cases.loadCase(db, req.user!, idParam(req));
    const [account, events, household, bookings, certificate, custody, custodyEvents, kin] = await Promise.all([
      cases.account(db, c.id),
      cases.caseEvents(db, c.id),
      c.household_region_code ? regionTrail(db, c.household_region_code) : [],
      bookingsForCase(db, c.id),
      certificateReady(db, c),
      caseCustody(db, c),
      custodyTimeline(db, c.id),
      family(db, c.id),
    ]);
    const writable = canWrite(req.user!, c.facility_id);
    const closes = allowedNext(c.status).some(completes);
    res.status(status).render('cases/show', {
      closed: isFinal(c.status),
      closing: writable && closes ? await closingProblems(db, c.id) : [],
      c,
      account,
      events: mergeTimeline(events, custodyEvents),
      custody,
      bookings: bookings.filter((b) => b.status !== 'cancelled'),
      certificate,
      withdrawable: allowedNext(c.status).includes('withdrawn'),
      today: todayInShanghai(),
      writable,
      household: household.filter((r) => r.level !== 'province' && r.level !== 'city'),
      // Custody steps come from the custody forms, cremated from the booking (记录火化), withdrawal from its own form.
      next: genericSteps(allowedNext(c.status)).filter((s) => !recordedStatuses.includes(s) && s !== 'withdrawn'),
      methods: paymentMethods,
      prices: writable ? await priceItemsOn(db, c.facility_id, todayInShanghai()) : [],
      requestId: randomUUID(),
      unprintable: unprintable({ ...c, ...printedContact(kin.contacts) }),
      family: kin,
      // Fee waivers (issue 19): the policies considered for this case and the waiver of each line.
      waivers: await casePanel(db, req.user!, c.id),
      ...extra,
    });
  }

  /** Runs a change on the case page; bad input shows the page again with the message at the form. */
  async function onCase(
    req: Request,
    res: Response,
    form: string,
    fn: (id: number) => Promise<void | Record<string, unknown>>,
    done: string,
  ) {
    const id = idParam(req);
    try {
      const params = await fn(id);
      flash(req, done, params || undefined);
      res.redirect(`/staff/cases/${id}`);
    } catch (err) {
      if (err instanceof ValidationError || (err as { status?: number }).status === 409) {
        const e = err as ValidationError;
        const errors: FieldErrors | undefined = Object.keys(e.fields).length ? e.fields : undefined;
        return show(req, res, { form, errors, formError: e.code, values: req.body }, e.status);
      }
      throw err;
    }
  }

  const move = (req: Request, res: Response) =>
    onCase(
      req,
      res,
      'status',
      async (id) => {
        const m = parse(StatusMove, req.body);
        // Withdrawal cancels every booking and its charge: the form asks for a confirmation.
        if (m.to === 'withdrawn' && m.confirm !== 'yes')
          throw new ValidationError({ confirm: { key: 'errors.withdraw_confirm_required' } });
        const body = req.body as Record<string, unknown>;
        const reasons: ClosingReasons = {};
        for (const code of closingProblemCodes) {
          const v = body[reasonField(code)];
          if (typeof v === 'string' && v.trim()) reasons[code] = parse(ClosingReason, v);
        }
        const charges = await moveCaseStep(
          db,
          req.user!,
          id,
          m.from as CaseStatus,
          m.to as CaseStatus,
          m.note || undefined,
          ip(req),
          reasons,
        );
        return { charge: chargeText(req.lang, charges) };
      },
      'flash.case_status_changed',
    );

  const addLine = (req: Request, res: Response) =>
    onCase(
      req,
      res,
      'line',
      async (id) => {
        const l = parse(LineInput, req.body);
        await lines.addLine(db, req.user!, id, l.price_item_id, l.quantity, ip(req));
      },
      'flash.case_line_added',
    );

  const removeLine = (req: Request, res: Response) =>
    onCase(
      req,
      res,
      'line',
      async (id) => {
        await lines.removeLine(db, req.user!, id, idParam(req, 'lineId'), ip(req));
      },
      'flash.case_line_removed',
    );

  const pay = (req: Request, res: Response) =>
    onCase(
      req,
      res,
      'payment',
      async (id) => {
        const p = parse(PaymentInput, req.body);
        await money.addPayment(
          db,
          req.user!,
          id,
          { kind: p.kind, method: p.method, amount_fen: yuanToFen(p.amount), payer: p.payer, request_id: p.request_id },
          ip(req),
        );
      },
      'flash.case_payment_recorded',
    );

  const refund = (req: Request, res: Response) =>
    onCase(
      req,
      res,
      'refund',
      async (id) => {
        const r = parse(RefundInput, req.body);
        await money.refund(
          db,
          req.user!,
          id,
          {
            method: r.refund_method,
            amount_fen: yuanToFen(r.refund_amount),
            reason: r.refund_reason,
            request_id: r.request_id,
          },
          ip(req),
        );
      },
      'flash.case_refund_recorded',
    );

  const voidPayment = (req: Request, res: Response) =>
    onCase(
      req,
      res,
      `void-${String(req.params.paymentId)}`,
      async (id) => {
        const v = parse(VoidInput, req.body);
        await money.voidPayment(db, req.user!, id, idParam(req, 'paymentId'), v.void_reason, ip(req));
      },
      'flash.case_payment_voided',
    );

  const correct = (req: Request, res: Response) =>
    onCase(
      req,
      res,
      'correction',
      async (id) => {
        const x = parse(CorrectionInput, req.body);
        const [target, n] = x.correction_target.split(':');
        const base = { quantity: x.correction_quantity, reason: x.correction_reason };
        await money.correct(
          db,
          req.user!,
          id,
          target === 'item'
            ? { target, price_item_id: Number(n), ...base }
            : { target: 'line', line_id: Number(n), ...base },
          ip(req),
        );
      },
      'flash.case_corrected',
    );

  async function reveal(req: Request, res: Response) {
    const full = await cases.revealIdNumber(db, req.user!, idParam(req), ip(req));
    await show(req, res, { revealed: full });
  }

  // ## JSON intake, for hospital and police notification systems
  async function apiCreate(req: Request, res: Response) {
    let input;
    try {
      input = parse(CaseInput, ApiCaseInput.parse(req.body ?? {}));
    } catch (err) {
      if (err instanceof ValidationError) throw renameFields(err);
      throw err;
    }
    const confirmDuplicate = (req.body as { confirm_duplicate?: unknown }).confirm_duplicate === true;
    try {
      const made = await cases.createCase(db, req.user!, input, ip(req), { confirmDuplicate });
      const t = translator(req.lang);
      const warnings = unprintable(input).map((w) => ({
        field: apiFieldNames[w.field] ?? w.field,
        code: 'unprintable_characters',
        characters: w.characters.map((c) => c.ch),
        message: t('warnings.unprintable_characters', {
          characters: w.characters.map((c) => `${c.ch} U+${c.code}`).join(', '),
        }),
      }));
      res.status(made.created ? 201 : 200).json({ id: made.id, case_number: made.case_number, warnings });
    } catch (err) {
      if (err instanceof cases.CaseExistsError) {
        // The person's case under way (or newest closed one) first, then all of them; another home's without id.
        res.status(409).json({
          error: err.code,
          code: err.code,
          message: translator(req.lang)(`errors.${err.code}`),
          existing: err.cases[0],
          cases: err.cases,
        });
        return;
      }
      if (err instanceof ValidationError) throw renameFields(err);
      throw err;
    }
  }

  function renameFields(err: ValidationError): ValidationError {
    return new ValidationError(
      Object.fromEntries(Object.entries(err.fields).map(([k, v]) => [apiFieldNames[k] ?? k, v])),
      err.code,
    );
  }

  // Every answer here shows or echoes personal data (names, ID numbers, phones): no copy in any cache.
  const routes: RouteDef[] = [
    { method: 'get', path: '/staff/cases', roles: READERS, handler: list },
    { method: 'post', path: '/staff/cases/search', roles: READERS, handler: search },
    { method: 'get', path: '/staff/cases/new', roles: FRONT, handler: newPage },
    { method: 'post', path: '/staff/cases', roles: FRONT, handler: create },
    { method: 'get', path: '/staff/cases/:id', roles: READERS, handler: (req, res) => show(req, res) },
    { method: 'post', path: '/staff/cases/:id/status', roles: FRONT, handler: move },
    { method: 'post', path: '/staff/cases/:id/lines', roles: FRONT, handler: addLine },
    { method: 'post', path: '/staff/cases/:id/lines/:lineId/delete', roles: FRONT, handler: removeLine },
    { method: 'post', path: '/staff/cases/:id/payments', roles: FRONT, handler: pay },
    { method: 'post', path: '/staff/cases/:id/payments/:paymentId/void', roles: FRONT, handler: voidPayment },
    { method: 'post', path: '/staff/cases/:id/refunds', roles: FRONT, handler: refund },
    { method: 'post', path: '/staff/cases/:id/corrections', roles: FRONT, handler: correct },
    { method: 'post', path: '/staff/cases/:id/reveal', roles: FRONT, handler: reveal },
    { method: 'post', path: '/api/v1/cases', roles: FRONT, handler: apiCreate },
  ];
  return routes.map((r) => ({ ...r, before: [noStore, ...(r.before ?? [])] }));
}
