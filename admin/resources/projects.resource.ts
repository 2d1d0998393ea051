import type { ActionContext, ActionRequest, ActionResponse, RecordJSON, ResourceWithOptions } from 'adminjs';
import { Project, ProjectMember } from '../../src/models/index.js';
import { allowedProjectIdsFor, allowedProjectRows, guardProjectOf, isAdmin, scopedList } from '../access.js';
import { choices, listedWith, shownWith, type FieldComponents } from './fields.js';
import { withProjectStats } from './projectStats.js';

/** Reference dropdowns (search) list only projects the user may use. */
async function onlyAllowedProjects(response: ActionResponse, _request: ActionRequest, context: ActionContext): Promise<ActionResponse> {
  const allowed = await allowedProjectIdsFor(context.currentAdmin);
  if (allowed === 'all' || !Array.isArray(response.records)) return response;
  return { ...response, records: response.records.filter((r: RecordJSON) => allowed.includes(Number(r.id))) };
}

const STAT = { list: true, show: true, edit: false, filter: false } as const;

export const projectsResource = (c: FieldComponents): ResourceWithOptions => ({
  resource: Project,
  options: {
    navigation: { name: 'Time tracking', icon: 'Briefcase' },
    listProperties: ['name', 'status', 'billable', 'members', 'hours_this_week'],
    showProperties: ['name', 'status', 'billable', 'members', 'hours_this_week', 'created_at', 'updated_at', 'id'],
    editProperties: ['name', 'status', 'billable'],
    sort: { sortBy: 'name', direction: 'asc' },
    properties: {
      name: listedWith(c.text),
      status: listedWith(c.text, { availableValues: choices(['active', 'inactive', 'archived']) }),
      billable: { isRequired: false },
      members: { type: 'number', isVisible: STAT },
      hours_this_week: shownWith(c.duration, { type: 'number', isVisible: STAT }),
      created_at: shownWith(c.dateTime),
      updated_at: shownWith(c.dateTime),
    },
    actions: {
      list: { handler: scopedList(Project, allowedProjectRows), isAccessible: true, after: withProjectStats },
      search: { after: onlyAllowedProjects },
      show: { before: guardProjectOf(async (id) => id), after: withProjectStats },
      new: { isAccessible: isAdmin },
      edit: { isAccessible: isAdmin },
      delete: { isAccessible: isAdmin },
      bulkDelete: { isAccessible: false },
    },
  },
});

export const projectMembersResource: ResourceWithOptions = {
  resource: ProjectMember,
  options: {
    navigation: { name: 'Administration', icon: 'Users' },
    listProperties: ['project_id', 'user_id', 'created_at'],
    editProperties: ['project_id', 'user_id'],
    properties: {
      project_id: { reference: 'projects' },
      user_id: { reference: 'users' },
      created_at: { isVisible: { list: true, show: true, edit: false, filter: false } },
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
