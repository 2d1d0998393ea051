// Who is calling: the host says which of its users is logged in (`currentUserId`, e.g. from its
// session); the user is loaded on every request, so deactivation and admin changes take effect at once.
import type { Context, Middleware } from 'koa';
import { adminOnly, unauthorized } from '../errors.js';
import { User } from '../models/index.js';
import type { AppContextExtras, AppState } from './types.js';

/** The host's answer to "who is logged in on this request": a user id, or null/undefined for nobody. */
export type CurrentUserId = (ctx: Context) => number | string | null | undefined | Promise<number | string | null | undefined>;

/** Sets `ctx.state.user` to the logged-in, active host user, if any. */
export function loadUser(currentUserId: CurrentUserId): Middleware<AppState, AppContextExtras> {
  return async function loadCurrentUser(ctx, next) {
    if (!ctx.state.user) {
      const raw = await currentUserId(ctx as unknown as Context);
      const id = raw === null || raw === undefined || raw === '' ? NaN : Number(raw);
      if (Number.isSafeInteger(id) && id > 0) {
        const user = await User.findByPk(id);
        if (user?.is_active) ctx.state.user = user;
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
    if (!ctx.state.user.isAdmin) throw adminOnly();
    await next();
  };
}

/** The logged-in user inside a route that sits behind requireAuth(). */
export function currentUser(ctx: { state: AppState }): User {
  if (!ctx.state.user) throw unauthorized();
  return ctx.state.user;
}
