// Fee waiver pages: the policies (list, create, edit into a new version, versions), the group lists (preview, import,
// progress), and a case's declarations at intake (the case page shows the waiver through cases/routes.ts).
import type { Request, Response } from 'express';
import type { Role } from '../accounts/roles.js';
import type { AppContext } from '../context.js';
import { AppError, ForbiddenError } from '../http/errors.js';
import { flash, idParam, withForm } from '../http/forms.js';
import { noStore, type RouteDef } from '../http/routes.js';
import { parse } from '../http/validate.js';
import { basicKinds } from '../prices/schemas.js';
import { todayInShanghai } from '../time.js';
import { matchKinds } from './kinds.js';
import * as caseWaivers from './case-service.js';
import { claimRoutes } from './claim-routes.js';
import * as lists from './list-service.js';
import * as policies from './policy-service.js';
import { DeclarationInput, ListImportInput, PolicyInput } from './schemas.js';

/** Everyone who deals with waivers reads the policies; the bureaus and the administrator keep them. */
const READ: Role[] = ['admin', 'bureau', 'county_bureau', 'front_desk'];
const KEEP: Role[] = ['admin', 'bureau', 'county_bureau'];
/** Declarations are a case's: who may change the case decides (the front desk of its home, the administrator). */
const CASES: Role[] = ['admin', 'bureau', 'front_desk', 'cemetery_staff'];
const ITEM_ROWS = 6;

const fenToYuan = (fen: number | null | undefined) =>
  fen === null || fen === undefined ? '' : (fen / 100).toFixed(2).replace(/\.00$/, '');

type Body = Record<string, unknown>;

/** The policy form's flat fields (group_<code>, match_by_<n> …) as the schema's shape. */
function policyBody(body: Body) {
  const groups = Object.keys(body)
    .filter((k) => k.startsWith('group_') && k !== 'group_code' && body[k])
    .map((k) => k.slice('group_'.length));
  const items = Array.from({ length: ITEM_ROWS * 2 }, (_, n) => ({
    match_by: body[`match_by_${n}`],
    match_value: body[`match_value_${n}`],
    cap_fen: body[`cap_${n}`],
    quantity_cap: body[`quantity_cap_${n}`],
  })).filter((i) => i.match_value !== undefined);
  return { ...body, groups, items };
}

/** A version as the form's values. */
function versionValues(v?: {
  name: string;
  valid_from: string;
  valid_to: string | null;
  total_cap_fen: number | null;
  green_reward_fen: number;
  note: string | null;
  groups: string[];
  items: { match_by: string; match_value: string; cap_fen: number | null; quantity_cap: number | null }[];
  version?: number;
}) {
  const items = (v?.items ?? []).map((i) => ({
    match_by: i.match_by,
    match_value: i.match_value,
    cap: fenToYuan(i.cap_fen),
    quantity_cap: i.quantity_cap ?? '',
  }));
  while (items.length < ITEM_ROWS) items.push({ match_by: 'basic_kind', match_value: '', cap: '', quantity_cap: '' });
  return {
    name: v?.name ?? '',
    valid_from: v?.valid_from ?? todayInShanghai(),
    valid_to: v?.valid_to ?? '',
    effective_from: '',
    total_cap: fenToYuan(v?.total_cap_fen),
    green_reward: v?.green_reward_fen ? fenToYuan(v.green_reward_fen) : '',
    note: v?.note ?? '',
    groups: v?.groups ?? [],
    items,
    base_version: v?.version ?? '',
  };
}

/** Values as posted, for the form shown again with its messages. */
function postedValues(body: Body) {
  const b = policyBody(body);
  const items = b.items.map((i) => ({
    match_by: i.match_by,
    match_value: i.match_value,
    cap: i.cap_fen,
    quantity_cap: i.quantity_cap,
  }));
  while (items.length < ITEM_ROWS) items.push({ match_by: 'basic_kind', match_value: '', cap: '', quantity_cap: '' });
  return { ...body, groups: b.groups, items, total_cap: body.total_cap_fen, green_reward: body.green_reward_fen };
}

export function waiverRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const ip = (req: Request) => req.ip ?? null;

  const formData = async (extra: object) => ({
    groups: await policies.groups(db),
    matchKinds,
    basicKinds,
    ...extra,
  });

  // ## Policies
  async function index(req: Request, res: Response) {
    const list = await policies.listPolicies(db, req.user!);
    res.render('waivers/index', { policies: list, keeper: KEEP.includes(req.user!.role) });
  }

  async function newForm(req: Request, res: Response) {
    res.render(
      'waivers/form',
      await formData({ values: { ...versionValues(), region_code: req.user!.region_code ?? '' } }),
    );
  }

  async function create(req: Request, res: Response) {
    const body = (req.body ?? {}) as Body;
    await withForm(
      res,
      'waivers/form',
      () => formData({ values: postedValues(body) }),
      async () => {
        const input = parse(PolicyInput, policyBody(body));
        const id = await policies.createPolicy(db, req.user!, input, ip(req));
        flash(req, 'flash.waiver_policy_created');
        res.redirect(`/staff/waivers/${id}`);
      },
    );
  }

  async function show(req: Request, res: Response) {
    const page = await policies.policyPage(db, req.user!, idParam(req));
    res.render('waivers/show', { ...page, groups: await policies.groups(db) });
  }

  async function editForm(req: Request, res: Response) {
    const page = await policies.policyPage(db, req.user!, idParam(req));
    if (!page.writable) throw new ForbiddenError();
    res.render('waivers/form', await formData({ policy: page.policy, values: versionValues(page.latest) }));
  }

  async function edit(req: Request, res: Response) {
    const id = idParam(req);
    const page = await policies.policyPage(db, req.user!, id);
    const body = (req.body ?? {}) as Body;
    await withForm(
      res,
      'waivers/form',
      () => formData({ policy: page.policy, values: postedValues(body) }),
      async () => {
        const input = parse(PolicyInput, policyBody(body));
        const n = await policies.editPolicy(db, req.user!, id, input, ip(req));
        flash(req, 'flash.waiver_policy_versioned', { n });
        res.redirect(`/staff/waivers/${id}`);
      },
    );
  }

  // ## Group lists
  const listsData = async (req: Request, extra: object = {}) => ({
    groups: (await policies.groups(db)).filter((g) => !g.all_residents),
    imports: await lists.imports(db, req.user!),
    ...extra,
  });

  async function listsPage(req: Request, res: Response) {
    res.render('waivers/lists', await listsData(req, { values: { group_code: 'dibao' } }));
  }

  async function importList(req: Request, res: Response) {
    const body = (req.body ?? {}) as Body;
    await withForm(
      res,
      'waivers/lists',
      () => listsData(req, { values: body }),
      async () => {
        const input = parse(ListImportInput, body);
        if (!input.confirm) {
          const preview = await lists.previewList(db, req.user!, input.group_code, input.csv);
          res.render('waivers/preview', { preview, values: input, bad: preview.errors.length + preview.more });
          return;
        }
        const id = await lists.importList(db, req.user!, input, ip(req));
        const done = await lists.findImport(db, req.user!, id);
        flash(req, 'flash.waiver_list_imported', { added: done.rows_added });
        res.redirect('/staff/waivers/lists');
      },
    );
  }

  // ## A case's declarations (on the case page)
  /** Runs a change of the case's declarations; a refusal (bad input, closed case) comes back as the page's message. */
  async function onCase(req: Request, res: Response, fn: (caseId: number) => Promise<void>, done: string) {
    const caseId = idParam(req);
    try {
      await fn(caseId);
      flash(req, done);
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500 || err.status === 403 || err.status === 404) throw err;
      const field = Object.values(err.fields)[0];
      flash(req, field?.key ?? `errors.${err.code}`, field?.params, 'error');
    }
    res.redirect(`/staff/cases/${caseId}#waivers`);
  }

  const declare = (req: Request, res: Response) =>
    onCase(
      req,
      res,
      (caseId) => caseWaivers.declare(db, req.user!, caseId, parse(DeclarationInput, req.body ?? {}), ip(req)),
      'flash.waiver_declared',
    );

  const withdraw = (req: Request, res: Response) =>
    onCase(
      req,
      res,
      (caseId) => caseWaivers.withdrawDeclaration(db, req.user!, caseId, String(req.params.group), ip(req)),
      'flash.waiver_withdrawn',
    );

  return [
    // ## Claims and settlement (claim-routes.ts), before /staff/waivers/:id
    ...claimRoutes(ctx),
    // ## Policies (the bureaus keep them; the front desk reads them)
    { method: 'get', path: '/staff/waivers', roles: READ, handler: index },
    { method: 'get', path: '/staff/waivers/new', roles: KEEP, handler: newForm },
    { method: 'post', path: '/staff/waivers', roles: KEEP, handler: create },
    // ## Group lists (低保/特困 名单), before /:id
    { method: 'get', path: '/staff/waivers/lists', roles: KEEP, before: [noStore], handler: listsPage },
    { method: 'post', path: '/staff/waivers/lists', roles: KEEP, before: [noStore], handler: importList },
    { method: 'get', path: '/staff/waivers/:id', roles: READ, handler: show },
    { method: 'get', path: '/staff/waivers/:id/edit', roles: KEEP, handler: editForm },
    { method: 'post', path: '/staff/waivers/:id', roles: KEEP, handler: edit },
    // ## Declarations of a case
    { method: 'post', path: '/staff/cases/:id/waivers/declarations', roles: CASES, handler: declare },
    {
      method: 'post',
      path: '/staff/cases/:id/waivers/declarations/:group/delete',
      roles: CASES,
      handler: withdraw,
    },
  ];
}
