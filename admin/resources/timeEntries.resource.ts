// Time entries in the panel. Running timers are started and stopped only through the timer
// service (record actions "Stop timer" and "Start again"), so every path emits the domain events.
import type { ActionContext, ActionHandler, ActionRequest, ActionResponse, RecordActionResponse, ResourceWithOptions } from 'adminjs';
import { NewAction, ValidationError } from 'adminjs';
import { isAppError } from '../../src/errors.js';
import { Task, TimeEntry } from '../../src/models/index.js';
import { secondsBetween } from '../../src/services/time.js';
import { startTimer, stopTimer } from '../../src/services/timer.js';
import { adminId, canUseProject, isAdminUser, ownRows, ownsRecord, scopedList, userFor } from '../access.js';
import { listedWith, shownWith, type FieldComponents } from './fields.js';

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

/**
 * Start and end: readable, the end not before the start. A new entry without an end starts a timer
 * (from the start given, or now); an edited finished entry keeps needing its end.
 */
function timeErrors(start: Date | null | 'invalid', end: Date | null | 'invalid', mode: 'new' | 'finished' | 'running', now = new Date()): PropertyErrors {
  const errors: PropertyErrors = {};
  const startsTimer = mode === 'new' && end === null;
  if (start === null && !startsTimer) errors.start_time = { message: 'Required' };
  if (start === 'invalid') errors.start_time = { message: 'Not a valid date and time' };
  if (startsTimer && start instanceof Date && start > now) errors.start_time = { message: 'A timer cannot start in the future. Leave it empty to start now.' };
  if (end === 'invalid') errors.end_time = { message: 'Not a valid date and time' };
  if (end === null && mode === 'finished') errors.end_time = { message: 'Required. To run a live timer, use "Start again" or the dashboard.' };
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
  const mode = !context.record ? 'new' : context.record.param('end_time') ? 'finished' : 'running';
  const errors = { ...(await projectErrors(p, context)), ...timeErrors(start, end, mode) };
  if (mode === 'new' && end === null && Number(p.user_id) !== adminId(context.currentAdmin)) {
    errors.end_time = { message: 'Required for someone else’s entry: a timer can be started only for yourself.' };
  }
  const count = Object.keys(errors).length;
  if (count) throw new ValidationError(errors, { message: count === 1 ? 'Please correct the highlighted field.' : `Please correct the ${count} highlighted fields.` });
  if (start instanceof Date && end instanceof Date) p.duration_seconds = secondsBetween(start, end);
  // The form never chooses where an entry came from: a new one is manual, an edited one keeps its source.
  p.source = context.record ? context.record.param('source') : 'manual';
  return { ...request, payload: p };
}

/** "Create new" without an end: start the user's timer (through the timer service, so Slack and the events see it). */
const createOrStart: ActionHandler<ActionResponse> = async (request, response, context) => {
  const p = request.payload as Record<string, unknown> | undefined;
  if (request.method !== 'post' || !p || !blank(p.end_time)) return (NewAction.handler as ActionHandler<ActionResponse>)(request, response, context);
  const { currentAdmin, h, resource } = context;
  const user = await userFor(currentAdmin);
  if (!user) throw new Error('Not signed in');
  try {
    const start = instant(p.start_time);
    const entry = await startTimer(user, {
      project_id: Number(p.project_id),
      task_id: blank(p.task_id) ? null : Number(p.task_id),
      notes: blank(p.notes) ? null : String(p.notes),
      billable: blank(p.billable) ? undefined : p.billable === true || p.billable === 'true',
      source: 'timer',
    }, start instanceof Date ? start : undefined);
    const record = await resource.findOne(String(entry.id), context);
    return {
      record: record!.toJSON(currentAdmin),
      redirectUrl: h.resourceUrl({ resourceId: resource.id() }),
      notice: { message: 'Timer started', type: 'success' as const },
    } satisfies RecordActionResponse;
  } catch (err) {
    if (!isAppError(err)) throw err;
    // The project was checked already: what is left is the timer itself (one runs already, project archived).
    const message = err.status === 409 ? `${err.message} To log finished time instead, fill in Ended.` : err.message;
    throw new ValidationError({ [err.status === 409 ? 'end_time' : 'project_id']: { message } }, { message });
  }
};

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

export const timeEntriesResource = (c: FieldComponents): ResourceWithOptions => ({
  resource: TimeEntry,
  options: {
    navigation: { name: 'Time tracking', icon: 'Clock' },
    listProperties: ['user_id', 'project_id', 'task_id', 'start_time', 'end_time', 'duration_seconds', 'billable'],
    showProperties: ['project_id', 'task_id', 'notes', 'start_time', 'end_time', 'duration_seconds', 'billable', 'source', 'user_id', 'external_ref', 'created_at', 'updated_at'],
    editProperties: ['project_id', 'task_id', 'start_time', 'end_time', 'notes', 'billable', 'user_id'],
    filterProperties: ['project_id', 'source', 'start_time', 'billable'],
    sort: { sortBy: 'start_time', direction: 'desc' },
    properties: {
      user_id: listedWith(c.text, { reference: 'users' }),
      project_id: listedWith(c.text, { reference: 'projects', isRequired: true }),
      task_id: listedWith(c.text, { reference: 'tasks' }),
      start_time: shownWith(c.dateTime, { description: 'Leave Started and Ended empty to start a timer now.' }),
      end_time: shownWith(c.dateTime, { description: 'Leave empty to start a timer (from Started, or now).', custom: { sameDayAs: 'start_time' } }),
      created_at: shownWith(c.dateTime),
      updated_at: shownWith(c.dateTime),
      notes: { type: 'textarea' },
      billable: { isRequired: false },
      duration_seconds: shownWith(c.duration, { isVisible: { list: true, show: true, edit: false, filter: false }, custom: { runningWhenOpen: true } }),
      external_ref: { isVisible: { list: false, show: true, edit: false, filter: true } },
    },
    actions: {
      list: { handler: scopedList(TimeEntry, ownRows) },
      show: { isAccessible: ownsRecord },
      new: { before: prepareEntry, handler: createOrStart },
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
});
