// The week timesheet: one user's seconds per project/task and local day (Monday to Sunday).
// Whose week and in which time zone follow the reports' rules: users see their own, admins may
// name a user with user_id; the days are the requesting user's local days.
import { z } from 'zod';
import type { User } from '../../models/index.js';
import { reportUserId } from '../../services/reports.js';
import { weekTimesheet } from '../../services/timesheet.js';
import { currentUser } from '../../web/auth.js';
import { parseInput } from '../../validation/validate.js';
import { id, localDay } from '../../validation/schemas.js';
import type { AppRouter } from '../../web/types.js';

const weekSchema = z.object({ week: localDay.optional(), user_id: id.optional() });

/** The week's owner: the caller, or (admins only) the user named by user_id. */
async function weekOwner(user: User, requested: number | undefined): Promise<number> {
  return (await reportUserId(user, requested)) ?? user.id;
}

export function registerTimesheetRoutes(router: AppRouter): void {
  router.get('/timesheet', async (ctx) => {
    const user = currentUser(ctx);
    const q = parseInput(weekSchema, ctx.query);
    const userId = await weekOwner(user, q.user_id);
    const week = await weekTimesheet({ userId, timeZone: user.timezone || 'UTC', week: q.week, now: new Date() });
    ctx.body = { ok: true, user_id: userId, ...week };
  });
}
