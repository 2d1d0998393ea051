import { UniqueConstraintError } from 'sequelize';
import { z } from 'zod';
import { notFound, validation } from '../../errors.js';
import { db, Project, ProjectMember, User } from '../../models/index.js';
import { listAllowedProjects } from '../../services/access.js';
import { projectsLastUsed } from '../../services/recent.js';
import { currentUser, requireAdmin } from '../../web/auth.js';
import { parseInput } from '../../validation/validate.js';
import { presentProject } from '../presenters.js';
import { formBool, id } from '../../validation/schemas.js';
import type { AppRouter } from '../../web/types.js';

const createSchema = z.object({
  name: z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  status: z.enum(['active', 'inactive', 'archived']).optional(),
  billable: formBool.optional(),
  member_ids: z.array(id).max(1000).optional(),
});
const memberSchema = z.object({ user_id: id });
const listQuery = z.object({ order: z.enum(['name', 'recent'], { errorMap: () => ({ message: 'must be name or recent' }) }).optional() });

export function registerProjectRoutes(router: AppRouter): void {
  router.get('/projects', async (ctx) => {
    const activeOnly = ctx.query.status === 'active';
    const { order } = parseInput(listQuery, { order: ctx.query.order });
    const user = currentUser(ctx);
    const projects = await listAllowedProjects(user, { activeOnly });
    if (order !== 'recent') {
      ctx.body = { ok: true, projects: projects.map(presentProject) };
      return;
    }
    // ?order=recent: the caller's most recently used projects first (own entries), then by name.
    const lastUsed = await projectsLastUsed(user);
    const at = (p: { id: number }) => lastUsed.get(p.id)?.getTime() ?? 0;
    const sorted = [...projects].sort((a, b) => at(b) - at(a)); // stable: ties keep the name order
    ctx.body = { ok: true, projects: sorted.map((p) => ({ ...presentProject(p), last_used_at: lastUsed.get(p.id) ?? null })) };
  });

  router.post('/projects', requireAdmin(), async (ctx) => {
    const body = parseInput(createSchema, ctx.request.body);
    const memberIds = [...new Set(body.member_ids ?? [])];
    if (memberIds.length && (await User.count({ where: { id: memberIds } })) !== memberIds.length) {
      throw validation('member_ids', 'contains an unknown user id');
    }
    const project = await db().transaction(async (transaction) => {
      const p = await Project.create({ name: body.name, status: body.status, billable: body.billable }, { transaction });
      if (memberIds.length) {
        await ProjectMember.bulkCreate(memberIds.map((user_id) => ({ project_id: p.id, user_id })), { transaction });
      }
      return p;
    });
    ctx.status = 201;
    ctx.body = { ok: true, project: { ...presentProject(project), member_ids: memberIds } };
  });

  router.post('/projects/:id/members', requireAdmin(), async (ctx) => {
    const projectId = parseInput(id, ctx.params.id, 'id');
    const body = parseInput(memberSchema, ctx.request.body);
    const project = await Project.findByPk(projectId);
    if (!project) throw notFound('Project not found');
    if (!(await User.findByPk(body.user_id))) throw notFound('User not found');
    try {
      await ProjectMember.create({ project_id: project.id, user_id: body.user_id });
      ctx.status = 201;
      ctx.body = { ok: true, project_id: project.id, user_id: body.user_id, added: true };
    } catch (err) {
      if (!(err instanceof UniqueConstraintError)) throw err;
      ctx.body = { ok: true, project_id: project.id, user_id: body.user_id, added: false };
    }
  });
}
