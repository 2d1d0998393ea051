import { z } from 'zod';
import { Project, Task } from '../../models/index.js';
import { todaySummary } from '../../services/summary.js';
import { recentPairs } from '../../services/recent.js';
import { acknowledgeAutoStop, unseenAutoStop } from '../../services/runawayTimers.js';
import { activeEntry, runningSeconds, startTimer, stopTimer, switchTimer } from '../../services/timer.js';
import { currentUser } from '../../web/auth.js';
import { parseInput } from '../../validation/validate.js';
import { presentEntry } from '../presenters.js';
import { formBool, id, optionalId } from '../../validation/schemas.js';
import type { AppRouter } from '../../web/types.js';

const startSchema = z.object({
  project_id: id,
  task_id: optionalId,
  notes: z.union([z.string().max(5000, 'must be at most 5000 characters'), z.null()]).optional(),
  /** Default: the project's `billable`. */
  billable: formBool.optional(),
});

export function registerTimerRoutes(router: AppRouter): void {
  router.post('/timer/start', async (ctx) => {
    const body = parseInput(startSchema, ctx.request.body);
    const entry = await startTimer(currentUser(ctx), { ...body, source: 'timer' });
    ctx.status = 201;
    ctx.body = { ok: true, entry: presentEntry(entry) };
  });

  // Stop (if anything runs) and start in one transaction; a refused start leaves the old timer running.
  router.post('/timer/switch', async (ctx) => {
    const body = parseInput(startSchema, ctx.request.body);
    const { stopped, started } = await switchTimer(currentUser(ctx), { ...body, source: 'timer' });
    ctx.status = 201;
    ctx.body = { ok: true, stopped: stopped ? presentEntry(stopped) : null, entry: presentEntry(started) };
  });

  router.get('/timer/recent', async (ctx) => {
    const recent = await recentPairs(currentUser(ctx), 5);
    ctx.body = { ok: true, recent };
  });

  router.post('/timer/stop', async (ctx) => {
    const entry = await stopTimer(currentUser(ctx));
    ctx.body = { ok: true, entry: presentEntry(entry) };
  });

  router.get('/timer/status', async (ctx) => {
    const userId = currentUser(ctx).id;
    const [entry, autoStopped] = await Promise.all([activeEntry(userId), unseenAutoStop(userId)]);
    // The newest auto-stopped entry of the last 24 h whose banner was not dismissed, or null.
    const auto_stopped_entry = autoStopped
      ? { id: autoStopped.id, project_name: autoStopped.project_name, duration_seconds: autoStopped.duration_seconds, end_time: autoStopped.end_time }
      : null;
    if (!entry) {
      ctx.body = { ok: true, active: false, auto_stopped_entry };
      return;
    }
    const [project, task] = await Promise.all([
      Project.findByPk(entry.project_id),
      entry.task_id ? Task.findByPk(entry.task_id) : null,
    ]);
    ctx.body = {
      ok: true,
      active: true,
      entry: {
        ...presentEntry(entry),
        project_name: project?.name ?? null,
        task_name: task?.name ?? null,
        elapsed_seconds: runningSeconds(entry),
      },
      auto_stopped_entry,
    };
  });

  // Dismisses the dashboard's "stopped automatically" banner for that entry.
  router.post('/timer/auto-stopped/:id/ack', async (ctx) => {
    const entryId = parseInput(id, ctx.params.id, 'id');
    await acknowledgeAutoStop(currentUser(ctx).id, entryId);
    ctx.body = { ok: true };
  });

  router.get('/summary/today', async (ctx) => {
    const s = await todaySummary(currentUser(ctx));
    ctx.body = { ok: true, hours: s.hours, projects: s.projects };
  });
}
