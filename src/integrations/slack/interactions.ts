// Clicks on TimeTracker's Slack buttons, dispatched through an action_id → handler map. Each
// handler acts only for the TimeTracker user the click was routed to (by the verified Slack user
// id), goes through the timer service (so the usual events and notifications follow), and returns
// the message to send back through the click's response_url: the clicked message replaced when
// something changed, otherwise an ephemeral explanation and nothing changed.
import { isAppError } from '../../errors.js';
import { logger } from '../../lib/logger.js';
import { Project, TimeEntry, type User } from '../../models/index.js';
import { isProjectAllowed } from '../../services/access.js';
import { snoozeReminder } from '../../services/runawayTimers.js';
import { activeEntry, startTimer, stopEntryIfRunning, switchTimer, TimerConflictError } from '../../services/timer.js';
import { localClock, localDate } from '../../services/time.js';
import { ACTION_KEEP, ACTION_START, ACTION_STOP, ACTION_STOP_AT, ACTION_SWITCH, entryOfBlockId, plainBlocks } from './blocks.js';
import { latestWallTime } from './localTime.js';
import { zoneOf } from './notify.js';
import { HHMM } from './settings.js';
import type { ResponseMessage } from './client.js';
import { alreadyRunning, withTimerControls, type CommandReply } from './commands.js';
import type { InteractionAction } from './interactionPayload.js';
import { clickReply, reply } from './messages.js';

export interface ActionContext {
  user: User;
  action: InteractionAction;
  now: Date;
  /** The text of the clicked message, when Slack sent it (channel messages). */
  messageText: string | null;
}

type ActionHandler = (ctx: ActionContext) => Promise<ResponseMessage>;

export const ephemeral = (text: string): ResponseMessage => ({ response_type: 'ephemeral', replace_original: false, text });
const replaceWith = (r: CommandReply): ResponseMessage => ({ replace_original: true, text: r.text, ...(r.blocks ? { blocks: r.blocks } : {}) });
const ephemeralReply = (r: CommandReply): ResponseMessage => ({ ...ephemeral(r.text), ...(r.blocks ? { blocks: r.blocks } : {}) });

const idOf = (value: string | undefined | null): number | null => (value && /^[1-9]\d{0,8}$/.test(value) ? Number(value) : null);

/** An active project the user may use, or null (unknown, not allowed and inactive look the same). */
async function usableProject(user: User, value: string | undefined | null): Promise<Project | null> {
  const id = idOf(value);
  if (id === null || !(await isProjectAllowed(user, id))) return null;
  const project = await Project.findByPk(id);
  return project && project.status === 'active' ? project : null;
}

/** The user's running entry `entryId`, or the ephemeral answer why there is none to act on. */
async function ownRunningEntry(user: User, entryId: number, notYours: string): Promise<TimeEntry | ResponseMessage> {
  const entry = await TimeEntry.findByPk(entryId);
  if (entry && entry.user_id !== user.id) return ephemeral(notYours);
  if (!entry || entry.end_time !== null) return ephemeral(clickReply.alreadyStopped);
  return entry;
}

/** The clicked message with `done` appended and its controls removed. */
function appendTo(messageText: string | null, done: string): ResponseMessage {
  const text = messageText ? `${messageText}\n${done}` : done;
  return replaceWith({ text, blocks: plainBlocks(text) });
}

/** tt_stop (value = entry id): stops it only if it is the user's and still the running one. */
const stop: ActionHandler = async ({ user, action, now, messageText }) => {
  const entryId = idOf(action.value);
  if (entryId === null) return ephemeral(clickReply.malformed);
  const entry = await ownRunningEntry(user, entryId, clickReply.notYourTimer);
  if (!(entry instanceof TimeEntry)) return entry;
  const stopped = await stopEntryIfRunning(user, entryId, now);
  if (!stopped) return ephemeral(clickReply.alreadyStopped);
  return appendTo(messageText, reply.stopped(stopped.duration_seconds ?? 0));
};

/** tt_start (value = project id): starts a timer on it when the user may use it and nothing runs. */
const start: ActionHandler = async ({ user, action, now }) => {
  const project = await usableProject(user, action.value);
  if (!project) return ephemeral(clickReply.projectUnavailable);
  const running = await activeEntry(user.id);
  if (running) return ephemeralReply(await alreadyRunning(user, running, now));
  let entry: TimeEntry;
  try {
    entry = await startTimer(user, { project_id: project.id, source: 'slack' }, now);
  } catch (err) {
    if (err instanceof TimerConflictError && err.running) return ephemeralReply(await alreadyRunning(user, err.running, now));
    throw err;
  }
  return replaceWith(await withTimerControls(user, reply.started(project.name), entry));
};

/** tt_switch (selected option = project id): stops the running timer and starts on the project in one step. */
const switchProject: ActionHandler = async ({ user, action, now }) => {
  const project = await usableProject(user, action.selected_option?.value ?? action.value);
  if (!project) return ephemeral(clickReply.projectUnavailable);
  const { stopped, started } = await switchTimer(user, { project_id: project.id, source: 'slack' }, now);
  return replaceWith(await withTimerControls(user, clickReply.switched(project.name, stopped ? (stopped.duration_seconds ?? 0) : null), started));
};

/** tt_keep (value = entry id): "Keep running" on a reminder; the next one comes remind_after_hours from now. */
const keep: ActionHandler = async ({ user, action, now, messageText }) => {
  const entryId = idOf(action.value);
  if (entryId === null) return ephemeral(clickReply.malformed);
  const entry = await ownRunningEntry(user, entryId, clickReply.notYourReminder);
  if (!(entry instanceof TimeEntry)) return entry;
  if (!(await snoozeReminder(user, entryId, now))) return ephemeral(clickReply.alreadyStopped);
  const project = await Project.findByPk(entry.project_id);
  return appendTo(messageText, clickReply.kept(project?.name ?? 'your project', user.remind_after_hours));
};

/**
 * tt_stop_at (timepicker; block_id names the entry): ends the running entry at the chosen time in the
 * user's profile time zone: the latest such time not after now (today's, else yesterday's), and
 * never before the entry's start.
 */
const stopAt: ActionHandler = async ({ user, action, now, messageText }) => {
  const entryId = idOf(entryOfBlockId(action.block_id));
  const time = action.selected_time ?? '';
  if (entryId === null || !HHMM.test(time)) return ephemeral(clickReply.malformed);
  const entry = await ownRunningEntry(user, entryId, clickReply.notYourTimer);
  if (!(entry instanceof TimeEntry)) return entry;
  const zone = zoneOf(user);
  const at = latestWallTime(time, zone, now, localDate(now, zone));
  if (at.getTime() < entry.start_time.getTime()) return ephemeral(clickReply.beforeStart(localClock(entry.start_time, zone)));
  const stopped = await stopEntryIfRunning(user, entryId, at);
  if (!stopped) return ephemeral(clickReply.alreadyStopped);
  return appendTo(messageText, clickReply.stoppedAt(localClock(at, zone), stopped.duration_seconds ?? 0));
};

export const ACTIONS: Readonly<Record<string, ActionHandler>> = Object.freeze({
  [ACTION_STOP_AT]: stopAt,
  [ACTION_STOP]: stop,
  [ACTION_KEEP]: keep,
  [ACTION_START]: start,
  [ACTION_SWITCH]: switchProject,
});

/** Runs the click for the user. Never throws: failures become an ephemeral explanation. */
export async function runAction(ctx: ActionContext): Promise<ResponseMessage> {
  const name = ctx.action.action_id;
  const handler = Object.prototype.hasOwnProperty.call(ACTIONS, name) ? ACTIONS[name] : undefined;
  if (!handler) return ephemeral(clickReply.unknownAction);
  try {
    return await handler(ctx);
  } catch (err) {
    if (isAppError(err) && err.status < 500) return ephemeral(reply.failed(err.message));
    logger.error({ err, userId: ctx.user.id, action: name }, 'slack action failed');
    return ephemeral(reply.error);
  }
}
