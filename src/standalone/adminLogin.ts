// The AdminJS form login (POST {rootPath}/login), answered here instead of by @adminjs/koa.
//
// The adapter's own handler calls `ctx.session.save()` without awaiting it. With a session store
// that save finishes after the redirect has been written and then sets the cookie header on a sent
// response: Node throws ERR_HTTP_HEADERS_SENT from a promise nobody handles, which ended the whole
// process whenever the store was slower than the response (a client that hung up made it likely).
// Here the session is changed and left to koa-session's middleware, which commits it (store write
// and cookie) before the response is written, awaited like any other middleware step.
import type AdminJS from 'adminjs';
import type { Middleware } from 'koa';
import formidableMiddleware from 'koa2-formidable';
import type { Sequelize } from 'sequelize';
import { isAppError } from '../errors.js';
import { authenticate, loginBlockedForAddress } from './login.js';
import { sessionUserOf } from './session.js';

/** AdminJS shows its own translation of this key on the login page. */
const INVALID_CREDENTIALS = 'invalidCredentials';

export interface AdminLoginOptions {
  sequelize: Sequelize;
  /** koa2-formidable options (the same parser and limits as the rest of the panel). */
  formOptions: Record<string, unknown>;
}

type LoginSession = { adminUser?: unknown; redirectTo?: unknown; regenerate(): Promise<void> };

/** Where to go after login: the page the user asked for, if it is one of the panel's own. */
function landing(redirectTo: unknown, rootPath: string): string {
  if (typeof redirectTo !== 'string') return rootPath;
  const inPanel = redirectTo === rootPath || redirectTo.startsWith(`${rootPath}/`);
  return inPanel && !redirectTo.startsWith('//') && !/[\\\r\n]/.test(redirectTo) ? redirectTo : rootPath;
}

export function adminFormLogin(admin: AdminJS, opts: AdminLoginOptions): Middleware {
  const { loginPath, rootPath } = admin.options;
  const parseForm = formidableMiddleware(opts.formOptions);
  const renderFailure = async () => admin.renderLogin({ action: loginPath, errorMessage: INVALID_CREDENTIALS });

  return async function adminFormLogin(ctx, next) {
    if (ctx.method !== 'POST' || ctx.path !== loginPath) return next();
    // The panel login shares the login rate limit: refuse early when the client is blocked.
    const wait = await loginBlockedForAddress(opts.sequelize, ctx.ip);
    if (wait > 0) {
      ctx.status = 429;
      ctx.set('Retry-After', String(wait));
      ctx.body = `Too many failed login attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`;
      return;
    }
    await parseForm(ctx, async () => undefined);
    const form = (ctx.request as { body?: Record<string, unknown> }).body ?? {};
    let user;
    try {
      user = await authenticate(String(form.email ?? ''), String(form.password ?? ''), ctx.ip ?? 'unknown');
    } catch (err) {
      if (!isAppError(err)) throw err;
      user = null;
    }
    if (!user) {
      ctx.body = await renderFailure();
      return;
    }
    const session = ctx.session as unknown as LoginSession | null;
    if (!session) throw new Error('koa-session is not installed in front of the panel login');
    const redirectTo = session.redirectTo;
    // A fresh session id at login: a cookie planted before login never becomes a logged-in one.
    await session.regenerate();
    (ctx.session as unknown as LoginSession).adminUser = sessionUserOf(user);
    ctx.redirect(landing(redirectTo, rootPath));
  };
}
