import { z } from 'zod';
import { currentUser } from '../../web/auth.js';
import { parseInput } from '../../validation/validate.js';
import { presentUser } from '../presenters.js';
import { githubUsername, timezone } from '../../validation/schemas.js';
import type { AppRouter } from '../../web/types.js';

const patchSchema = z
  .object({
    full_name: z.union([z.string().trim().max(200, 'must be at most 200 characters'), z.null()]).optional(),
    timezone: timezone.optional(),
    github_username: z.union([githubUsername, z.literal(''), z.null()]).optional(),
  })
  .strict();

export function registerMeRoutes(router: AppRouter): void {
  // Who is logged in (also under /auth/me, where clients of the standalone server look for it).
  router.get(['/me', '/auth/me'], async (ctx) => {
    ctx.body = { ok: true, user: presentUser(currentUser(ctx)) };
  });

  router.patch('/me', async (ctx) => {
    const user = currentUser(ctx);
    const body = parseInput(patchSchema, ctx.request.body);
    if (body.full_name !== undefined) user.full_name = body.full_name || null;
    if (body.timezone !== undefined) user.timezone = body.timezone;
    if (body.github_username !== undefined) user.github_username = body.github_username || null;
    await user.save();
    ctx.body = { ok: true, user: presentUser(user) };
  });
}
