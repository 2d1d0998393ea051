import type { ActionContext, ActionRequest, ResourceWithOptions } from 'adminjs';
import { ValidationError } from 'adminjs';
import { Task } from '../../src/models/index.js';
import { allowedTaskRows, canUseProject, guardProjectOf, isAdmin, scopedList } from '../access.js';

const taskProject = guardProjectOf(async (id) => (await Task.findByPk(id, { attributes: ['project_id'] }))?.project_id ?? null);

async function guardProject(request: ActionRequest, context: ActionContext): Promise<ActionRequest> {
  if (request.method === 'post' && request.payload?.project_id !== undefined) {
    if (!(await canUseProject(context.currentAdmin, Number(request.payload.project_id)))) {
      throw new ValidationError({ project_id: { message: 'You are not a member of this project' } });
    }
  }
  return request;
}

export const tasksResource: ResourceWithOptions = {
  resource: Task,
  options: {
    navigation: { name: 'Time tracking', icon: 'CheckSquare' },
    listProperties: ['id', 'name', 'project_id', 'status', 'priority', 'external_ref', 'updated_at'],
    editProperties: ['project_id', 'name', 'description', 'status', 'priority', 'assigned_to'],
    filterProperties: ['project_id', 'status', 'priority', 'external_ref'],
    properties: {
      project_id: { reference: 'projects' },
      assigned_to: { reference: 'users' },
      created_by: { reference: 'users' },
      description: { type: 'textarea' },
      external_url: { type: 'string' },
      status: { availableValues: ['todo', 'in_progress', 'review', 'done', 'cancelled'].map((v) => ({ value: v, label: v })) },
      priority: { availableValues: ['low', 'medium', 'high', 'urgent'].map((v) => ({ value: v, label: v })) },
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
};
