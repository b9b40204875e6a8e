// The visit reservations' JSON API (docs/API.md, "Visit reservations"): public, no token. A day's windows with the
// places left, a reservation (idempotent with an Idempotency-Key), a cancel by code and phone. The POSTs count against
// the per-address limit; the path is kept lean for Qingming morning (docs/BENCHMARKS.md, "Qingming burst").
import type { Request, Response } from 'express';
import type { AppContext } from '../context.js';
import { NotFoundError, ValidationError } from '../http/errors.js';
import { idParam } from '../http/forms.js';
import { sendJson } from '../http/json.js';
import { perAddress } from '../http/rate-limit.js';
import { noStore, type RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { translator } from '../i18n/index.js';
import { IdempotencyKey, WindowsQuery } from './api-schemas.js';
import { CommitGroup, limitedNow, limitedRun, reserveNow } from './api-service.js';
import { CancelInput, ReservationInput, VisitCode } from './schemas.js';
import * as visits from './service.js';

export function visitApiRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  // One allowance per address for every visit endpoint that writes or looks up by code and phone. Reservations count
  // in the rows perAddress keeps, inside their commit group (api-service.ts); cancels through perAddress itself.
  const limit = perAddress(ctx, 'visits');
  const group = new CommitGroup(db);
  const address = (req: Request) => ({
    prefix: 'visits',
    address: req.ip ?? 'unknown',
    points: ctx.config.publicRatePerMinute,
    now: () => Date.now(),
  });

  async function listWindows(req: Request, res: Response) {
    const q = parse(WindowsQuery, req.query);
    const [facility, windows] = await Promise.all([
      visits.visitFacility(db, q.facility),
      visits.windowsBetween(db, q.facility, q.date, q.date),
    ]);
    if (!facility) throw new NotFoundError('visit_api_facility_not_found');
    const s = windows.length ? await visits.settings(db, facility.id) : undefined;
    const now = new Date();
    res.json(
      windows.map((w) => ({
        id: w.id,
        starts_at: w.starts_at,
        ends_at: w.ends_at,
        capacity: w.capacity,
        remaining: Math.max(0, w.capacity - w.booked),
        state: visits.windowState(w, s!, now),
      })),
    );
  }

  async function reserve(req: Request, res: Response) {
    const windowId = idParam(req);
    const header = req.headers['idempotency-key'];
    const key = header === undefined ? undefined : IdempotencyKey.safeParse(header);
    if (key && !key.success)
      throw new ValidationError({ idempotency_key: { key: 'errors.visit_api_idempotency_key_invalid' } });
    const input = parse(ReservationInput, req.body ?? {});
    const answerOf = ({ reservation: r, window: w }: visits.Booked) => ({
      status: 201,
      body: {
        code: r.code,
        window: { id: w.id, starts_at: w.starts_at, ends_at: w.ends_at },
        party_size: r.party_size,
      },
    });
    // On SQLite a booking without a key runs on the connection itself (api-service.ts, reserveNow): the lean path.
    const answer =
      !key && group.grouped
        ? await limitedNow(group, address(req), (b) => answerOf(reserveNow(b, windowId, input)))
        : await limitedRun(group, address(req), (trx) => {
            const book = async (t: typeof db) =>
              answerOf(await visits.reserve(t, windowId, input, { channel: 'public' }));
            return key
              ? visits.idempotent(trx, `visit-reserve:${key.data}`, visits.requestHash({ windowId, input }), book)
              : book(trx);
          });
    sendJson(res, answer.status, answer.body);
  }

  async function cancel(req: Request, res: Response) {
    const { phone } = parse(CancelInput, req.body ?? {});
    // A code that cannot be one answers like an unknown code.
    const code = VisitCode.safeParse(req.params.code);
    if (!code.success) throw new NotFoundError('visit_reservation_not_found');
    const r = await visits.cancel(db, code.data, { phone });
    sendJson(res, 200, {
      code: r.code,
      status: r.status,
      party_size: r.party_size,
      message: translator(req.lang ?? 'zh-CN')('visits_api.cancelled'),
    });
  }

  return [
    { method: 'get', path: '/api/v1/visit-windows', roles: 'public', handler: listWindows },
    {
      method: 'post',
      path: '/api/v1/visit-windows/:id/reservations',
      roles: 'public',
      handler: reserve,
      before: [noStore],
    },
    {
      method: 'post',
      path: '/api/v1/reservations/:code/cancel',
      roles: 'public',
      handler: cancel,
      before: [limit, noStore],
    },
  ];
}
