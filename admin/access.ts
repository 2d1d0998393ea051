// Row-level rules for AdminJS: admins see everything; a user sees their own rows and the projects
// (and tasks) they may use. Lists for non-admins are computed server-side by id, so no filter in
// the browser can widen them; record actions check ownership again.
import { ForbiddenError, type ActionContext, type ActionRequest, type ActionResponse, type CurrentAdmin, type RecordActionResponse } from 'adminjs';
import { Op, type WhereOptions } from 'sequelize';
import type { ModelStatic, Model } from 'sequelize';
import { ProjectMember, User } from '../src/models/index.js';

export const isAdmin = ({ currentAdmin }: { currentAdmin?: CurrentAdmin }) => currentAdmin?.role === 'admin';

export function adminId(currentAdmin?: CurrentAdmin): number {
  return Number(currentAdmin?.id);
}

export async function allowedProjectIdsFor(currentAdmin?: CurrentAdmin): Promise<number[] | 'all'> {
  if (currentAdmin?.role === 'admin') return 'all';
  const rows = await ProjectMember.findAll({ where: { user_id: adminId(currentAdmin) }, attributes: ['project_id'] });
  return rows.map((r) => r.project_id);
}

/**
 * A list handler for non-admins: the page of ids comes from a server-side `where`, then AdminJS
 * loads those records. Admins get the default handler.
 */
export function scopedList<M extends Model>(model: ModelStatic<M>, whereFor: (admin?: CurrentAdmin) => Promise<WhereOptions>) {
  return async (request: ActionRequest, response: unknown, context: ActionContext): Promise<ActionResponse> => {
    const { resource, currentAdmin } = context;
    const perPage = Math.min(Number(request.query?.perPage) || 10, 500);
    const page = Math.max(Number(request.query?.page) || 1, 1);
    const sortBy = String(request.query?.sortBy || 'id');
    const direction = request.query?.direction === 'asc' ? 'asc' : 'desc';
    const where = await whereFor(currentAdmin);
    const attrs = Object.keys(model.getAttributes());
    const order: [string, string][] = [[attrs.includes(sortBy) ? sortBy : 'id', direction.toUpperCase()]];
    const { rows, count } = await model.findAndCountAll({ where, attributes: ['id'], order, limit: perPage, offset: (page - 1) * perPage });
    const ids = rows.map((r) => (r as unknown as { id: number }).id);
    const records = ids.length ? await resource.findMany(ids, context) : [];
    const byId = new Map(records.map((r) => [Number(r.id()), r]));
    return {
      records: ids.map((id) => byId.get(id)).filter(Boolean).map((r) => r!.toJSON(currentAdmin)),
      meta: { total: count, perPage, page, direction, sortBy },
    } as ActionResponse;
  };
}

export const ownRows = async (admin?: CurrentAdmin): Promise<WhereOptions> => (admin?.role === 'admin' ? {} : { user_id: adminId(admin) });

export async function allowedProjectRows(admin?: CurrentAdmin): Promise<WhereOptions> {
  const ids = await allowedProjectIdsFor(admin);
  return ids === 'all' ? {} : { id: { [Op.in]: ids } };
}

export async function allowedTaskRows(admin?: CurrentAdmin): Promise<WhereOptions> {
  const ids = await allowedProjectIdsFor(admin);
  return ids === 'all' ? {} : { project_id: { [Op.in]: ids } };
}

/** isAccessible for record actions on rows that carry user_id. */
export const ownsRecord = ({ currentAdmin, record }: ActionContext) =>
  currentAdmin?.role === 'admin' || (record ? Number(record.param('user_id')) === adminId(currentAdmin) : true);

export async function canUseProject(currentAdmin: CurrentAdmin | undefined, projectId: number): Promise<boolean> {
  const ids = await allowedProjectIdsFor(currentAdmin);
  return ids === 'all' || ids.includes(projectId);
}

export async function userFor(currentAdmin?: CurrentAdmin): Promise<User | null> {
  return currentAdmin ? User.findByPk(adminId(currentAdmin)) : null;
}

export type { RecordActionResponse };

/**
 * A `before` hook for record actions: loads the record's project id and refuses (ForbiddenError)
 * when the current user may not use that project. AdminJS's isAccessible cannot be async.
 */
export function guardProjectOf(projectIdOf: (recordId: number) => Promise<number | null>) {
  return async (request: ActionRequest, context: ActionContext): Promise<ActionRequest> => {
    const recordId = Number(request.params?.recordId);
    if (!recordId || context.currentAdmin?.role === 'admin') return request;
    const projectId = await projectIdOf(recordId);
    if (projectId === null || !(await canUseProject(context.currentAdmin, projectId))) {
      throw new ForbiddenError('You are not a member of this project');
    }
    return request;
  };
}
