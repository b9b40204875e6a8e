// Printed documents of a funeral case: the cremation certificate and the statement of charges, as PDFs.
import type { Request, Response } from 'express';
import type { AppContext } from '../context.js';
import { ConflictError } from '../http/errors.js';
import { idParam } from '../http/forms.js';
import type { RouteDef } from '../http/routes.js';
import { translator, type Lang } from '../i18n/index.js';
import { loadFonts } from './fonts.js';
import * as documents from './service.js';

// The certificate carries the full ID number and is an official act of the funeral home: its own staff only.
const ISSUERS = ['admin', 'front_desk'] as const;
const READERS = ['admin', 'bureau', 'front_desk'] as const;

/** RFC 5987: the Chinese name for browsers that read filename*, the English one for those that do not. */
function disposition(key: string, number: string, lang: Lang): string {
  const name = translator(lang)(key, { number });
  const ascii = translator('en')(key, { number }).replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `inline; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function sendPdf(res: Response, printed: documents.Printed, key: string, lang: Lang): void {
  res.set({
    'Content-Type': 'application/pdf',
    'Content-Disposition': disposition(key, printed.caseNumber, lang),
    'Cache-Control': 'no-store', // personal data: no copy in the browser's or a proxy's cache
  });
  res.end(printed.pdf);
}

export function documentRoutes(ctx: AppContext): RouteDef[] {
  const { db, config } = ctx;

  async function certificate(req: Request, res: Response) {
    const id = idParam(req);
    try {
      const printed = await documents.printCertificate(
        db,
        loadFonts(config.fallbackFonts),
        req.user!,
        id,
        req.lang,
        req.ip ?? null,
      );
      sendPdf(res, printed, 'documents.certificate_file', req.lang);
    } catch (err) {
      // Not printable yet: a page saying why, with the way back to the case, rather than a bare error.
      if (!(err instanceof ConflictError)) throw err;
      res.status(409).render('errors/error', {
        status: 409,
        code: err.code,
        message: translator(req.lang)(`errors.${err.code}`),
        back: `/staff/cases/${id}`,
      });
    }
  }

  async function receipt(req: Request, res: Response) {
    const printed = await documents.printReceipt(
      db,
      loadFonts(config.fallbackFonts),
      req.user!,
      idParam(req),
      req.lang,
      { publicUrl: config.publicUrl },
    );
    sendPdf(res, printed, 'documents.receipt_file', req.lang);
  }

  async function paymentReceipt(req: Request, res: Response) {
    const printed = await documents.printPaymentReceipt(
      db,
      loadFonts(config.fallbackFonts),
      req.user!,
      idParam(req),
      idParam(req, 'paymentId'),
      req.lang,
    );
    sendPdf(res, printed, 'documents.payment_receipt_file', req.lang);
  }

  return [
    { method: 'get', path: '/staff/cases/:id/certificate.pdf', roles: ISSUERS, handler: certificate },
    {
      method: 'get',
      path: '/staff/cases/:id/payments/:paymentId/receipt.pdf',
      roles: READERS,
      handler: paymentReceipt,
    },
    { method: 'get', path: '/staff/cases/:id/receipt.pdf', roles: READERS, handler: receipt },
  ];
}
