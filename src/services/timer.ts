// The timer service: the one place every start and stop goes through (REST, AdminJS, Slack,
// GitHub auto-start). The partial unique index `time_entries_one_running_per_user` is the real
// guard against two running timers; the pre-check only gives a friendlier message sooner.
import { UniqueConstraintError, type Transaction } from 'sequelize';
import { AppError, notFound } from '../errors.js';
import { events } from '../events.js';
import { db, Project, Task, TimeEntry, type User } from '../models/index.js';
import type { EntrySource } from '../models/timeEntry.js';
import { requireAllowedProject, requireTaskOfProject } from './access.js';
import { secondsBetween } from './time.js';

export const ALREADY_RUNNING = 'You already have an active timer. Stop it before starting a new one.';
export const NO_ACTIVE_TIMER = 'No active timer found';

export class TimerConflictError extends AppError {
  constructor(readonly running: TimeEntry | null) {
    super(409, ALREADY_RUNNING, 'timer_running');
  }
}

export interface StartInput {
  project_id: number;
  task_id?: number | null;
  notes?: string | null;
  source?: EntrySource;
  billable?: boolean;
}

export async function activeEntry(userId: number): Promise<TimeEntry | null> {
  return TimeEntry.findOne({ where: { user_id: userId, end_time: null } });
}

/** The row of a timer started `now` on `project` (and `task`): billable follows the project unless given. */
function runningEntry(user: User, project: Project, task: Task | null, input: StartInput, now: Date) {
  return {
    user_id: user.id,
    project_id: project.id,
    task_id: task?.id ?? null,
    start_time: now,
    end_time: null,
    duration_seconds: null,
    notes: input.notes ?? null,
    source: input.source ?? 'timer',
    billable: input.billable ?? project.billable,
    external_ref: null,
  };
}

export async function startTimer(user: User, input: StartInput, now: Date = new Date()): Promise<TimeEntry> {
  const project = await requireAllowedProject(user, input.project_id);
  const task = await requireTaskOfProject(project.id, input.task_id);
  const running = await activeEntry(user.id);
  if (running) throw new TimerConflictError(running);
  let entry: TimeEntry;
  try {
    entry = await TimeEntry.create(runningEntry(user, project, task, input, now));
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw new TimerConflictError(await activeEntry(user.id));
    throw err;
  }
  await events.emit('timer.started', { entry, user, project, task });
  return entry;
}

/**
 * Ends the user's running entry at `now` (never before its start); the id of the entry it ended, or
 * null. With `entryId`, only that entry, and only while it is still the one running.
 */
async function endRunning(userId: number, now: Date, transaction?: Transaction, entryId: number | null = null, autoStopped = false): Promise<number | null> {
  // One statement decides who stops the timer, so two concurrent stops emit one event.
  const [rows] = (await db().query(
    `UPDATE time_entries
        SET end_time = GREATEST($2::timestamptz, start_time),
            duration_seconds = GREATEST(0, FLOOR(EXTRACT(EPOCH FROM (GREATEST($2::timestamptz, start_time) - start_time))))::int,
            auto_stopped = $4::boolean,
            updated_at = now()
      WHERE user_id = $1 AND end_time IS NULL AND ($3::int IS NULL OR id = $3::int)
      RETURNING id`,
    { bind: [userId, now.toISOString(), entryId, autoStopped], transaction },
  )) as [Array<{ id: number }>, unknown];
  return rows.length ? rows[0].id : null;
}

/** The `timer.stopped` event of a committed stop, with the entry as stored. */
async function emitStopped(user: User, entryId: number): Promise<TimeEntry> {
  const entry = (await TimeEntry.findByPk(entryId))!;
  const project = (await Project.findByPk(entry.project_id))!;
  const task = entry.task_id ? await Task.findByPk(entry.task_id) : null;
  await events.emit('timer.stopped', { entry, user, project, task });
  return entry;
}

/** Stops the user's running timer (404 when nothing runs). */
export async function stopTimer(user: User, now: Date = new Date()): Promise<TimeEntry> {
  const id = await endRunning(user.id, now);
  if (id === null) throw notFound(NO_ACTIVE_TIMER);
  return emitStopped(user, id);
}

/**
 * Stops the user's entry `entryId` at `at` only while it is still the running one (one UPDATE
 * decides); null when it was stopped or switched meanwhile. `opts.autoStopped` marks it as stopped
 * by the runaway_timers job.
 */
export async function stopEntryIfRunning(user: User, entryId: number, at: Date, opts: { autoStopped?: boolean } = {}): Promise<TimeEntry | null> {
  const id = await endRunning(user.id, at, undefined, entryId, opts.autoStopped ?? false);
  return id === null ? null : emitStopped(user, id);
}

export interface SwitchResult {
  /** The entry that was running and is now stopped, or null when nothing ran. */
  stopped: TimeEntry | null;
  started: TimeEntry;
}

/**
 * Stops the running timer (if any) and starts one on `input` in one transaction: a refused project
 * or task, or any failure of the start, leaves the old timer running. Both ends share `now`, so
 * the new entry begins exactly where the old one ends. After the commit it emits `timer.stopped`
 * (when something ran) and then `timer.started`, the same events as stopTimer and startTimer.
 */
export async function switchTimer(user: User, input: StartInput, now: Date = new Date()): Promise<SwitchResult> {
  const project = await requireAllowedProject(user, input.project_id);
  const task = await requireTaskOfProject(project.id, input.task_id);
  let result: { stoppedId: number | null; started: TimeEntry };
  try {
    result = await db().transaction(async (transaction) => {
      const stoppedId = await endRunning(user.id, now, transaction);
      const started = await TimeEntry.create(runningEntry(user, project, task, input, now), { transaction });
      return { stoppedId, started };
    });
  } catch (err) {
    // A concurrent start or switch committed a running entry after our stop looked: it stays.
    if (err instanceof UniqueConstraintError) throw new TimerConflictError(await activeEntry(user.id));
    throw err;
  }
  const stopped = result.stoppedId === null ? null : await emitStopped(user, result.stoppedId);
  await events.emit('timer.started', { entry: result.started, user, project, task });
  return { stopped, started: result.started };
}

/** Seconds a running entry has been running at `now`. */
export function runningSeconds(entry: TimeEntry, now: Date = new Date()): number {
  return secondsBetween(entry.start_time, now);
}
