import type { ActionContext, ActionRequest, ActionResponse, RecordJSON, ResourceWithOptions } from 'adminjs';
import { Project, ProjectMember } from '../../src/models/index.js';
import { allowedProjectIdsFor, allowedProjectRows, guardProjectOf, isAdmin, scopedList } from '../access.js';

/** Reference dropdowns (search) list only projects the user may use. */
async function onlyAllowedProjects(response: ActionResponse, _request: ActionRequest, context: ActionContext): Promise<ActionResponse> {
  const allowed = await allowedProjectIdsFor(context.currentAdmin);
  if (allowed === 'all' || !Array.isArray(response.records)) return response;
  return { ...response, records: response.records.filter((r: RecordJSON) => allowed.includes(Number(r.id))) };
}

export const projectsResource: ResourceWithOptions = {
  resource: Project,
  options: {
    navigation: { name: 'Time tracking', icon: 'Briefcase' },
    listProperties: ['id', 'name', 'status', 'billable', 'created_at'],
    editProperties: ['name', 'status', 'billable'],
    properties: {
      status: { availableValues: ['active', 'inactive', 'archived'].map((v) => ({ value: v, label: v })) },
    },
    actions: {
      list: { handler: scopedList(Project, allowedProjectRows), isAccessible: true },
      search: { after: onlyAllowedProjects },
      show: { before: guardProjectOf(async (id) => id) },
      new: { isAccessible: isAdmin },
      edit: { isAccessible: isAdmin },
      delete: { isAccessible: isAdmin },
      bulkDelete: { isAccessible: false },
    },
  },
};

export const projectMembersResource: ResourceWithOptions = {
  resource: ProjectMember,
  options: {
    navigation: { name: 'Administration', icon: 'Users' },
    listProperties: ['id', 'project_id', 'user_id', 'created_at'],
    editProperties: ['project_id', 'user_id'],
    properties: {
      project_id: { reference: 'projects' },
      user_id: { reference: 'users' },
    },
    actions: {
      list: { isAccessible: isAdmin },
      show: { isAccessible: isAdmin },
      new: { isAccessible: isAdmin },
      edit: { isAccessible: false },
      delete: { isAccessible: isAdmin },
      bulkDelete: { isAccessible: false },
    },
  },
};
