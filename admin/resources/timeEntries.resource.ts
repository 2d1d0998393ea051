// Time entries in the panel. Running timers are started and stopped only through the timer
// service (record actions "Stop timer" and "Start again"), so every path emits the domain events.
import type { ActionContext, ActionRequest, ResourceWithOptions } from 'adminjs';
import { ValidationError } from 'adminjs';
import { isAppError } from '../../src/errors.js';
import { Task, TimeEntry } from '../../src/models/index.js';
import { secondsBetween } from '../../src/services/time.js';
import { startTimer, stopTimer } from '../../src/services/timer.js';
import { adminId, canUseProject, isAdminUser, ownRows, ownsRecord, scopedList, userFor } from '../access.js';

type PropertyErrors = Record<string, { message: string }>;

const blank = (v: unknown) => v === undefined || v === null || String(v).trim() === '';

/** A date-time form value: null when blank, 'invalid' when unreadable. */
function instant(v: unknown): Date | null | 'invalid' {
  if (blank(v)) return null;
  const d = new Date(String(v));
  return Number.isNaN(d.getTime()) ? 'invalid' : d;
}

/** Project and task: required, allowed to this user, the task of this project. */
async function projectErrors(p: Record<string, unknown>, context: ActionContext): Promise<PropertyErrors> {
  const errors: PropertyErrors = {};
  if (blank(p.project_id)) return { project_id: { message: 'Required. Choose a project.' } };
  const projectId = Number(p.project_id);
  if (!(await canUseProject(context.currentAdmin, projectId))) errors.project_id = { message: 'You are not a member of this project' };
  if (!blank(p.task_id)) {
    const task = await Task.findByPk(Number(p.task_id));
    if (!task) errors.task_id = { message: 'This task does not exist' };
    else if (task.project_id !== projectId) errors.task_id = { message: 'This task belongs to another project; choose one of the selected project’s tasks' };
  }
  return errors;
}

/** Start and end: both readable, the end required (unless the entry is a running timer) and not before the start. */
function timeErrors(start: Date | null | 'invalid', end: Date | null | 'invalid', running: boolean): PropertyErrors {
  const errors: PropertyErrors = {};
  if (start === null) errors.start_time = { message: 'Required' };
  if (start === 'invalid') errors.start_time = { message: 'Not a valid date and time' };
  if (end === 'invalid') errors.end_time = { message: 'Not a valid date and time' };
  if (end === null && !running) errors.end_time = { message: 'Required. To run a live timer, use "Start again" or the API.' };
  if (start instanceof Date && end instanceof Date && end < start) errors.end_time = { message: 'Must not be before the start time' };
  return errors;
}

/** Checks the whole form and reports every invalid field at once, each next to its own field. */
async function prepareEntry(request: ActionRequest, context: ActionContext): Promise<ActionRequest> {
  if (request.method !== 'post' || !request.payload) return request;
  const p = { ...request.payload } as Record<string, unknown>;
  const asAdmin = isAdminUser(context.currentAdmin);
  if (!asAdmin || !p.user_id) p.user_id = context.record ? context.record.param('user_id') : adminId(context.currentAdmin);
  if (!asAdmin && Number(p.user_id) !== adminId(context.currentAdmin)) p.user_id = adminId(context.currentAdmin);
  const start = instant(p.start_time);
  const end = instant(p.end_time);
  const running = Boolean(context.record && !context.record.param('end_time'));
  const errors = { ...(await projectErrors(p, context)), ...timeErrors(start, end, running) };
  const count = Object.keys(errors).length;
  if (count) throw new ValidationError(errors, { message: count === 1 ? 'Please correct the highlighted field.' : `Please correct the ${count} highlighted fields.` });
  if (start instanceof Date && end instanceof Date) p.duration_seconds = secondsBetween(start, end);
  // The form never chooses where an entry came from: a new one is manual, an edited one keeps its source.
  p.source = context.record ? context.record.param('source') : 'manual';
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
