// What a user worked on lately, from their own time entries: the last distinct project/task pairs
// (the dashboard's Continue buttons) and when each project was last used (the order of its
// project choice). Only projects the user may still use — allowed (services/access.ts) and active,
// so that every pair can be started again.
import { QueryTypes } from 'sequelize';
import { db, type User } from '../models/index.js';
import { allowedProjectIds } from './access.js';

export interface RecentPair {
  project_id: number;
  project_name: string;
  task_id: number | null;
  task_name: string | null;
  /** `github_issue_42` for a GitHub task (the panel shows `#42`). */
  task_external_ref: string | null;
  last_used_at: Date;
}

/** `null`: every project (an admin); otherwise the allowed ids, as one bind parameter. */
async function allowedBind(user: User): Promise<number[] | null> {
  const ids = await allowedProjectIds(user);
  return ids === 'all' ? null : ids;
}

/** The user's last `limit` distinct (project, task) pairs, most recently started first. */
export async function recentPairs(user: User, limit = 5): Promise<RecentPair[]> {
  const rows = await db().query<RecentPair>(
    `SELECT r.project_id, p.name AS project_name, r.task_id, t.name AS task_name, t.external_ref AS task_external_ref, r.last_used_at
       FROM (SELECT e.project_id, e.task_id, MAX(e.start_time) AS last_used_at
               FROM time_entries e
              WHERE e.user_id = $1
              GROUP BY e.project_id, e.task_id) r
       JOIN projects p ON p.id = r.project_id AND p.status = 'active'
       LEFT JOIN tasks t ON t.id = r.task_id
      WHERE ($2::int[] IS NULL OR r.project_id = ANY($2::int[]))
        AND (r.task_id IS NULL OR t.project_id = r.project_id)
      ORDER BY r.last_used_at DESC, r.project_id, r.task_id NULLS FIRST
      LIMIT $3`,
    { bind: [user.id, await allowedBind(user), limit], type: QueryTypes.SELECT },
  );
  return rows.map((r) => ({ ...r, last_used_at: new Date(r.last_used_at) }));
}

/** When the user last started an entry on each project (projects never used are absent). */
export async function projectsLastUsed(user: User): Promise<Map<number, Date>> {
  const rows = await db().query<{ project_id: number; last_used_at: Date }>(
    `SELECT project_id, MAX(start_time) AS last_used_at FROM time_entries WHERE user_id = $1 GROUP BY project_id`,
    { bind: [user.id], type: QueryTypes.SELECT },
  );
  return new Map(rows.map((r) => [r.project_id, new Date(r.last_used_at)]));
}
