import type { ActionContext, ActionRequest, ResourceWithOptions } from 'adminjs';
import { ValidationError } from 'adminjs';
import { Task } from '../../src/models/index.js';
import { allowedTaskRows, canUseProject, guardProjectOf, isAdmin, scopedList } from '../access.js';
import { choices, listedWith, shownWith, type FieldComponents } from './fields.js';

const taskProject = guardProjectOf(async (id) => (await Task.findByPk(id, { attributes: ['project_id'] }))?.project_id ?? null);

async function guardProject(request: ActionRequest, context: ActionContext): Promise<ActionRequest> {
  if (request.method === 'post' && request.payload?.project_id !== undefined) {
    if (!(await canUseProject(context.currentAdmin, Number(request.payload.project_id)))) {
      throw new ValidationError({ project_id: { message: 'You are not a member of this project' } });
    }
  }
  return request;
}

export const tasksResource = (c: FieldComponents): ResourceWithOptions => ({
  resource: Task,
  options: {
    navigation: { name: 'Time tracking', icon: 'CheckSquare' },
    listProperties: ['name', 'project_id', 'status', 'priority', 'external_ref', 'assigned_to', 'updated_at'],
    showProperties: ['name', 'project_id', 'status', 'priority', 'external_ref', 'description', 'assigned_to', 'created_by', 'completed_at', 'created_at', 'updated_at', 'id'],
    editProperties: ['project_id', 'name', 'description', 'status', 'priority', 'assigned_to'],
    filterProperties: ['project_id', 'status', 'priority', 'external_ref'],
    sort: { sortBy: 'updated_at', direction: 'desc' },
    properties: {
      name: listedWith(c.text),
      project_id: listedWith(c.text, { reference: 'projects' }),
      assigned_to: listedWith(c.text, { reference: 'users' }),
      created_by: { reference: 'users' },
      description: { type: 'textarea' },
      external_url: { type: 'string', isVisible: false },
      external_ref: shownWith(c.taskLink, { isVisible: { list: true, show: true, edit: false, filter: true } }),
      status: shownWith(c.taskStatus, { availableValues: choices(['todo', 'in_progress', 'review', 'done', 'cancelled']) }),
      priority: listedWith(c.text, { availableValues: choices(['low', 'medium', 'high', 'urgent']) }),
      completed_at: shownWith(c.dateTime),
      created_at: shownWith(c.dateTime),
      updated_at: shownWith(c.dateTime),
    },
    actions: {
      list: { handler: scopedList(Task, allowedTaskRows) },
      show: { before: taskProject },
      new: { before: guardProject },
      edit: { before: [taskProject, guardProject] },
      delete: { isAccessible: isAdmin },
      bulkDelete: { isAccessible: false },
    },
  },
});
