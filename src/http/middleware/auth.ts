// Who is calling: the session (shared by AdminJS and the JSON API) holds `adminUser.id`; the user
// is reloaded on every request so deactivation and role changes take effect at once.
import type { Middleware } from 'koa';
import { adminOnly, unauthorized } from '../../errors.js';
import { User } from '../../models/index.js';
import type { AppContextExtras, AppState } from '../types.js';

export interface SessionUser {
  id: string;
  email: string;
  username: string;
  role: string;
  title?: string;
}

export function sessionUserOf(user: User): SessionUser {
  return { id: String(user.id), email: user.email, username: user.username, role: user.role, title: user.full_name || user.username };
}

/**
 * Runs before AdminJS, which trusts the session's copy of the user: a deactivated or deleted user's
 * session is logged out, and a changed role or name is written back to the session at once.
 */
export function loadUser(): Middleware<AppState, AppContextExtras> {
  return async function loadSessionUser(ctx, next) {
    const session = ctx.session as { adminUser?: SessionUser } | null;
    const sessionUser = session?.adminUser;
    if (session && sessionUser?.id) {
      const user = await User.findByPk(Number(sessionUser.id));
      if (user?.is_active) {
        ctx.state.user = user;
        const fresh = sessionUserOf(user);
        if ((Object.keys(fresh) as Array<keyof SessionUser>).some((k) => fresh[k] !== sessionUser[k])) {
          session.adminUser = { ...sessionUser, ...fresh };
        }
      } else {
        delete session.adminUser;
      }
    }
    await next();
  };
}

export function requireAuth(): Middleware<AppState, AppContextExtras> {
  return async function mustBeLoggedIn(ctx, next) {
    if (!ctx.state.user) throw unauthorized();
    await next();
  };
}

export function requireAdmin(): Middleware<AppState, AppContextExtras> {
  return async function mustBeAdmin(ctx, next) {
    if (!ctx.state.user) throw unauthorized();
    if (ctx.state.user.role !== 'admin') throw adminOnly();
    await next();
  };
}

/** The logged-in user inside a route that sits behind requireAuth(). */
export function currentUser(ctx: { state: AppState }): User {
  if (!ctx.state.user) throw unauthorized();
  return ctx.state.user;
}
