// Manual time entries: the caller's own only. Unknown id → 404; someone else's → 403.
import { Op } from 'sequelize';
import { z } from 'zod';
import { forbidden, notFound, validation } from '../../errors.js';
import { TimeEntry, type User } from '../../models/index.js';
import { requireAllowedProject, requireTaskOfProject } from '../../services/access.js';
import { secondsBetween } from '../../services/time.js';
import { currentUser } from '../../web/auth.js';
import { parseInput } from '../../validation/validate.js';
import { presentEntry } from '../presenters.js';
import { formBool, id, isoInstant, optionalId } from '../../validation/schemas.js';
import type { AppRouter } from '../../web/types.js';

const notes = z.union([z.string().max(5000, 'must be at most 5000 characters'), z.null()]).optional();
const createSchema = z.object({
  project_id: id,
  task_id: optionalId,
  start_time: isoInstant,
  end_time: isoInstant,
  notes,
  billable: formBool.optional(),
});
const patchSchema = z
  .object({ project_id: id, task_id: optionalId, start_time: isoInstant, end_time: isoInstant, notes, billable: formBool })
  .partial()
  .strict();
const listSchema = z.object({
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

async function ownEntry(user: User, rawId: unknown): Promise<TimeEntry> {
  const entry = await TimeEntry.findByPk(parseInput(id, rawId, 'id'));
  if (!entry) throw notFound('Time entry not found');
  if (entry.user_id !== user.id) throw forbidden();
  return entry;
}

export function registerTimeEntryRoutes(router: AppRouter): void {
  router.get('/time-entries', async (ctx) => {
    const user = currentUser(ctx);
    const q = parseInput(listSchema, ctx.query);
    const start: Record<symbol, Date> = {};
    if (q.from) start[Op.gte] = q.from;
    if (q.to) start[Op.lt] = q.to;
    const where: Record<string, unknown> = { user_id: user.id };
    if (q.from || q.to) where.start_time = start;
    const entries = await TimeEntry.findAll({ where, order: [['start_time', 'DESC']], limit: q.limit ?? 500 });
    ctx.body = { ok: true, entries: entries.map(presentEntry) };
  });

  router.post('/time-entries', async (ctx) => {
    const user = currentUser(ctx);
    const body = parseInput(createSchema, ctx.request.body);
    if (body.end_time < body.start_time) throw validation('end_time', 'must not be before start_time');
    const project = await requireAllowedProject(user, body.project_id);
    await requireTaskOfProject(project.id, body.task_id);
    const entry = await TimeEntry.create({
      user_id: user.id,
      project_id: project.id,
      task_id: body.task_id ?? null,
      start_time: body.start_time,
      end_time: body.end_time,
      duration_seconds: secondsBetween(body.start_time, body.end_time),
      notes: body.notes ?? null,
      source: 'manual',
      billable: body.billable ?? project.billable,
      external_ref: null,
    });
    ctx.status = 201;
    ctx.body = { ok: true, entry: presentEntry(entry) };
  });

  router.patch('/time-entries/:id', async (ctx) => {
    const user = currentUser(ctx);
    const entry = await ownEntry(user, ctx.params.id);
    const body = parseInput(patchSchema, ctx.request.body);
    if (body.end_time && entry.end_time === null) {
      throw validation('end_time', 'this timer is still running; stop it with POST /api/timer/stop');
    }
    const projectId = body.project_id ?? entry.project_id;
    if (body.project_id !== undefined && body.project_id !== entry.project_id) await requireAllowedProject(user, projectId);
    const taskId = body.task_id !== undefined ? body.task_id : body.project_id !== undefined ? null : entry.task_id;
    await requireTaskOfProject(projectId, taskId);
    const start = body.start_time ?? entry.start_time;
    const end = body.end_time ?? entry.end_time;
    if (end && end < start) throw validation('end_time', 'must not be before start_time');
    entry.set({
      project_id: projectId,
      task_id: taskId ?? null,
      start_time: start,
      end_time: end,
      duration_seconds: end ? secondsBetween(start, end) : null,
      ...(body.notes !== undefined ? { notes: body.notes } : {}),
      ...(body.billable !== undefined ? { billable: body.billable } : {}),
    });
    await entry.save();
    ctx.body = { ok: true, entry: presentEntry(entry) };
  });

  router.delete('/time-entries/:id', async (ctx) => {
    const entry = await ownEntry(currentUser(ctx), ctx.params.id);
    await entry.destroy();
    ctx.body = { ok: true, deleted: entry.id };
  });
}
