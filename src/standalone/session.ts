// The standalone server's login session (koa-session, shared by its panel and its JSON API): the
// session holds `adminUser`, AdminJS's `currentAdmin`. TimeTracker learns the logged-in user from
// `currentUserId()` below, like it does from any host.
import type { Context, Middleware } from 'koa';
import { StandaloneUser } from './user.js';

export interface SessionUser {
  id: string;
  email: string;
  username: string;
  role: string;
  /** The attribute TimeTracker's panel reads to tell admins (users.isAdmin in docs/plugin.md). */
  is_admin: boolean;
  title?: string;
}

export function sessionUserOf(user: StandaloneUser): SessionUser {
  return {
    id: String(user.id),
    email: user.email,
    username: user.username,
    role: user.role,
    is_admin: user.role === 'admin',
    title: user.full_name || user.username,
  };
}

type SessionHolder = { session?: { adminUser?: SessionUser } | null };

/** For createTimeTrackerPlugin({ currentUserId }). */
export const currentUserId = (ctx: Context): string | null => (ctx as unknown as SessionHolder).session?.adminUser?.id ?? null;

/**
 * Runs before AdminJS, which trusts the session's copy of the user: a deactivated or deleted user's
 * session is logged out, and a changed role or name is written back to the session at once.
 */
export function refreshSessionUser(): Middleware {
  return async function refreshSession(ctx, next) {
    const session = (ctx as unknown as SessionHolder).session;
    const sessionUser = session?.adminUser;
    if (session && sessionUser?.id) {
      const user = await StandaloneUser.findByPk(Number(sessionUser.id));
      if (user?.is_active) {
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
