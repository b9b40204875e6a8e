// Login, logout, own password; admin pages for users and API tokens.
import type { Request, Response } from 'express';
import type { AppContext } from '../context.js';
import { facilityChoices } from '../facilities/service.js';
import { flash, idParam, safeNext, withForm } from '../http/forms.js';
import { NotFoundError } from '../http/errors.js';
import { pagination } from '../http/pagination.js';
import type { RouteDef } from '../http/routes.js';
import { destroySession, regenerateSession } from '../http/session.js';
import { parse } from '../http/validate.js';
import { everyone, roles } from './roles.js';
import {
  LoginInput,
  NewUserInput,
  OwnPasswordInput,
  PasswordResetInput,
  TokenInput,
  UserQuery,
  UserUpdateInput,
} from './schemas.js';
import * as accounts from './service.js';
import * as tokens from './tokens.js';

const PER_PAGE = 30;

export function accountRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;
  const ip = (req: Request) => req.ip ?? null;

  // ## Login
  function loginPage(req: Request, res: Response) {
    if (req.user) return res.redirect('/staff');
    res.render('accounts/login', { values: { next: req.query.next ?? '' }, bye: req.query.bye === '1' });
  }

  async function login(req: Request, res: Response) {
    const values = { username: String(req.body?.username ?? ''), next: String(req.body?.next ?? '') };
    await withForm(
      res,
      'accounts/login',
      () => ({ values }),
      async () => {
        const input = parse(LoginInput, req.body);
        const user = await accounts.authenticate(db, ctx.loginLimits, input.username, input.password, ip(req));
        // A new session id at every login: an id planted before it (session fixation) is worth nothing after.
        await regenerateSession(req);
        Object.assign(req.session, { userId: user.id, epoch: user.session_epoch, loginAt: ctx.clock.now() });
        await accounts.recordSignIn(db, user, 'login', ip(req));
        res.redirect(safeNext(values.next));
      },
    );
  }

  async function logout(req: Request, res: Response) {
    if (req.user) await accounts.recordSignIn(db, req.user, 'logout', ip(req));
    if (req.session) await destroySession(req);
    res.redirect('/login?bye=1');
  }

  // ## Own account
  function accountPage(req: Request, res: Response) {
    res.render('accounts/account', { values: {} });
  }

  async function changeOwnPassword(req: Request, res: Response) {
    await withForm(
      res,
      'accounts/account',
      () => ({ values: {} }),
      async () => {
        const input = parse(OwnPasswordInput, req.body);
        const epoch = await accounts.changeOwnPassword(db, req.user!, input, ip(req));
        // Every session of the user has ended; this one goes on under a new id with the new epoch.
        const { userId, loginAt } = req.session;
        await regenerateSession(req);
        Object.assign(req.session, { userId, loginAt, epoch });
        flash(req, 'flash.password_changed');
        res.redirect('/staff/account');
      },
    );
  }

  // ## Users (admin)
  const formOptions = async () => ({ roles, facilities: await facilityChoices(db) });

  async function listUsers(req: Request, res: Response) {
    const q = parse(UserQuery, req.query);
    const { rows, total } = await accounts.listUsers(db, { ...q, perPage: PER_PAGE }, ctx.config.login.maxFailures);
    res.render('accounts/users', { rows, query: q, roles, pager: pagination(req, q.page, PER_PAGE, total) });
  }

  async function newUserPage(req: Request, res: Response) {
    res.render('accounts/user-new', { values: { role: 'front_desk' }, ...(await formOptions()) });
  }

  async function createUser(req: Request, res: Response) {
    await withForm(
      res,
      'accounts/user-new',
      async () => ({ values: req.body, ...(await formOptions()) }),
      async () => {
        const input = parse(NewUserInput, req.body);
        const id = await accounts.createUser(db, req.user!, input, ip(req));
        flash(req, 'flash.user_created', { username: input.username });
        res.redirect(`/staff/users/${id}`);
      },
    );
  }

  const loadUser = (req: Request) => accounts.getUser(db, idParam(req), ctx.config.login.maxFailures);

  async function userPage(req: Request, res: Response) {
    const user = await loadUser(req);
    res.render('accounts/user-edit', { user, values: user, ...(await formOptions()) });
  }

  async function updateUser(req: Request, res: Response) {
    const user = await loadUser(req);
    await withForm(
      res,
      'accounts/user-edit',
      async () => ({ user, values: { ...req.body, username: user.username }, ...(await formOptions()) }),
      async () => {
        const input = parse(UserUpdateInput, req.body);
        await accounts.updateUser(db, req.user!, user.id, input, ip(req));
        flash(req, 'flash.user_updated', { username: user.username });
        res.redirect(`/staff/users/${user.id}`);
      },
    );
  }

  async function resetPassword(req: Request, res: Response) {
    const user = await loadUser(req);
    await withForm(
      res,
      'accounts/user-edit',
      async () => ({ user, values: user, ...(await formOptions()), resetErrors: true }),
      async () => {
        const input = parse(PasswordResetInput, req.body);
        await accounts.resetPassword(db, req.user!, user.id, input, ip(req));
        flash(req, 'flash.password_reset', { username: user.username });
        res.redirect(`/staff/users/${user.id}`);
      },
    );
  }

  // ## API tokens (admin)
  const tokenPageData = async (values: object = {}) => ({
    tokens: await tokens.listTokens(db),
    users: await accounts.allUsers(db),
    values,
  });

  async function listTokens(req: Request, res: Response) {
    res.render('accounts/tokens', await tokenPageData());
  }

  async function createToken(req: Request, res: Response) {
    await withForm(
      res,
      'accounts/tokens',
      () => tokenPageData(req.body),
      async () => {
        const input = parse(TokenInput, req.body);
        const { token } = await tokens.createToken(db, req.user!, input.user_id, input.label, ip(req));
        // Shown once, never stored: the page is not cached and the value is not put in a flash.
        res.set('Cache-Control', 'no-store');
        res.status(201).render('accounts/token-created', { token, label: input.label });
      },
    );
  }

  async function confirmRevoke(req: Request, res: Response) {
    const token = (await tokens.listTokens(db)).find((t) => t.id === idParam(req) && !t.revoked_at);
    if (!token) throw new NotFoundError();
    res.render('accounts/token-revoke', { token });
  }

  async function revokeToken(req: Request, res: Response) {
    await tokens.revokeToken(db, req.user!, idParam(req), ip(req));
    flash(req, 'flash.token_revoked');
    res.redirect('/staff/tokens');
  }

  // ## API: who am I (checks a token)
  function me(req: Request, res: Response) {
    const u = req.user!;
    res.json({
      id: u.id,
      username: u.username,
      display_name: u.display_name,
      role: u.role,
      facility_id: u.facility_id,
      region_code: u.region_code,
    });
  }

  return [
    { method: 'get', path: '/api/v1/me', roles: everyone, handler: me },
    { method: 'get', path: '/login', roles: 'public', handler: loginPage },
    { method: 'post', path: '/login', roles: 'public', handler: login },
    { method: 'post', path: '/logout', roles: 'public', handler: logout },
    {
      method: 'get',
      path: '/staff/account',
      roles: everyone,
      handler: accountPage,
    },
    {
      method: 'post',
      path: '/staff/account/password',
      roles: everyone,
      handler: changeOwnPassword,
    },
    { method: 'get', path: '/staff/users', roles: ['admin'], handler: listUsers },
    { method: 'get', path: '/staff/users/new', roles: ['admin'], handler: newUserPage },
    { method: 'post', path: '/staff/users', roles: ['admin'], handler: createUser },
    { method: 'get', path: '/staff/users/:id', roles: ['admin'], handler: userPage },
    { method: 'post', path: '/staff/users/:id', roles: ['admin'], handler: updateUser },
    { method: 'post', path: '/staff/users/:id/password', roles: ['admin'], handler: resetPassword },
    { method: 'get', path: '/staff/tokens', roles: ['admin'], handler: listTokens },
    { method: 'post', path: '/staff/tokens', roles: ['admin'], handler: createToken },
    { method: 'get', path: '/staff/tokens/:id/revoke', roles: ['admin'], handler: confirmRevoke },
    { method: 'post', path: '/staff/tokens/:id/revoke', roles: ['admin'], handler: revokeToken },
  ];
}
