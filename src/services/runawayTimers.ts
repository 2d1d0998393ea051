// Runaway timers: the runaway_timers job (every minute, one run per tick across instances) stops
// each running timer at exactly start + its owner's auto_stop_after_hours (elapsed real hours:
// timestamptz arithmetic, so a DST change neither adds nor removes an hour), marked
// `auto_stopped`, and emits `timer.reminder_due` once per timer past remind_after_hours (Slack
// turns that into a "Still working?" message). Every decision is one conditional UPDATE: the stop
// (stopEntryIfRunning ends only a still-running entry) and the reminder claim (reminded_at IS
// NULL, or a "Keep running" snooze that has passed), so overlapping runs, replicas and restarts
// never stop or remind twice. A reminder is at most once: a crash after the claim loses it.
import { QueryTypes } from 'sequelize';
import { usersSql } from '../db/hostUsers.js';
import { notFound } from '../errors.js';
import { events } from '../events.js';
import type { Job } from '../jobs/scheduler.js';
import { logger } from '../lib/logger.js';
import { db, Project, Task, TimeEntry, User } from '../models/index.js';
import { secondsBetween } from './time.js';
import { stopEntryIfRunning } from './timer.js';

const BATCH = 200;

/** Stops every running timer past its owner's auto-stop threshold; how many this call stopped. */
export async function autoStopRunaways(now: Date): Promise<number> {
  const u = usersSql(db());
  const due = await db().query<{ id: number; user_id: number; stop_at: Date }>(
    `SELECT e.id, e.user_id, e.start_time + make_interval(hours => u.auto_stop_after_hours) AS stop_at
       FROM time_entries e JOIN ${u.from} ON ${u.id} = e.user_id
      WHERE e.end_time IS NULL AND u.auto_stop_after_hours > 0
        AND e.start_time + make_interval(hours => u.auto_stop_after_hours) <= $1::timestamptz
      ORDER BY e.id LIMIT ${BATCH}`,
    { bind: [now.toISOString()], type: QueryTypes.SELECT },
  );
  let stopped = 0;
  for (const row of due) {
    const user = await User.findByPk(row.user_id);
    if (!user) continue;
    try {
      // Null: stopped by its owner or another instance between the SELECT and the UPDATE.
      if (await stopEntryIfRunning(user, row.id, new Date(row.stop_at), { autoStopped: true })) stopped += 1;
    } catch (err) {
      logger.error({ err, entryId: row.id }, 'auto-stop failed');
    }
  }
  return stopped;
}

/** Claims the due reminders (one UPDATE) and emits `timer.reminder_due` for each; how many. */
export async function remindRunaways(now: Date): Promise<number> {
  const u = usersSql(db());
  const claimed = await db().query<{ id: number; user_id: number }>(
    `UPDATE time_entries e SET reminded_at = $1::timestamptz, remind_again_at = NULL
       FROM ${u.from}
      WHERE ${u.id} = e.user_id AND e.end_time IS NULL AND u.remind_after_hours > 0
        AND CASE WHEN e.remind_again_at IS NOT NULL THEN e.remind_again_at <= $1::timestamptz
                 ELSE e.reminded_at IS NULL AND e.start_time + make_interval(hours => u.remind_after_hours) <= $1::timestamptz END
        AND (u.auto_stop_after_hours = 0 OR e.start_time + make_interval(hours => u.auto_stop_after_hours) > $1::timestamptz)
      RETURNING e.id, e.user_id`,
    { bind: [now.toISOString()], type: QueryTypes.SELECT },
  );
  for (const row of claimed) {
    const [entry, user] = await Promise.all([TimeEntry.findByPk(row.id), User.findByPk(row.user_id)]);
    if (!entry || !user) continue;
    const [project, task] = await Promise.all([Project.findByPk(entry.project_id), entry.task_id ? Task.findByPk(entry.task_id) : null]);
    if (!project) continue;
    await events.emit('timer.reminder_due', { entry, user, project, task, runningSeconds: secondsBetween(entry.start_time, now) });
  }
  return claimed.length;
}

export async function runRunawayTimers(now: Date = new Date()): Promise<{ stopped: number; reminded: number }> {
  const stopped = await autoStopRunaways(now);
  const reminded = await remindRunaways(now);
  return { stopped, reminded };
}

export function runawayTimersJob(): Job {
  return { name: 'runaway_timers', rule: '0 * * * * *', run: ({ tickAt }) => runRunawayTimers(tickAt) };
}

/**
 * "Keep running": the owner's running entry gets its next reminder remind_after_hours from now.
 * False when the entry is not the user's or no longer running.
 */
export async function snoozeReminder(user: User, entryId: number, now: Date): Promise<boolean> {
  const [rows] = (await db().query(
    `UPDATE time_entries SET reminded_at = $3::timestamptz, remind_again_at = $3::timestamptz + make_interval(hours => $4::int)
      WHERE id = $1 AND user_id = $2 AND end_time IS NULL RETURNING id`,
    { bind: [entryId, user.id, now.toISOString(), Math.max(1, user.remind_after_hours)] },
  )) as [unknown[], unknown];
  return rows.length === 1;
}

export interface AutoStoppedNotice {
  id: number;
  project_name: string | null;
  duration_seconds: number;
  end_time: Date;
}

/** The user's newest auto-stopped entry of the last 24 h that the dashboard banner has not been dismissed for. */
export async function unseenAutoStop(userId: number, now: Date = new Date()): Promise<AutoStoppedNotice | null> {
  const [row] = await db().query<AutoStoppedNotice>(
    `SELECT e.id, p.name AS project_name, COALESCE(e.duration_seconds, 0) AS duration_seconds, e.end_time
       FROM time_entries e LEFT JOIN projects p ON p.id = e.project_id
      WHERE e.user_id = $1 AND e.auto_stopped AND e.auto_stop_seen_at IS NULL
        AND e.end_time > $2::timestamptz - interval '24 hours'
      ORDER BY e.end_time DESC, e.id DESC LIMIT 1`,
    { bind: [userId, now.toISOString()], type: QueryTypes.SELECT },
  );
  return row ?? null;
}

/** Dismisses the banner for one of the user's auto-stopped entries (404 for anything else). */
export async function acknowledgeAutoStop(userId: number, entryId: number, now: Date = new Date()): Promise<void> {
  const [rows] = (await db().query(
    `UPDATE time_entries SET auto_stop_seen_at = COALESCE(auto_stop_seen_at, $3::timestamptz)
      WHERE id = $1 AND user_id = $2 AND auto_stopped RETURNING id`,
    { bind: [entryId, userId, now.toISOString()] },
  )) as [unknown[], unknown];
  if (rows.length === 0) throw notFound('No auto-stopped entry with that id');
}
