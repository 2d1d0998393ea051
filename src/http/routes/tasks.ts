import { Op } from 'sequelize';
import { z } from 'zod';
import { Task } from '../../models/index.js';
import { allowedProjectIds, requireAllowedProject } from '../../services/access.js';
import { currentUser } from '../../web/auth.js';
import { parseInput } from '../../validation/validate.js';
import { presentTask } from '../presenters.js';
import { id } from '../../validation/schemas.js';
import type { AppRouter } from '../../web/types.js';

const querySchema = z.object({
  project_id: id.optional(),
  external_ref: z.string().trim().min(1).max(200).optional(),
  status: z.enum(['todo', 'in_progress', 'review', 'done', 'cancelled']).optional(),
});

export function registerTaskRoutes(router: AppRouter): void {
  router.get('/tasks', async (ctx) => {
    const user = currentUser(ctx);
    const q = parseInput(querySchema, ctx.query);
    const where: Record<string | symbol, unknown> = {};
    if (q.project_id) {
      await requireAllowedProject(user, q.project_id, { requireActive: false });
      where.project_id = q.project_id;
    } else {
      const ids = await allowedProjectIds(user);
      if (ids !== 'all') where.project_id = { [Op.in]: ids };
    }
    if (q.external_ref) where.external_ref = q.external_ref;
    if (q.status) where.status = q.status;
    const tasks = await Task.findAll({ where, order: [['id', 'ASC']], limit: 1000 });
    ctx.body = { ok: true, tasks: tasks.map(presentTask) };
  });
}
