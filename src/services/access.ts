// The allowed-projects rule, in one place: admins may use every project; everyone else
// the projects they are a member of. Every server path that takes a project goes through here.
import { Op } from 'sequelize';
import { forbidden, notFound, validation } from '../errors.js';
import { Project, ProjectMember, Task, type User } from '../models/index.js';

export async function allowedProjectIds(user: User): Promise<number[] | 'all'> {
  if (user.role === 'admin') return 'all';
  const rows = await ProjectMember.findAll({ where: { user_id: user.id }, attributes: ['project_id'] });
  return rows.map((r) => r.project_id);
}

export async function isProjectAllowed(user: User, projectId: number): Promise<boolean> {
  if (user.role === 'admin') return true;
  return (await ProjectMember.count({ where: { user_id: user.id, project_id: projectId } })) > 0;
}

export async function listAllowedProjects(user: User, opts: { activeOnly?: boolean } = {}): Promise<Project[]> {
  const ids = await allowedProjectIds(user);
  const where: Record<string | symbol, unknown> = {};
  if (ids !== 'all') where.id = { [Op.in]: ids };
  if (opts.activeOnly) where.status = 'active';
  return Project.findAll({ where, order: [['name', 'ASC'], ['id', 'ASC']] });
}

/**
 * Loads a project the user may use. Unknown id → 404; not allowed → 403; not active (when
 * required) → 400 naming the field, so forms can show it next to the dropdown.
 */
export async function requireAllowedProject(
  user: User,
  projectId: number,
  opts: { requireActive?: boolean; field?: string } = {},
): Promise<Project> {
  const field = opts.field ?? 'project_id';
  const project = await Project.findByPk(projectId);
  if (!project) throw notFound('Project not found');
  if (!(await isProjectAllowed(user, project.id))) throw forbidden();
  if ((opts.requireActive ?? true) && project.status !== 'active') {
    throw validation(field, `project "${project.name}" is ${project.status}; choose an active project`);
  }
  return project;
}

/** A task given with a project must belong to it. No task → null; unknown id → 404; other project → 400. */
export async function requireTaskOfProject(projectId: number, taskId: number | null | undefined): Promise<Task | null> {
  if (taskId === undefined || taskId === null) return null;
  const task = await Task.findByPk(taskId);
  if (!task) throw notFound('Task not found');
  if (task.project_id !== projectId) throw validation('task_id', 'task does not belong to this project');
  return task;
}
