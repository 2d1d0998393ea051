// Today's summary: completed entries whose start lies in the user's local day (DST-safe: the
// day's bounds are computed by PostgreSQL in the user's IANA time zone).
import { QueryTypes } from 'sequelize';
import type { User } from '../models/index.js';
import { db, TimeEntry } from '../models/index.js';

export interface DaySummary {
  hours: number;
  projects: number;
  seconds: number;
}

export async function todaySummary(user: Pick<User, 'id' | 'timezone'>, now: Date = new Date()): Promise<DaySummary> {
  const rows = await db().query<{ secs: string | null; projects: string }>(
    `SELECT COALESCE(SUM(duration_seconds), 0) AS secs, COUNT(DISTINCT project_id) AS projects
       FROM time_entries
      WHERE user_id = $1
        AND end_time IS NOT NULL
        AND start_time >= (date_trunc('day', $2::timestamptz AT TIME ZONE $3) AT TIME ZONE $3)
        AND start_time <  ((date_trunc('day', $2::timestamptz AT TIME ZONE $3) + interval '1 day') AT TIME ZONE $3)`,
    { bind: [user.id, now.toISOString(), user.timezone || 'UTC'], type: QueryTypes.SELECT },
  );
  const seconds = Number(rows[0]?.secs ?? 0);
  return { seconds, hours: Math.round((seconds / 3600) * 100) / 100, projects: Number(rows[0]?.projects ?? 0) };
}
