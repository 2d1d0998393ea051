// POST /api/users: an admin of the standalone server creates an account (the host's own business;
// TimeTracker never creates users).
import Router from '@koa/router';
import { z } from 'zod';
import { adminOnly, unauthorized } from '../../errors.js';
import { githubUsername, timezone } from '../../validation/schemas.js';
import { parseInput } from '../../validation/validate.js';
import { createUser } from '../accounts.js';
import { currentUserId } from '../session.js';
import { StandaloneUser } from '../user.js';

const createSchema = z.object({
  username: z.string().trim().toLowerCase().min(1, 'is required').max(80).regex(/^[a-z0-9._-]+$/, 'may contain letters, digits, dots, dashes and underscores'),
  email: z.string().trim().toLowerCase().email('must be an email address').max(255),
  password: z.string().min(8, 'must be at least 8 characters').max(1000),
  role: z.enum(['admin', 'user']).optional(),
  full_name: z.string().trim().max(200).optional(),
  timezone: timezone.optional(),
  github_username: z.union([githubUsername, z.null()]).optional(),
});

const present = (u: StandaloneUser) => ({
  id: u.id,
  username: u.username,
  email: u.email,
  full_name: u.full_name,
  display_name: u.full_name || u.username,
  role: u.role,
  is_active: u.is_active,
  timezone: u.timezone,
  github_username: u.github_username,
});

export function registerUserRoutes(router: Router): void {
  router.post('/users', async (ctx) => {
    const id = currentUserId(ctx);
    const actor = id ? await StandaloneUser.findByPk(Number(id)) : null;
    if (!actor?.is_active) throw unauthorized();
    if (actor.role !== 'admin') throw adminOnly();
    const body = parseInput(createSchema, (ctx.request as { body?: unknown }).body);
    const user = await createUser(body);
    ctx.status = 201;
    ctx.body = { ok: true, user: present(user) };
  });
}
