import { z } from 'zod';
import { badRequest, invalidFields } from '../../errors.js';
import { MAX_HOURS, thresholdProblem } from '../../services/runawaySettings.js';
import { currentUser } from '../../web/auth.js';
import { checkInput } from '../../validation/validate.js';
import { presentMe } from '../presenters.js';
import { githubUsername, timezone } from '../../validation/schemas.js';
import type { AppRouter } from '../../web/types.js';

const hours = (min: number) =>
  z.number({ invalid_type_error: 'must be a number' }).int('must be a whole number of hours').min(min, `must be at least ${min}`).max(MAX_HOURS, `must be at most ${MAX_HOURS}`);

const patchSchema = z
  .object({
    full_name: z.union([z.string().trim().max(200, 'must be at most 200 characters'), z.null()]).optional(),
    timezone: timezone.optional(),
    github_username: z.union([githubUsername, z.literal(''), z.null()]).optional(),
    /** Hours before the Slack "still working?" reminder. */
    remind_after_hours: hours(1).optional(),
    /** Hours before a running timer is stopped automatically; 0 = never. */
    auto_stop_after_hours: hours(0).optional(),
  })
  .strict();

type Patch = z.infer<typeof patchSchema>;

/** Every problem at once: the schema's, and the reminder/auto-stop rule against the values the user would end up with. */
function validatePatch(user: ReturnType<typeof currentUser>, body: unknown): Patch {
  const checked = checkInput(patchSchema, body);
  const fields = checked.ok ? {} : { ...checked.fields };
  if (!checked.ok && Object.keys(fields).length === 0) throw badRequest(checked.general[0] ?? 'Invalid input');
  const given = (checked.ok ? checked.data : {}) as Patch;
  if (!fields.remind_after_hours && !fields.auto_stop_after_hours) {
    const raw = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const remind = typeof raw.remind_after_hours === 'number' ? raw.remind_after_hours : user.remind_after_hours;
    const autoStop = typeof raw.auto_stop_after_hours === 'number' ? raw.auto_stop_after_hours : user.auto_stop_after_hours;
    const problem = thresholdProblem(remind, autoStop);
    if (problem) fields.remind_after_hours = problem;
  }
  if (Object.keys(fields).length > 0) throw invalidFields(fields);
  return given;
}

export function registerMeRoutes(router: AppRouter): void {
  // Who is logged in (also under /auth/me, where clients of the standalone server look for it).
  router.get(['/me', '/auth/me'], async (ctx) => {
    ctx.body = { ok: true, user: presentMe(currentUser(ctx)) };
  });

  router.patch('/me', async (ctx) => {
    const user = currentUser(ctx);
    const body = validatePatch(user, ctx.request.body);
    if (body.full_name !== undefined) user.full_name = body.full_name || null;
    if (body.timezone !== undefined) user.timezone = body.timezone;
    if (body.github_username !== undefined) user.github_username = body.github_username || null;
    if (body.remind_after_hours !== undefined) user.remind_after_hours = body.remind_after_hours;
    if (body.auto_stop_after_hours !== undefined) user.auto_stop_after_hours = body.auto_stop_after_hours;
    await user.save();
    ctx.body = { ok: true, user: presentMe(user) };
  });
}
