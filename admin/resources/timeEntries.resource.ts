// Time entries in the panel. Running timers are started and stopped only through the timer
// service (record actions "Stop timer" and "Start again"), so every path emits the domain events.
import type { ActionContext, ActionRequest, ResourceWithOptions } from 'adminjs';
import { ValidationError } from 'adminjs';
import { isAppError } from '../../src/errors.js';
import { TimeEntry } from '../../src/models/index.js';
import { secondsBetween } from '../../src/services/time.js';
import { startTimer, stopTimer } from '../../src/services/timer.js';
import { adminId, canUseProject, ownRows, ownsRecord, scopedList, userFor } from '../access.js';

async function prepareEntry(request: ActionRequest, context: ActionContext): Promise<ActionRequest> {
  if (request.method !== 'post' || !request.payload) return request;
  const p = { ...request.payload } as Record<string, unknown>;
  const isAdminUser = context.currentAdmin?.role === 'admin';
  if (!isAdminUser || !p.user_id) p.user_id = context.record ? context.record.param('user_id') : adminId(context.currentAdmin);
  if (!isAdminUser && Number(p.user_id) !== adminId(context.currentAdmin)) p.user_id = adminId(context.currentAdmin);
  const errors: Record<string, { message: string }> = {};
  if (p.project_id !== undefined && !(await canUseProject(context.currentAdmin, Number(p.project_id)))) {
    errors.project_id = { message: 'You are not a member of this project' };
  }
  const start = p.start_time ? new Date(String(p.start_time)) : null;
  const end = p.end_time ? new Date(String(p.end_time)) : null;
  const running = context.record && !context.record.param('end_time');
  if (!end && !running) errors.end_time = { message: 'Required. To run a live timer, use "Start again" or the API.' };
  if (start && end && end < start) errors.end_time = { message: 'Must not be before the start time' };
  if (Object.keys(errors).length) throw new ValidationError(errors);
  if (start && end) p.duration_seconds = secondsBetween(start, end);
  if (!p.source) p.source = 'manual';
  return { ...request, payload: p };
}

function timerAction(kind: 'stop' | 'start') {
  return async (_request: ActionRequest, _response: unknown, context: ActionContext) => {
    const { record, currentAdmin, h, resource } = context;
    const user = await userFor(currentAdmin);
    if (!record || !user) throw new Error('Record not found');
    try {
      if (kind === 'stop') {
        await stopTimer(user);
      } else {
        await startTimer(user, {
          project_id: Number(record.param('project_id')),
          task_id: record.param('task_id') ? Number(record.param('task_id')) : null,
          notes: (record.param('notes') as string) ?? null,
          source: 'timer',
        });
      }
      return {
        record: record.toJSON(currentAdmin),
        redirectUrl: h.resourceUrl({ resourceId: resource.id() }),
        notice: { message: kind === 'stop' ? 'Timer stopped' : 'Timer started', type: 'success' as const },
      };
    } catch (err) {
      if (!isAppError(err)) throw err;
      return { record: record.toJSON(currentAdmin), notice: { message: err.message, type: 'error' as const } };
    }
  };
}

export const timeEntriesResource: ResourceWithOptions = {
  resource: TimeEntry,
  options: {
    navigation: { name: 'Time tracking', icon: 'Clock' },
    listProperties: ['id', 'user_id', 'project_id', 'task_id', 'start_time', 'end_time', 'duration_seconds', 'source', 'billable'],
    editProperties: ['user_id', 'project_id', 'task_id', 'start_time', 'end_time', 'notes', 'billable'],
    filterProperties: ['project_id', 'source', 'start_time', 'billable'],
    sort: { sortBy: 'start_time', direction: 'desc' },
    properties: {
      user_id: { reference: 'users' },
      project_id: { reference: 'projects', isRequired: true },
      task_id: { reference: 'tasks' },
      notes: { type: 'textarea' },
      duration_seconds: { isVisible: { list: true, show: true, edit: false, filter: false } },
      external_ref: { isVisible: { list: false, show: true, edit: false, filter: true } },
    },
    actions: {
      list: { handler: scopedList(TimeEntry, ownRows) },
      show: { isAccessible: ownsRecord },
      new: { before: prepareEntry },
      edit: { isAccessible: ownsRecord, before: prepareEntry },
      delete: { isAccessible: ownsRecord },
      bulkDelete: { isAccessible: false },
      stopTimer: {
        actionType: 'record',
        icon: 'Square',
        component: false,
        guard: 'Stop this running timer?',
        isVisible: ({ record, currentAdmin }) => Boolean(record && !record.param('end_time') && Number(record.param('user_id')) === adminId(currentAdmin)),
        isAccessible: ownsRecord,
        handler: timerAction('stop'),
      },
      startAgain: {
        actionType: 'record',
        icon: 'Play',
        component: false,
        isVisible: ({ record, currentAdmin }) => Boolean(record && record.param('end_time') && Number(record.param('user_id')) === adminId(currentAdmin)),
        isAccessible: ownsRecord,
        handler: timerAction('start'),
      },
    },
  },
};
