// Body custody pages: the fridge board and its fridges and slots per funeral home, and a case's receive, move and
// release forms (the case page shows the custody section and links here).
import type { Request, Response } from 'express';
import { DateTime } from 'luxon';
import type { Role } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { ForbiddenError } from '../http/errors.js';
import { flash, idParam, withForm } from '../http/forms.js';
import { noStore, type RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { zone } from '../time.js';
import { FridgeInput, MoveInput, ReceiveInput, ReleaseInput, SlotServiceInput } from './schemas.js';
import * as custody from './service.js';
import { reasonsFrom } from '../cases/service.js';

const READ: Role[] = ['admin', 'bureau', 'front_desk'];
const WRITE: Role[] = ['admin', 'front_desk'];
const STYLES = ['/static/css/custody.css'];

/** Now in Asia/Shanghai as a datetime-local value. */
const nowLocal = () => DateTime.now().setZone(zone).toFormat("yyyy-MM-dd'T'HH:mm");

export function custodyRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const ip = (req: Request) => req.ip ?? null;
  const home = (req: Request) => idParam(req, 'id');

  // ## Fridge board
  async function index(req: Request, res: Response) {
    const homes = await custody.boardHomes(db, req.user!);
    if (homes.length === 1) return res.redirect(`/staff/funeral-homes/${homes[0].id}/fridges`);
    res.render('custody/index', { homes, styles: STYLES });
  }

  async function board(req: Request, res: Response) {
    const data = await custody.fridgeBoard(db, req.user!, home(req));
    const slots = data.fridges.flatMap((f) => f.slots);
    res.render('custody/board', {
      ...data,
      styles: STYLES,
      totals: {
        total: slots.length,
        occupied: slots.filter((s) => s.state === 'occupied').length,
        free: slots.filter((s) => s.state === 'free').length,
        out: slots.filter((s) => s.state === 'out_of_service').length,
      },
      printedAt: new Date().toISOString(),
    });
  }

  async function newFridgePage(req: Request, res: Response) {
    const data = await custody.fridgeBoard(db, req.user!, home(req));
    if (!data.writable) throw new ForbiddenError();
    res.render('custody/fridge-form', { facility: data.facility, values: { slots: '12' }, styles: STYLES });
  }

  async function createFridge(req: Request, res: Response) {
    const facilityId = home(req);
    const data = await custody.fridgeBoard(db, req.user!, facilityId);
    await withForm(
      res,
      'custody/fridge-form',
      () => ({ facility: data.facility, values: req.body ?? {}, styles: STYLES }),
      async () => {
        const input = parse(FridgeInput, req.body);
        await custody.createFridge(db, req.user!, facilityId, input, ip(req));
        flash(req, 'flash.fridge_created', { name: input.name });
        res.redirect(`/staff/funeral-homes/${facilityId}/fridges`);
      },
    );
  }

  const slotData = (req: Request) => custody.slotOf(db, req.user!, home(req), idParam(req, 'fid'), idParam(req, 'sid'));

  async function slotPage(req: Request, res: Response) {
    const data = await slotData(req);
    const values = { out_of_service: data.slot.status === 'out_of_service', reason: data.slot.out_of_service_reason };
    res.render('custody/slot', { ...data, values, styles: STYLES });
  }

  async function saveSlot(req: Request, res: Response) {
    const data = await slotData(req);
    await withForm(
      res,
      'custody/slot',
      () => ({ ...data, values: { ...req.body, out_of_service: !!req.body?.out_of_service }, styles: STYLES }),
      async () => {
        const input = parse(SlotServiceInput, req.body);
        await custody.setSlotService(db, req.user!, data.facility.id, data.fridge.id, data.slot.id, input, ip(req));
        flash(req, 'flash.slot_saved');
        res.redirect(`/staff/funeral-homes/${data.facility.id}/fridges`);
      },
    );
  }

  // ## A case's body
  async function receivePage(req: Request, res: Response) {
    const data = await custody.receiveForm(db, req.user!, idParam(req));
    res.render('custody/receive', { ...data, values: { received_by: req.user!.id, received_at: nowLocal() } });
  }

  async function receive(req: Request, res: Response) {
    const caseId = idParam(req);
    await withForm(
      res,
      'custody/receive',
      async () => ({ ...(await custody.receiveForm(db, req.user!, caseId)), values: req.body ?? {} }),
      async () => {
        const input = parse(ReceiveInput, req.body);
        await custody.receiveBody(db, req.user!, caseId, input, ip(req));
        flash(req, 'flash.body_received');
        res.redirect(`/staff/cases/${caseId}`);
      },
    );
  }

  async function movePage(req: Request, res: Response) {
    const data = await custody.moveForm(db, req.user!, idParam(req));
    res.render('custody/move', { ...data, values: {} });
  }

  async function move(req: Request, res: Response) {
    const caseId = idParam(req);
    await withForm(
      res,
      'custody/move',
      async () => ({ ...(await custody.moveForm(db, req.user!, caseId)), values: req.body ?? {} }),
      async () => {
        const input = parse(MoveInput, req.body);
        await custody.moveBody(db, req.user!, caseId, input, ip(req));
        flash(req, 'flash.body_moved');
        res.redirect(`/staff/cases/${caseId}`);
      },
    );
  }

  // The recipient may later be pre-filled from the case's contact marked as ashes recipient: the values below.
  async function releasePage(req: Request, res: Response) {
    const data = await custody.releaseForm(db, req.user!, idParam(req));
    const r = data.recipient;
    res.render('custody/release', {
      ...data,
      values: r
        ? { recipient_name: r.name, recipient_relationship: r.relationship, recipient_id_number: r.id_number ?? '' }
        : {},
    });
  }

  async function release(req: Request, res: Response) {
    const caseId = idParam(req);
    await withForm(
      res,
      'custody/release',
      async () => ({
        ...(await custody.releaseForm(db, req.user!, caseId)),
        values: { ...req.body, original_verified: !!req.body?.original_verified },
      }),
      async () => {
        const input = parse(ReleaseInput, req.body);
        await custody.releaseAshes(db, req.user!, caseId, input, ip(req), reasonsFrom(req.body ?? {}));
        flash(req, 'flash.ashes_released');
        res.redirect(`/staff/cases/${caseId}`);
      },
    );
  }

  // Names of the deceased, ID numbers of recipients: no copy in any cache.
  const routes: RouteDef[] = [
    { method: 'get', path: '/staff/custody', roles: READ, handler: index },
    { method: 'get', path: '/staff/funeral-homes/:id/fridges', roles: READ, handler: board },
    { method: 'get', path: '/staff/funeral-homes/:id/fridges/new', roles: WRITE, handler: newFridgePage },
    { method: 'post', path: '/staff/funeral-homes/:id/fridges', roles: WRITE, handler: createFridge },
    { method: 'get', path: '/staff/funeral-homes/:id/fridges/:fid/slots/:sid', roles: WRITE, handler: slotPage },
    { method: 'post', path: '/staff/funeral-homes/:id/fridges/:fid/slots/:sid', roles: WRITE, handler: saveSlot },
    { method: 'get', path: '/staff/cases/:id/custody/receive', roles: WRITE, handler: receivePage },
    { method: 'post', path: '/staff/cases/:id/custody/receive', roles: WRITE, handler: receive },
    { method: 'get', path: '/staff/cases/:id/custody/move', roles: WRITE, handler: movePage },
    { method: 'post', path: '/staff/cases/:id/custody/move', roles: WRITE, handler: move },
    { method: 'get', path: '/staff/cases/:id/custody/release', roles: WRITE, handler: releasePage },
    { method: 'post', path: '/staff/cases/:id/custody/release', roles: WRITE, handler: release },
  ];
  return routes.map((r) => ({ ...r, before: [noStore, ...(r.before ?? [])] }));
}
