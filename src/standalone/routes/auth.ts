// The standalone server's JSON login: POST /api/auth/login and /api/auth/logout. The same session
// as the panel; `GET /api/auth/me` is TimeTracker's (it answers for any host).
import Router from '@koa/router';
import { z } from 'zod';
import { unauthorized } from '../../errors.js';
import { parseInput } from '../../validation/validate.js';
import { authenticate, INVALID_CREDENTIALS } from '../login.js';
import { sessionUserOf } from '../session.js';

const loginSchema = z.object({
  email: z.string().trim().min(1, 'is required').max(255).optional(),
  username: z.string().trim().min(1).max(255).optional(),
  password: z.string({ required_error: 'is required' }).min(1, 'is required').max(1000),
}).refine((v) => v.email || v.username, { message: 'is required', path: ['email'] });

export function registerAuthRoutes(router: Router): void {
  router.post('/auth/login', async (ctx) => {
    const body = parseInput(loginSchema, (ctx.request as { body?: unknown }).body);
    const user = await authenticate(body.email ?? body.username!, body.password, ctx.ip);
    if (!user) throw unauthorized(INVALID_CREDENTIALS);
    // A fresh session id on login (no session fixation): koa-session keeps the current id when a
    // session is replaced, so regenerate() drops the old one and saves under a new id.
    const session = ctx.session!;
    for (const key of Object.keys(session.toJSON())) delete session[key];
    session.adminUser = sessionUserOf(user);
    await session.regenerate();
    ctx.body = { ok: true, user: { id: user.id, username: user.username, role: user.role } };
  });

  router.post('/auth/logout', async (ctx) => {
    ctx.session = null;
    ctx.body = { ok: true };
  });
}
