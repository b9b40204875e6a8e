// Routes for a funeral home's cremators, farewell halls and closures: what the scheduling pages can book.
import type { Request, Response } from 'express';
import { assertCanWrite, canWrite } from '../accounts/access.js';
import type { Role } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { flash, idParam, withForm } from '../http/forms.js';
import type { RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { todayInShanghai } from '../time.js';
import { ClosureInput, CrematorInput, HallInput, type ResourceKind } from './schemas.js';
import * as cremation from './service.js';
import { addDays, dateOf, dayBounds, timeOf } from './slots.js';

const READ: Role[] = ['admin', 'bureau', 'front_desk'];
const WRITE: Role[] = ['admin', 'front_desk'];

export function resourceRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const ip = (req: Request) => req.ip ?? null;
  const home = (req: Request) => idParam(req, 'id');

  // ## Resources of a funeral home
  async function resourcesPage(req: Request, res: Response) {
    const data = await cremation.resourcesOf(db, req.user!, home(req));
    res.render('cremation/resources', {
      ...data,
      canWrite: canWrite(req.user!, data.facility.id),
      closures: data.closures.map((c) => ({ ...c, when: closureSpan(c) })),
    });
  }

  const resourceSchema = (kind: ResourceKind) => (kind === 'cremator' ? CrematorInput : HallInput);
  const resourceDefaults = (kind: ResourceKind) =>
    kind === 'cremator'
      ? { slot_minutes: 60, day_start: '07:00', day_end: '17:00', active: true }
      : { slot_minutes: 60, day_start: '07:00', day_end: '16:00', capacity: 50, active: true };

  const newResourcePage = (kind: ResourceKind) => async (req: Request, res: Response) => {
    const facility = await cremation.funeralHome(db, home(req));
    assertCanWrite(req.user!, facility.id);
    const prices = await cremation.priceItemChoices(db, facility.id);
    res.render('cremation/resource-form', { facility, kind, values: resourceDefaults(kind), isNew: true, prices });
  };

  const createResource = (kind: ResourceKind) => async (req: Request, res: Response) => {
    const facility = await cremation.funeralHome(db, home(req));
    await withForm(
      res,
      'cremation/resource-form',
      async () => ({
        facility,
        kind,
        values: { ...req.body, active: !!req.body?.active },
        isNew: true,
        prices: await cremation.priceItemChoices(db, facility.id),
      }),
      async () => {
        const input = parse(resourceSchema(kind), req.body);
        await cremation.createResource(db, req.user!, facility.id, kind, input, ip(req));
        flash(req, 'cremation.flash.resource_created', { name: input.name });
        res.redirect(`/staff/funeral-homes/${facility.id}/resources`);
      },
    );
  };

  const editResourcePage = (kind: ResourceKind) => async (req: Request, res: Response) => {
    const resource = await cremation.resourceOf(db, req.user!, home(req), kind, idParam(req, 'rid'));
    const facility = await cremation.funeralHome(db, resource.facility_id);
    assertCanWrite(req.user!, facility.id);
    const prices = await cremation.priceItemChoices(db, facility.id, resource.price_item_id);
    res.render('cremation/resource-form', { facility, kind, resource, values: resource, prices });
  };

  const updateResource = (kind: ResourceKind) => async (req: Request, res: Response) => {
    const resource = await cremation.resourceOf(db, req.user!, home(req), kind, idParam(req, 'rid'));
    const facility = await cremation.funeralHome(db, resource.facility_id);
    await withForm(
      res,
      'cremation/resource-form',
      async () => ({
        facility,
        kind,
        resource,
        values: { ...req.body, active: !!req.body?.active },
        prices: await cremation.priceItemChoices(db, facility.id, resource.price_item_id),
      }),
      async () => {
        const input = parse(resourceSchema(kind), req.body);
        await cremation.updateResource(db, req.user!, facility.id, kind, resource.id, input, ip(req));
        flash(req, 'cremation.flash.resource_updated', { name: input.name });
        res.redirect(`/staff/funeral-homes/${facility.id}/resources`);
      },
    );
  };

  async function closureFormData(req: Request, values: object) {
    const data = await cremation.resourcesOf(db, req.user!, home(req));
    return { facility: data.facility, cremators: data.cremators, halls: data.halls, values };
  }

  async function newClosurePage(req: Request, res: Response) {
    const data = await closureFormData(req, {
      target: 'all',
      start_date: addDays(todayInShanghai(), 1),
      end_date: addDays(todayInShanghai(), 1),
    });
    assertCanWrite(req.user!, data.facility.id);
    res.render('cremation/closure-form', data);
  }

  async function createClosure(req: Request, res: Response) {
    const facilityId = home(req);
    await withForm(
      res,
      'cremation/closure-form',
      () => closureFormData(req, req.body ?? {}),
      async () => {
        const input = parse(ClosureInput, req.body);
        const added = await cremation.addClosure(db, req.user!, facilityId, input, ip(req));
        if (added) flash(req, 'cremation.flash.closure_added', { count: added });
        else flash(req, 'cremation.flash.closure_exists');
        res.redirect(`/staff/funeral-homes/${facilityId}/resources`);
      },
    );
  }

  async function confirmRemoveClosure(req: Request, res: Response) {
    const closure = await cremation.closureOf(db, req.user!, home(req), idParam(req, 'cid'));
    const facility = await cremation.funeralHome(db, home(req));
    assertCanWrite(req.user!, facility.id);
    res.render('cremation/closure-remove', { facility, closure: { ...closure, when: closureSpan(closure) } });
  }

  async function removeClosure(req: Request, res: Response) {
    const closure = await cremation.removeClosure(db, req.user!, home(req), idParam(req, 'cid'), ip(req));
    flash(req, 'cremation.flash.closure_removed', { name: closure.resource_name, reason: closure.reason });
    res.redirect(`/staff/funeral-homes/${home(req)}/resources`);
  }

  return [
    { method: 'get', path: '/staff/funeral-homes/:id/resources', roles: READ, handler: resourcesPage },
    {
      method: 'get',
      path: '/staff/funeral-homes/:id/cremators/new',
      roles: WRITE,
      handler: newResourcePage('cremator'),
    },
    { method: 'post', path: '/staff/funeral-homes/:id/cremators', roles: WRITE, handler: createResource('cremator') },
    {
      method: 'get',
      path: '/staff/funeral-homes/:id/cremators/:rid',
      roles: WRITE,
      handler: editResourcePage('cremator'),
    },
    {
      method: 'post',
      path: '/staff/funeral-homes/:id/cremators/:rid',
      roles: WRITE,
      handler: updateResource('cremator'),
    },
    { method: 'get', path: '/staff/funeral-homes/:id/halls/new', roles: WRITE, handler: newResourcePage('hall') },
    { method: 'post', path: '/staff/funeral-homes/:id/halls', roles: WRITE, handler: createResource('hall') },
    { method: 'get', path: '/staff/funeral-homes/:id/halls/:rid', roles: WRITE, handler: editResourcePage('hall') },
    { method: 'post', path: '/staff/funeral-homes/:id/halls/:rid', roles: WRITE, handler: updateResource('hall') },
    { method: 'get', path: '/staff/funeral-homes/:id/closures/new', roles: WRITE, handler: newClosurePage },
    { method: 'post', path: '/staff/funeral-homes/:id/closures', roles: WRITE, handler: createClosure },
    {
      method: 'get',
      path: '/staff/funeral-homes/:id/closures/:cid/remove',
      roles: WRITE,
      handler: confirmRemoveClosure,
    },
    { method: 'post', path: '/staff/funeral-homes/:id/closures/:cid/remove', roles: WRITE, handler: removeClosure },
  ];
}

/** A closure's span for people: whole days as dates, otherwise date and time; clipped to `date` when given. */
export function closureSpan(
  c: { starts_at: string; ends_at: string },
  date?: string,
): { from: string; to: string; wholeDays: boolean; days?: string } {
  const wholeDays = timeOf(c.starts_at) === '00:00' && timeOf(c.ends_at) === '00:00';
  if (date) {
    const day = dayBounds(date);
    if (c.starts_at <= day.start && c.ends_at >= day.end) return { from: '', to: '', wholeDays: true };
    return {
      from: c.starts_at > day.start ? timeOf(c.starts_at) : '00:00',
      to: c.ends_at < day.end ? timeOf(c.ends_at) : '24:00',
      wholeDays: false,
    };
  }
  if (wholeDays) return { from: dateOf(c.starts_at), to: addDays(dateOf(c.ends_at), -1), wholeDays: true };
  return { from: c.starts_at, to: c.ends_at, wholeDays: false };
}
