// One user's week: seconds per project/task row and local day, Monday to Sunday in the user's
// IANA time zone. PostgreSQL computes the days' bounds (DST-safe: a day may last 23 or 25 hours)
// and splits an entry that crosses local midnight into the days it covers; a running entry counts
// up to `now`. Unlike the reports, which count an entry on the day it starts, a timesheet shows
// the time worked on each day.
import { QueryTypes } from 'sequelize';
import { db } from '../models/index.js';

export interface WeekQuery {
  userId: number;
  timeZone: string;
  /** Any local date of the wanted week, `YYYY-MM-DD`; undefined: the week of `now`. */
  week?: string;
  now: Date;
}

export interface WeekEntry {
  id: number;
  project_id: number;
  task_id: number | null;
  start_time: string;
  end_time: string | null;
  notes: string | null;
  billable: boolean;
  source: string;
  running: boolean;
  /** Seconds of this entry on each day of the week (Monday first). */
  days: number[];
}

export interface WeekRow {
  project_id: number;
  project_name: string;
  task_id: number | null;
  task_name: string | null;
  external_ref: string | null;
  days: number[];
  total_seconds: number;
}

export interface Week {
  timezone: string;
  week_start: string;
  week_end: string;
  days: string[];
  /** The user's local date at `now` (to mark today's column). */
  today: string;
  rows: WeekRow[];
  day_totals: number[];
  total_seconds: number;
  /** The running timer when it falls in this week: its row and the last day of the week it reaches. */
  running: { entry_id: number; project_id: number; task_id: number | null; day: number; start_time: string } | null;
  entries: WeekEntry[];
}

interface PieceRow {
  week_start: string;
  today: string;
  id: number | null;
  project_id: number;
  project_name: string;
  task_id: number | null;
  task_name: string | null;
  external_ref: string | null;
  start_time: Date;
  end_time: Date | null;
  notes: string | null;
  billable: boolean;
  source: string;
  day: number;
  secs: string;
}

// $1 zone, $2 wanted date or NULL, $3 user, $4 now. `w` always yields one row, so an empty week
// still answers its dates. A piece's seconds are measured from the entry's start and floored
// there, so the pieces of an entry add up to its whole seconds.
const WEEK_SQL = `
  WITH w AS (
    SELECT date_trunc('week', COALESCE($2::date, ($4::timestamptz AT TIME ZONE $1)::date))::date AS monday,
           to_char(($4::timestamptz AT TIME ZONE $1)::date, 'YYYY-MM-DD') AS today
  ),
  d AS (
    SELECT i AS day, ((w.monday + i)::timestamp AT TIME ZONE $1) AS lo, ((w.monday + i + 1)::timestamp AT TIME ZONE $1) AS hi
      FROM w, generate_series(0, 6) AS i
  ),
  e AS (
    SELECT te.*, COALESCE(te.end_time, GREATEST($4::timestamptz, te.start_time)) AS until
      FROM time_entries te, w
     WHERE te.user_id = $3
       AND te.start_time < ((w.monday + 7)::timestamp AT TIME ZONE $1)
       AND COALESCE(te.end_time, GREATEST($4::timestamptz, te.start_time)) >= (w.monday::timestamp AT TIME ZONE $1)
  ),
  p AS (
    SELECT e.*, d.day,
           floor(extract(epoch FROM (LEAST(e.until, d.hi) - e.start_time)))
             - floor(extract(epoch FROM (GREATEST(e.start_time, d.lo) - e.start_time))) AS secs
      FROM e JOIN d ON e.start_time < d.hi AND (e.until > d.lo OR (e.until = e.start_time AND e.start_time >= d.lo))
  )
  SELECT to_char(w.monday, 'YYYY-MM-DD') AS week_start, w.today, p.id, p.project_id, pr.name AS project_name,
         p.task_id, t.name AS task_name, t.external_ref, p.start_time, p.end_time, p.notes, p.billable, p.source, p.day, p.secs
    FROM w
    LEFT JOIN p ON true
    LEFT JOIN projects pr ON pr.id = p.project_id
    LEFT JOIN tasks t ON t.id = p.task_id
   ORDER BY pr.name, p.project_id, t.id IS NOT NULL, t.name, p.task_id, p.start_time, p.id, p.day`;

const DAY_MS = 86_400_000;
/** `YYYY-MM-DD` plus n calendar days. */
export const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const zeros = () => [0, 0, 0, 0, 0, 0, 0];
const rowKey = (projectId: number, taskId: number | null) => `${projectId}:${taskId ?? ''}`;

/** The week of `q.week` (or of now) for one user, in their time zone. */
export async function weekTimesheet(q: WeekQuery): Promise<Week> {
  const pieces = await db().query<PieceRow>(WEEK_SQL, {
    bind: [q.timeZone, q.week ?? null, q.userId, q.now.toISOString()],
    type: QueryTypes.SELECT,
  });
  const weekStart = pieces[0].week_start;
  const rows = new Map<string, WeekRow>();
  const entries = new Map<number, WeekEntry>();
  for (const p of pieces) {
    if (p.id === null) continue;
    const secs = Number(p.secs);
    const key = rowKey(p.project_id, p.task_id);
    const row = rows.get(key) ?? { project_id: p.project_id, project_name: p.project_name, task_id: p.task_id, task_name: p.task_name, external_ref: p.external_ref, days: zeros(), total_seconds: 0 };
    row.days[p.day] += secs;
    row.total_seconds += secs;
    rows.set(key, row);
    const entry = entries.get(p.id) ?? {
      id: p.id, project_id: p.project_id, task_id: p.task_id, start_time: p.start_time.toISOString(), end_time: p.end_time?.toISOString() ?? null,
      notes: p.notes, billable: p.billable, source: p.source, running: p.end_time === null, days: zeros(),
    };
    entry.days[p.day] += secs;
    entries.set(p.id, entry);
  }
  const list = [...rows.values()];
  const dayTotals = zeros().map((_, i) => list.reduce((n, r) => n + r.days[i], 0));
  const run = [...entries.values()].find((e) => e.running);
  return {
    timezone: q.timeZone,
    week_start: weekStart,
    week_end: addDays(weekStart, 6),
    days: zeros().map((_, i) => addDays(weekStart, i)),
    today: pieces[0].today,
    rows: list,
    day_totals: dayTotals,
    total_seconds: dayTotals.reduce((n, s) => n + s, 0),
    running: run ? { entry_id: run.id, project_id: run.project_id, task_id: run.task_id, day: lastDay(pieces, run.id), start_time: run.start_time } : null,
    entries: [...entries.values()],
  };
}

/** The last day of the week an entry's pieces reach. */
const lastDay = (pieces: PieceRow[], id: number) => Math.max(...pieces.filter((p) => p.id === id).map((p) => p.day));
