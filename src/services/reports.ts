// Reports over a range of local dates: who may see what, the SQL filter every report shares, and
// the grouped summary. Dates are calendar days in the requesting user's IANA time zone; an entry
// belongs to the day its start lies in, and PostgreSQL computes the days' bounds (DST-safe: a
// day may last 23 or 25 hours). Running entries count up to `now`.
import { QueryTypes } from 'sequelize';
import { usersSql } from '../db/hostUsers.js';
import { forbidden, notFound } from '../errors.js';
import { db, Project, User } from '../models/index.js';
import { isProjectAllowed } from './access.js';

export const MAX_REPORT_DAYS = 366;
export const GROUPS = ['project', 'task', 'day', 'user'] as const;
export type GroupBy = (typeof GROUPS)[number];

export interface ReportFilter {
  /** First and last local date, `YYYY-MM-DD`, both included. */
  from: string;
  to: string;
  timeZone: string;
  /** Running entries count up to this instant. */
  now: Date;
  /** One user's entries; undefined: every user's (admins only, see reportUserId). */
  userId?: number;
  projectId?: number;
  billable?: boolean;
}

/** Whose entries a report covers: others' only for admins; an admin naming nobody gets everyone's. */
export async function reportUserId(user: User, requested: number | undefined): Promise<number | undefined> {
  if (requested === undefined) return user.isAdmin ? undefined : user.id;
  if (requested === user.id) return user.id;
  if (!user.isAdmin) throw forbidden('Only admins may report on other users');
  if (!(await User.findByPk(requested))) throw notFound('User not found');
  return requested;
}

/** A report may be limited to a project the user may use (admins: any). */
export async function requireReportProject(user: User, projectId: number): Promise<void> {
  if (!(await Project.findByPk(projectId))) throw notFound('Project not found');
  if (!(await isProjectAllowed(user, projectId))) throw forbidden('You may not report on this project (not a member)');
}

export function requireGroupAllowed(user: User, groupBy: GroupBy): void {
  if (groupBy === 'user' && !user.isAdmin) throw forbidden('Only admins may group by user');
}

/**
 * `WHERE` conditions on `time_entries te` and their bind values: $1 time zone, $2 from, $3 to,
 * $4 now; further filters follow.
 */
export function filterSql(f: ReportFilter): { where: string[]; bind: unknown[] } {
  const bind: unknown[] = [f.timeZone, f.from, f.to, f.now.toISOString()];
  const where = [
    `te.start_time >= ($2::date::timestamp AT TIME ZONE $1)`,
    `te.start_time < (($3::date + 1)::timestamp AT TIME ZONE $1)`,
  ];
  const add = (column: string, value: unknown) => {
    bind.push(value);
    where.push(`te.${column} = $${bind.length}`);
  };
  if (f.userId !== undefined) add('user_id', f.userId);
  if (f.projectId !== undefined) add('project_id', f.projectId);
  if (f.billable !== undefined) add('billable', f.billable);
  return { where, bind };
}

/** An entry's seconds: stored for completed entries, up to $4 (now) for a running one. */
export const SECONDS_SQL = `(CASE WHEN te.end_time IS NULL
    THEN GREATEST(0, floor(extract(epoch FROM ($4::timestamptz - te.start_time))))
    ELSE COALESCE(te.duration_seconds, floor(extract(epoch FROM (te.end_time - te.start_time)))) END)::bigint`;

/** `full_name`, or the login name when it is empty. */
export const displayNameSql = (u: ReturnType<typeof usersSql>) => `COALESCE(NULLIF(${u.name}, ''), ${u.username})`;

export interface SummaryGroup {
  key: number | string | null;
  label: string;
  seconds: number;
  billable_seconds: number;
  entries: number;
}

export interface Summary {
  total_seconds: number;
  billable_seconds: number;
  groups: SummaryGroup[];
}

const SUMS = `COALESCE(SUM(e.secs), 0) AS seconds, COALESCE(SUM(e.secs) FILTER (WHERE e.billable), 0) AS billable_seconds, COUNT(e.secs) AS entries`;

/** One SELECT over the filtered entries `e` per grouping; `day` lists every date of the range. */
function groupSql(groupBy: GroupBy): string {
  const u = usersSql(db());
  switch (groupBy) {
    case 'project':
      return `SELECT p.id AS key, p.name AS label, ${SUMS} FROM e JOIN projects p ON p.id = e.project_id
               GROUP BY p.id, p.name ORDER BY p.name, p.id`;
    case 'task':
      return `SELECT t.id AS key, COALESCE(t.name, 'No task') AS label, ${SUMS} FROM e LEFT JOIN tasks t ON t.id = e.task_id
               GROUP BY t.id, t.name ORDER BY t.id IS NULL, t.name, t.id`;
    case 'user':
      return `SELECT ${u.id} AS key, ${displayNameSql(u)} AS label, ${SUMS} FROM e JOIN ${u.from} ON ${u.id} = e.user_id
               GROUP BY ${u.id}, ${u.name}, ${u.username} ORDER BY 2, 1`;
    case 'day':
      return `SELECT to_char(d.day, 'YYYY-MM-DD') AS key, to_char(d.day, 'YYYY-MM-DD') AS label, ${SUMS}
                FROM generate_series($2::date::timestamp, $3::date::timestamp, interval '1 day') AS d(day)
                LEFT JOIN e ON e.day = d.day::date
               GROUP BY d.day ORDER BY d.day`;
  }
}

/** Seconds, billable seconds and entry counts per group, computed in PostgreSQL. */
export async function reportSummary(f: ReportFilter, groupBy: GroupBy): Promise<Summary> {
  const { where, bind } = filterSql(f);
  const rows = await db().query<{ key: number | string | null; label: string; seconds: string; billable_seconds: string; entries: string }>(
    `WITH e AS (
       SELECT te.user_id, te.project_id, te.task_id, te.billable, (te.start_time AT TIME ZONE $1)::date AS day, ${SECONDS_SQL} AS secs
         FROM time_entries te
        WHERE ${where.join(' AND ')}
     )
     ${groupSql(groupBy)}`,
    { bind, type: QueryTypes.SELECT },
  );
  const groups = rows.map((r) => ({
    key: r.key,
    label: r.label,
    seconds: Number(r.seconds),
    billable_seconds: Number(r.billable_seconds),
    entries: Number(r.entries),
  }));
  const sum = (pick: (g: SummaryGroup) => number) => groups.reduce((n, g) => n + pick(g), 0);
  return { total_seconds: sum((g) => g.seconds), billable_seconds: sum((g) => g.billable_seconds), groups };
}
