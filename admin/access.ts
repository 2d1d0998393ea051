// Row-level rules for AdminJS: admins see everything; a user sees their own rows and the projects
// (and tasks) they may use. Lists for non-admins are computed server-side by id, so no filter in
// the browser can widen them; record actions check ownership again.
import { convertFilter } from '@adminjs/sequelize';
import { Filter, flat, ForbiddenError, populator, type ActionContext, type ActionRequest, type ActionResponse, type CurrentAdmin, type RecordActionResponse } from 'adminjs';
import { Op, type WhereOptions } from 'sequelize';
import type { ModelStatic, Model } from 'sequelize';
import { ProjectMember, User } from '../src/models/index.js';

/**
 * The `currentAdmin` attribute that says "administers TimeTracker": the host's `authenticate`
 * returns its user with this attribute (users.isAdmin of createTimeTrackerPlugin, default is_admin).
 */
let adminFlag = 'is_admin';
export function setAdminFlag(attribute: string): void {
  adminFlag = attribute;
}

export const isAdminUser = (currentAdmin?: CurrentAdmin): boolean => (currentAdmin as Record<string, unknown> | undefined)?.[adminFlag] === true;

export const isAdmin = ({ currentAdmin }: { currentAdmin?: CurrentAdmin }) => isAdminUser(currentAdmin);

export function adminId(currentAdmin?: CurrentAdmin): number {
  return Number(currentAdmin?.id);
}

export async function allowedProjectIdsFor(currentAdmin?: CurrentAdmin): Promise<number[] | 'all'> {
  if (isAdminUser(currentAdmin)) return 'all';
  const rows = await ProjectMember.findAll({ where: { user_id: adminId(currentAdmin) }, attributes: ['project_id'] });
  return rows.map((r) => r.project_id);
}

/**
 * The list action with a server-side scope: AdminJS's own list (filters, sort, paging, reference
 * population) with the caller's scope ANDed into the query, so no filter sent by the browser can
 * widen what a user sees. Admins get an empty scope.
 */
export function scopedList<M extends Model>(model: ModelStatic<M>, whereFor: (admin?: CurrentAdmin) => Promise<WhereOptions>) {
  return async (request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
    const { resource, currentAdmin } = context;
    const query = flat.unflatten(request.query ?? {}) as { filters?: Record<string, unknown>; page?: string; perPage?: string; sortBy?: string; direction?: string };
    const perPage = Math.min(Number(query.perPage) || 10, 500);
    const page = Math.max(Number(query.page) || 1, 1);
    const defaults = resource.decorate().options.sort;
    const attrs = Object.keys(model.getAttributes());
    const requested = query.sortBy ?? defaults?.sortBy ?? 'id';
    const sortBy = attrs.includes(requested) ? requested : 'id';
    const direction = (query.direction ?? defaults?.direction) === 'asc' ? 'asc' : 'desc';
    const filter = await new Filter(query.filters ?? {}, resource).populate(context);
    const where = { [Op.and]: [await whereFor(currentAdmin), convertFilter(filter)] };
    const { rows, count } = await model.findAndCountAll({ where, attributes: ['id'], order: [[sortBy, direction.toUpperCase()]], limit: perPage, offset: (page - 1) * perPage });
    const ids = rows.map((r) => Number((r as unknown as { id: number | string }).id));
    const found = ids.length ? await resource.findMany(ids, context) : [];
    const byId = new Map(found.map((r) => [Number(r.id()), r]));
    const records = await populator(ids.map((id) => byId.get(id)).filter((r): r is NonNullable<typeof r> => Boolean(r)), context);
    return {
      records: records.map((r) => r.toJSON(currentAdmin)),
      meta: { total: count, perPage, page, direction, sortBy },
    } as ActionResponse;
  };
}

export const ownRows = async (admin?: CurrentAdmin): Promise<WhereOptions> => (isAdminUser(admin) ? {} : { user_id: adminId(admin) });

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
  isAdminUser(currentAdmin) || (record ? Number(record.param('user_id')) === adminId(currentAdmin) : true);

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
    if (!recordId || isAdminUser(context.currentAdmin)) return request;
    const projectId = await projectIdOf(recordId);
    if (projectId === null || !(await canUseProject(context.currentAdmin, projectId))) {
      throw new ForbiddenError('You are not a member of this project');
    }
    return request;
  };
}
