// Memorial pages (网上祭扫): the public pages (list, page, tributes, claim, the owner's management by secret link) and
// the front desk's page of a case's memorial (create, claim code with the statement, edit, photo, close, moderation).
import type { Request, RequestHandler, Response } from 'express';
import { randomUUID } from 'node:crypto';
import multer from 'multer';
import type { AppContext } from '../context.js';
import { printReceipt } from '../documents/service.js';
import { loadFonts } from '../documents/fonts.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { flash, idParam, withForm } from '../http/forms.js';
import { pagination } from '../http/pagination.js';
import { perAddress } from '../http/rate-limit.js';
import { noStore, type RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { translator } from '../i18n/index.js';
import { MAX_BIOGRAPHY, MAX_MESSAGE, MAX_PHOTO_BYTES, memorialVisibilities, tributeKinds } from './kinds.js';
import { memorialLimits } from './limits.js';
import { ClaimInput, DecisionInput, ListQuery, PageInput, TributeInput } from './schemas.js';
import * as memorials from './service.js';

const FRONT = ['admin', 'front_desk'] as const;
const PER_PAGE = 20;
const STYLES = ['/static/css/memorials.css'];

/** The photo forms' paths: their multipart bodies (and the CSRF token inside) are read before the CSRF check. */
export const OWNER_PHOTO_PATH = '/memorials/:slug/manage/photo';
export const STAFF_PHOTO_PATH = '/staff/cases/:id/memorial/photo';

/** Notices a redirect may name in `?done=` (never free text from the query string). */
const notices = ['saved', 'photo', 'closed', 'approved', 'rejected'] as const;

/**
 * Reads a photo form's multipart body into memory (one file of at most MAX_PHOTO_BYTES, a few short fields), only
 * for whom the page is: the signed-in staff, or a request whose management key opens the page. A stranger's body is
 * not read, so the CSRF check refuses it. A file too large is noted for the handler, which says so on the form.
 */
export function photoBody(ctx: AppContext, who: 'owner' | 'staff'): RequestHandler {
  const parser = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 5, fieldSize: 1024, parts: 6 },
  }).single('photo');
  return (req, res, next) => {
    void (async () => {
      if (!req.is('multipart/form-data')) return next();
      const allowed =
        who === 'staff' ? !!req.user : await memorials.ownerKeyOpens(ctx.db, String(req.params.slug), req.query.key);
      if (!allowed) return next();
      parser(req, res, (err?: unknown) => {
        if (err instanceof multer.MulterError) {
          if (err.code === 'LIMIT_FILE_SIZE') res.locals.photoTooLarge = true;
          else return next(new ValidationError({ photo: { key: 'errors.photo_required' } }, 'photo_refused'));
          return next();
        }
        next(err);
      });
    })().catch(next);
  };
}

export function memorialRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const limits = memorialLimits(ctx);
  const ip = (req: Request) => req.ip ?? null;
  const origin = (req: Request) => `${req.protocol}://${req.get('host')}`;
  const slugOf = (req: Request) => String(req.params.slug);
  const formOptions = { kinds: tributeKinds, visibilities: memorialVisibilities, MAX_BIOGRAPHY, MAX_MESSAGE };
  const upload = (req: Request, res: Response): Buffer | undefined => {
    if (res.locals.photoTooLarge) return Buffer.alloc(MAX_PHOTO_BYTES + 1); // refused for its size by the service
    return req.file?.buffer;
  };

  // ## Public: the list of pages their families made public
  async function list(req: Request, res: Response) {
    const q = ListQuery.safeParse(req.query);
    const filter = q.success ? q.data : { q: undefined, page: 1 };
    const { rows, total } = await memorials.listPublic(db, { ...filter, perPage: PER_PAGE });
    res.render('memorials/list', {
      title: translator(req.lang)('memorials.list_title'),
      rows,
      q: filter.q ?? '',
      pager: pagination(req, filter.page, PER_PAGE, total),
    });
  }

  // ## Public: one page and its tributes
  async function pageData(req: Request, values: Record<string, unknown> = {}) {
    const data = await memorials.publicPage(db, slugOf(req));
    const m = data.memorial;
    return {
      ...data,
      ...formOptions,
      title: m.deceased_name,
      // Only a page its family made public may be indexed; an unlisted one is reached by its link alone.
      noindex: m.visibility !== 'public' || m.status !== 'open',
      values: { kind: 'flower', request_id: randomUUID(), ...values },
    };
  }

  async function show(req: Request, res: Response) {
    const data = await pageData(req);
    if (data.noindex) res.set('X-Robots-Tag', 'noindex');
    res.set('Cache-Control', 'no-store');
    res.render('memorials/show', { ...data, sent: req.query.sent === '1' });
  }

  async function leaveTribute(req: Request, res: Response) {
    const values = req.body as Record<string, unknown>;
    res.set('X-Robots-Tag', 'noindex');
    await withForm(
      res,
      'memorials/show',
      () => pageData(req, values),
      async () => {
        const input = parse(TributeInput, values);
        await memorials.leaveTribute(db, limits, slugOf(req), input, ip(req));
        res.redirect(303, `/memorials/${slugOf(req)}?sent=1#tributes`);
      },
    );
  }

  async function photo(req: Request, res: Response) {
    const p = await memorials.photo(db, slugOf(req));
    res.set({ 'Content-Type': 'image/jpeg', 'Cache-Control': 'public, max-age=3600' });
    res.send(p.bytes);
  }

  // ## Public: the family claims its page with the printed code
  function claimPage(req: Request, res: Response) {
    res.set('X-Robots-Tag', 'noindex');
    res.render('memorials/claim', { title: translator(req.lang)('memorials.claim_title'), values: {} });
  }

  async function claim(req: Request, res: Response) {
    const values = req.body as Record<string, unknown>;
    res.set({ 'X-Robots-Tag': 'noindex', 'Cache-Control': 'no-store' });
    await withForm(
      res,
      'memorials/claim',
      () => ({ title: translator(req.lang)('memorials.claim_title'), values }),
      async () => {
        const input = parse(ClaimInput, values);
        const { slug, key, memorial } = await memorials.claim(db, limits, input, ip(req));
        // Shown this once: only the key's hash is kept.
        res.render('memorials/claimed', {
          title: translator(req.lang)('memorials.claimed_title'),
          memorial,
          manageUrl: `${origin(req)}/memorials/${slug}/manage?key=${key}`,
          pageUrl: `${origin(req)}/memorials/${slug}`,
          noindex: true,
        });
      },
    );
  }

  // ## Public: the owner's management, by the secret link
  const ownerOf = (req: Request) => memorials.ownerPage(db, slugOf(req), req.query.key);
  const keyOf = (req: Request) => String(req.query.key);

  async function manageData(req: Request, values?: Record<string, unknown>) {
    const m = await ownerOf(req);
    const view = await memorials.ownerView(db, m);
    return {
      ...view,
      ...formOptions,
      title: translator(req.lang)('memorials.manage_title', { name: m.deceased_name }),
      noindex: true,
      action: `/memorials/${m.slug}/manage`,
      keyQuery: `?key=${keyOf(req)}`,
      values: values ?? { biography: m.biography ?? '', visibility: m.visibility },
    };
  }

  async function manage(req: Request, res: Response) {
    const data = await manageData(req);
    const done = notices.find((n) => n === req.query.done);
    res.set({ 'X-Robots-Tag': 'noindex', 'Cache-Control': 'no-store' });
    res.render('memorials/manage', { ...data, done });
  }

  /** Runs an owner's change; the form comes back with its message on a refusal, else the page with a notice. */
  async function ownerChange(
    req: Request,
    res: Response,
    done: (typeof notices)[number] | ((req: Request) => (typeof notices)[number]),
    fn: (m: memorials.MemorialRow, editor: memorials.Editor) => Promise<void>,
  ) {
    const m = await ownerOf(req);
    const values = req.body as Record<string, unknown>;
    res.set({ 'X-Robots-Tag': 'noindex', 'Cache-Control': 'no-store' });
    await withForm(
      res,
      'memorials/manage',
      () => manageData(req, req.path.endsWith('/manage') ? values : undefined),
      async () => {
        await fn(m, { kind: 'owner', name: m.owner_name ?? '' });
        const notice = typeof done === 'function' ? done(req) : done;
        res.redirect(303, `/memorials/${m.slug}/manage?key=${keyOf(req)}&done=${notice}`);
      },
    );
  }

  const ownerEdit = (req: Request, res: Response) =>
    ownerChange(req, res, 'saved', (m, editor) =>
      memorials.updatePage(db, editor, m, parse(PageInput, req.body), ip(req)),
    );
  const ownerPhoto = (req: Request, res: Response) =>
    ownerChange(req, res, 'photo', (m, editor) => memorials.setPhoto(db, editor, m, upload(req, res), ip(req)));
  const ownerClose = (req: Request, res: Response) =>
    ownerChange(req, res, 'closed', (m, editor) => {
      assertConfirmed(req);
      return memorials.closePage(db, editor, m, ip(req));
    });
  const ownerDecide = (req: Request, res: Response) =>
    ownerChange(
      req,
      res,
      (r) => parse(DecisionInput, r.body).decision,
      (m, editor) =>
        memorials.decideTribute(
          db,
          editor,
          m,
          idParam(req, 'tributeId'),
          parse(DecisionInput, req.body).decision,
          ip(req),
        ),
    );

  function assertConfirmed(req: Request) {
    if ((req.body as Record<string, unknown>).confirm !== 'yes')
      throw new ValidationError({ confirm: { key: 'errors.memorial_close_confirm' } });
  }

  // ## Staff: a case's memorial page
  async function staffData(req: Request, extra: Record<string, unknown> = {}) {
    const view = await memorials.staffView(db, req.user!, idParam(req));
    const m = view.memorial;
    return {
      ...view,
      ...formOptions,
      pageUrl: m ? `${origin(req)}/memorials/${m.slug}` : undefined,
      action: `/staff/cases/${view.c.id}/memorial`,
      keyQuery: '',
      values: m ? { biography: m.biography ?? '', visibility: m.visibility } : {},
      ...extra,
    };
  }

  async function staffPage(req: Request, res: Response) {
    res.render('memorials/staff', await staffData(req));
  }

  /** Runs a staff change; the page comes back with the message on a refusal, else a flash. */
  async function staffChange(
    req: Request,
    res: Response,
    done: string,
    fn: (m: memorials.MemorialRow, editor: memorials.Editor) => Promise<void>,
  ) {
    const m = await memorials.staffMemorial(db, req.user!, idParam(req));
    const values = req.body as Record<string, unknown>;
    await withForm(
      res,
      'memorials/staff',
      () => staffData(req, req.path.endsWith('/page') ? { values } : {}),
      async () => {
        await fn(m, { kind: 'staff', actor: req.user! });
        flash(req, done);
        res.redirect(`/staff/cases/${idParam(req)}/memorial`);
      },
    );
  }

  async function create(req: Request, res: Response) {
    await withForm(
      res,
      'memorials/staff',
      () => staffData(req),
      async () => {
        await memorials.createPage(db, req.user!, idParam(req), ip(req));
        flash(req, 'flash.memorial_created');
        res.redirect(`/staff/cases/${idParam(req)}/memorial`);
      },
    );
  }

  async function issueCode(req: Request, res: Response) {
    await withForm(
      res,
      'memorials/staff',
      () => staffData(req),
      async () => {
        const { code, expiresAt, memorial } = await memorials.issueClaimCode(db, req.user!, idParam(req), ip(req));
        // The code is on this page and the statement printed from it, nowhere else: only its hash is kept.
        res.render('memorials/claim-code', { code, expiresAt, memorial, caseId: idParam(req) });
      },
    );
  }

  async function statement(req: Request, res: Response) {
    const caseId = idParam(req);
    const raw = (req.body as Record<string, unknown>).code;
    const { code, expiresAt } = await memorials.assertCurrentClaimCode(
      db,
      req.user!,
      caseId,
      typeof raw === 'string' ? raw : '',
    );
    const printed = await printReceipt(db, loadFonts(ctx.config.fallbackFonts), req.user!, caseId, req.lang, {
      memorialClaim: { code, expiresAt, url: `${origin(req)}/memorials/claim` },
      publicUrl: ctx.config.publicUrl,
    });
    res.set({
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="statement-${printed.caseNumber}.pdf"`,
    });
    res.end(printed.pdf);
  }

  const staffEdit = (req: Request, res: Response) =>
    staffChange(req, res, 'flash.memorial_saved', (m, editor) =>
      memorials.updatePage(db, editor, m, parse(PageInput, req.body), ip(req)),
    );
  const staffPhoto = (req: Request, res: Response) =>
    staffChange(req, res, 'flash.memorial_photo', (m, editor) =>
      memorials.setPhoto(db, editor, m, upload(req, res), ip(req)),
    );
  const staffClose = (req: Request, res: Response) =>
    staffChange(req, res, 'flash.memorial_closed', (m, editor) => {
      assertConfirmed(req);
      return memorials.closePage(db, editor, m, ip(req));
    });
  const staffDecide = (req: Request, res: Response) =>
    staffChange(req, res, 'flash.tribute_decided', (m, editor) =>
      memorials.decideTribute(
        db,
        editor,
        m,
        idParam(req, 'tributeId'),
        parse(DecisionInput, req.body).decision,
        ip(req),
      ),
    );

  const notFoundUnlessSlug: RequestHandler = (req, _res, next) =>
    next(/^[A-Za-z0-9_-]{22}$/.test(String(req.params.slug)) ? undefined : new NotFoundError());
  const manageLimit = perAddress(ctx, 'memorial-manage');
  const styled: RequestHandler = (_req, res, next) => {
    res.locals.styles = STYLES;
    next();
  };

  const publicRoutes: RouteDef[] = [
    { method: 'get', path: '/memorials', roles: 'public', handler: list },
    { method: 'get', path: '/memorials/claim', roles: 'public', handler: claimPage },
    { method: 'post', path: '/memorials/claim', roles: 'public', handler: claim },
    { method: 'get', path: '/memorials/:slug', roles: 'public', handler: show },
    { method: 'get', path: '/memorials/:slug/photo.jpg', roles: 'public', handler: photo },
    { method: 'post', path: '/memorials/:slug/tributes', roles: 'public', handler: leaveTribute },
    { method: 'get', path: '/memorials/:slug/manage', roles: 'public', handler: manage },
    { method: 'post', path: '/memorials/:slug/manage', roles: 'public', handler: ownerEdit },
    { method: 'post', path: OWNER_PHOTO_PATH, roles: 'public', handler: ownerPhoto },
    { method: 'post', path: '/memorials/:slug/manage/close', roles: 'public', handler: ownerClose },
    { method: 'post', path: '/memorials/:slug/manage/tributes/:tributeId', roles: 'public', handler: ownerDecide },
  ];
  // Every staff answer shows the family's data or a secret (the claim code): no copy in any cache.
  const staffRoutes: RouteDef[] = [
    { method: 'get', path: '/staff/cases/:id/memorial', roles: FRONT, handler: staffPage },
    { method: 'post', path: '/staff/cases/:id/memorial', roles: FRONT, handler: create },
    { method: 'post', path: '/staff/cases/:id/memorial/claim-code', roles: FRONT, handler: issueCode },
    { method: 'post', path: '/staff/cases/:id/memorial/claim-code/statement.pdf', roles: FRONT, handler: statement },
    { method: 'post', path: '/staff/cases/:id/memorial/page', roles: FRONT, handler: staffEdit },
    { method: 'post', path: STAFF_PHOTO_PATH, roles: FRONT, handler: staffPhoto },
    { method: 'post', path: '/staff/cases/:id/memorial/close', roles: FRONT, handler: staffClose },
    { method: 'post', path: '/staff/cases/:id/memorial/tributes/:tributeId', roles: FRONT, handler: staffDecide },
  ];
  return [
    ...publicRoutes.map((r) => ({
      ...r,
      before: [
        ...(r.path.includes(':slug') ? [notFoundUnlessSlug] : []),
        // Pages opened by the owner's key: a look-up by a secret, under the platform's public limit.
        ...(r.path.includes('/manage') ? [manageLimit] : []),
        styled,
      ],
    })),
    ...staffRoutes.map((r) => ({ ...r, before: [noStore, styled] })),
  ];
}
