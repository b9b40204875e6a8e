// A case's family part at the front desk: contacts and the ashes recipient, the contact log, the papers checklist
// with its uploads. The case page shows them (views/partials/cases/contacts.hbs); these pages change them.
import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { assertCanWrite } from '../accounts/access.js';
import type { AppContext } from '../context.js';
import { NotFoundError, PayloadTooLargeError, ValidationError } from '../http/errors.js';
import { flash, idParam, withForm } from '../http/forms.js';
import { noStore, type RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { DateTime } from 'luxon';
import { zone } from '../time.js';
import { contactKinds, documentStates, MAX_UPLOAD_BYTES, type DocumentKind } from './family-kinds.js';
import { ContactInput, DocumentKindParam, DocumentStateInput, LogInput, WithdrawInput } from './family-schemas.js';
import * as family from './family-service.js';
import * as cases from './service.js';

const FRONT = ['admin', 'front_desk'] as const;

/** The upload form's path: its multipart body is read before the CSRF check, which needs the token inside it. */
export const UPLOAD_PATH = '/staff/cases/:id/papers/:kind/files';

/**
 * Reads an upload's multipart body into memory (one file of at most MAX_UPLOAD_BYTES, a few short fields), for
 * signed-in users only: a stranger's body is not read, so the CSRF check refuses it. Mounted before the CSRF check.
 */
export function uploadBody(): RequestHandler {
  const parser = multer({
    storage: multer.memoryStorage(),
    defParamCharset: 'utf8', // browsers send a Chinese file name as UTF-8
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5, fieldSize: 1024, parts: 6 },
  }).single('file');
  return (req, res, next) => {
    if (!req.user || !req.is('multipart/form-data')) return next();
    parser(req, res, (err?: unknown) => {
      if (err instanceof multer.MulterError)
        return next(
          err.code === 'LIMIT_FILE_SIZE'
            ? new PayloadTooLargeError('file_too_large')
            : new ValidationError({ file: { key: 'errors.file_required' } }),
        );
      next(err);
    });
  };
}

export function familyRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const ip = (req: Request) => req.ip ?? null;
  const caseOf = async (req: Request) => {
    const c = await cases.loadCase(db, req.user!, idParam(req));
    assertCanWrite(req.user!, c.facility_id);
    return c;
  };

  // ## Contacts
  async function contactForm(req: Request, values: Record<string, unknown>, contactId?: number) {
    const c = await caseOf(req);
    return { c, values, contactId };
  }

  async function newContact(req: Request, res: Response) {
    res.render('cases/contact', await contactForm(req, {}));
  }

  async function addContact(req: Request, res: Response) {
    const values = req.body as Record<string, unknown>;
    await withForm(
      res,
      'cases/contact',
      () => contactForm(req, values),
      async () => {
        const input = parse(ContactInput, values);
        await family.addContact(db, req.user!, idParam(req), input, ip(req));
        flash(req, 'flash.contact_added');
        res.redirect(`/staff/cases/${idParam(req)}#contacts`);
      },
    );
  }

  async function editPage(req: Request, res: Response) {
    const k = await family.findContact(db, req.user!, idParam(req), idParam(req, 'contactId'));
    res.render('cases/contact', await contactForm(req, { ...k, id_number: k.id_number ?? '' }, k.id));
  }

  async function editContact(req: Request, res: Response) {
    const values = req.body as Record<string, unknown>;
    const contactId = idParam(req, 'contactId');
    await withForm(
      res,
      'cases/contact',
      () => contactForm(req, values, contactId),
      async () => {
        const input = parse(ContactInput, values);
        await family.editContact(db, req.user!, idParam(req), contactId, input, ip(req));
        flash(req, 'flash.contact_saved');
        res.redirect(`/staff/cases/${idParam(req)}#contacts`);
      },
    );
  }

  async function markRecipient(req: Request, res: Response) {
    await family.markRecipient(db, req.user!, idParam(req), idParam(req, 'contactId'), ip(req));
    flash(req, 'flash.recipient_marked');
    res.redirect(`/staff/cases/${idParam(req)}#contacts`);
  }

  // ## Contact log
  async function logForm(req: Request, values: Record<string, unknown>) {
    const c = await caseOf(req);
    const { contacts } = await family.family(db, c.id);
    return { c, values, contacts, kinds: contactKinds };
  }

  async function newLog(req: Request, res: Response) {
    const now = DateTime.now().setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm");
    res.render('cases/contact-log', await logForm(req, { at: now, kind: 'call' }));
  }

  async function addLog(req: Request, res: Response) {
    const values = req.body as Record<string, unknown>;
    await withForm(
      res,
      'cases/contact-log',
      () => logForm(req, values),
      async () => {
        const input = parse(LogInput, values);
        await family.addLogEntry(db, req.user!, idParam(req), input, ip(req));
        flash(req, 'flash.contact_logged');
        res.redirect(`/staff/cases/${idParam(req)}#contact-log`);
      },
    );
  }

  // ## Papers
  async function papersData(req: Request) {
    const c = await caseOf(req);
    const { papers } = await family.family(db, c.id);
    return { c, papers, states: documentStates };
  }

  async function papers(req: Request, res: Response) {
    res.render('cases/papers', await papersData(req));
  }

  const kindParam = (req: Request): DocumentKind => {
    const r = DocumentKindParam.safeParse(req.params.kind);
    if (!r.success) throw new NotFoundError();
    return r.data;
  };

  async function setState(req: Request, res: Response) {
    const kind = kindParam(req);
    await withForm(
      res,
      'cases/papers',
      () => papersData(req),
      async () => {
        const { state } = parse(DocumentStateInput, req.body);
        await family.setDocumentState(db, req.user!, idParam(req), kind, state, ip(req));
        flash(req, 'flash.document_state_saved');
        res.redirect(`/staff/cases/${idParam(req)}/papers`);
      },
    );
  }

  async function upload(req: Request, res: Response) {
    const kind = kindParam(req);
    await withForm(
      res,
      'cases/papers',
      async () => ({ ...(await papersData(req)), uploadKind: kind }),
      async () => {
        await family.uploadFile(db, req.user!, idParam(req), kind, req.file, ctx.config.dataDir, ip(req));
        flash(req, 'flash.document_uploaded');
        res.redirect(`/staff/cases/${idParam(req)}/papers`);
      },
    );
  }

  async function download(req: Request, res: Response) {
    const { file, bytes } = await family.openFile(
      db,
      req.user!,
      idParam(req),
      idParam(req, 'fileId'),
      ctx.config.dataDir,
      ip(req),
    );
    const ascii = `${file.kind}-${file.id}.${file.file_type}`;
    res.set({
      'Content-Type': family.fileMediaTypes[file.file_type],
      'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.original_name)}`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    });
    res.send(bytes);
  }

  async function withdrawPage(req: Request, res: Response) {
    const data = await papersData(req);
    const fileId = idParam(req, 'fileId');
    const file = data.papers.flatMap((p) => p.files).find((f) => f.id === fileId && f.status === 'current');
    if (!file) throw new NotFoundError();
    res.render('cases/withdraw-file', { c: data.c, file, values: {} });
  }

  async function withdraw(req: Request, res: Response) {
    const data = await papersData(req);
    const fileId = idParam(req, 'fileId');
    const file = data.papers.flatMap((p) => p.files).find((f) => f.id === fileId);
    await withForm(
      res,
      'cases/withdraw-file',
      () => ({ c: data.c, file, values: req.body }),
      async () => {
        const { reason } = parse(WithdrawInput, req.body);
        await family.withdrawFile(db, req.user!, idParam(req), fileId, reason, ip(req));
        flash(req, 'flash.document_withdrawn');
        res.redirect(`/staff/cases/${idParam(req)}/papers`);
      },
    );
  }

  // Every answer here shows personal data: no copy in any cache.
  const routes: RouteDef[] = [
    { method: 'get', path: '/staff/cases/:id/contacts/new', roles: FRONT, handler: newContact },
    { method: 'post', path: '/staff/cases/:id/contacts', roles: FRONT, handler: addContact },
    { method: 'get', path: '/staff/cases/:id/contacts/:contactId/edit', roles: FRONT, handler: editPage },
    { method: 'post', path: '/staff/cases/:id/contacts/:contactId', roles: FRONT, handler: editContact },
    { method: 'post', path: '/staff/cases/:id/contacts/:contactId/recipient', roles: FRONT, handler: markRecipient },
    { method: 'get', path: '/staff/cases/:id/contact-log/new', roles: FRONT, handler: newLog },
    { method: 'post', path: '/staff/cases/:id/contact-log', roles: FRONT, handler: addLog },
    { method: 'get', path: '/staff/cases/:id/papers', roles: FRONT, handler: papers },
    { method: 'post', path: '/staff/cases/:id/papers/:kind/state', roles: FRONT, handler: setState },
    { method: 'post', path: UPLOAD_PATH, roles: FRONT, handler: upload },
    { method: 'get', path: '/staff/cases/:id/files/:fileId', roles: FRONT, handler: download },
    { method: 'get', path: '/staff/cases/:id/files/:fileId/withdraw', roles: FRONT, handler: withdrawPage },
    { method: 'post', path: '/staff/cases/:id/files/:fileId/withdraw', roles: FRONT, handler: withdraw },
  ];
  return routes.map((r) => ({ ...r, before: [noStore, ...(r.before ?? [])] }));
}
