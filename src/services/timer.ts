// The timer service: the one place every start and stop goes through (REST, AdminJS, Slack,
// GitHub auto-start). The partial unique index `time_entries_one_running_per_user` is the real
// guard against two running timers; the pre-check only gives a friendlier message sooner.
import { UniqueConstraintError } from 'sequelize';
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

export async function startTimer(user: User, input: StartInput, now: Date = new Date()): Promise<TimeEntry> {
  const project = await requireAllowedProject(user, input.project_id);
  const task = await requireTaskOfProject(project.id, input.task_id);
  const running = await activeEntry(user.id);
  if (running) throw new TimerConflictError(running);
  let entry: TimeEntry;
  try {
    entry = await TimeEntry.create({
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
    });
  } catch (err) {
    if (err instanceof UniqueConstraintError) throw new TimerConflictError(await activeEntry(user.id));
    throw err;
  }
  await events.emit('timer.started', { entry, user, project, task });
  return entry;
}

export async function stopTimer(user: User, now: Date = new Date()): Promise<TimeEntry> {
  const sequelize = db();
  // One statement decides who stops the timer, so two concurrent stops emit one event.
  const [rows] = (await sequelize.query(
    `UPDATE time_entries
        SET end_time = GREATEST($2::timestamptz, start_time),
            duration_seconds = GREATEST(0, FLOOR(EXTRACT(EPOCH FROM (GREATEST($2::timestamptz, start_time) - start_time))))::int,
            updated_at = now()
      WHERE user_id = $1 AND end_time IS NULL
      RETURNING id`,
    { bind: [user.id, now.toISOString()] },
  )) as [Array<{ id: number }>, unknown];
  if (rows.length === 0) throw notFound(NO_ACTIVE_TIMER);
  const entry = (await TimeEntry.findByPk(rows[0].id))!;
  const project = (await Project.findByPk(entry.project_id))!;
  const task = entry.task_id ? await Task.findByPk(entry.task_id) : null;
  await events.emit('timer.stopped', { entry, user, project, task });
  return entry;
}

/** Seconds a running entry has been running at `now`. */
export function runningSeconds(entry: TimeEntry, now: Date = new Date()): number {
  return secondsBetween(entry.start_time, now);
}
