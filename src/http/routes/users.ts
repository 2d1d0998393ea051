import { z } from 'zod';
import { createUser } from '../../services/users.js';
import { requireAdmin } from '../middleware/auth.js';
import { parseInput } from '../middleware/validate.js';
import { presentUser } from '../presenters.js';
import { githubUsername, timezone } from '../schemas.js';
import type { AppRouter } from '../types.js';

const createSchema = z.object({
  username: z.string().trim().toLowerCase().min(1, 'is required').max(80).regex(/^[a-z0-9._-]+$/, 'may contain letters, digits, dots, dashes and underscores'),
  email: z.string().trim().toLowerCase().email('must be an email address').max(255),
  password: z.string().min(8, 'must be at least 8 characters').max(1000),
  role: z.enum(['admin', 'user']).optional(),
  full_name: z.string().trim().max(200).optional(),
  timezone: timezone.optional(),
  github_username: z.union([githubUsername, z.null()]).optional(),
});

export function registerUserRoutes(router: AppRouter): void {
  router.post('/users', requireAdmin(), async (ctx) => {
    const body = parseInput(createSchema, ctx.request.body);
    const user = await createUser(body);
    ctx.status = 201;
    ctx.body = { ok: true, user: presentUser(user) };
  });
}
