// The Projects list's two extra columns, for the records on the page, in two queries: how many
// members a project has, and its hours this week (Monday to now in the viewer's timezone; admins
// see everyone's time, members their own).
import type { ActionContext, ActionResponse, RecordJSON } from 'adminjs';
import { QueryTypes } from 'sequelize';
import { db } from '../../src/models/index.js';
import { isAdminUser, userFor } from '../access.js';

interface Row { project_id: number; n: string | number }

async function perProject(sql: string, bind: unknown[]): Promise<Map<number, number>> {
  const rows = await db().query<Row>(sql, { bind, type: QueryTypes.SELECT });
  return new Map(rows.map((r) => [Number(r.project_id), Number(r.n)]));
}

const MEMBERS = 'SELECT project_id, COUNT(*) AS n FROM project_members WHERE project_id = ANY($1::int[]) GROUP BY project_id';

/** Seconds of each project's entries that fall in this week (running timers count up to now). */
const WEEK_SECONDS = `
  WITH w AS (SELECT date_trunc('week', now() AT TIME ZONE $2) AT TIME ZONE $2 AS start)
  SELECT e.project_id,
         SUM(EXTRACT(EPOCH FROM (LEAST(COALESCE(e.end_time, now()), w.start + interval '7 days') - GREATEST(e.start_time, w.start)))) AS n
    FROM time_entries e, w
   WHERE e.project_id = ANY($1::int[]) AND e.start_time < w.start + interval '7 days' AND COALESCE(e.end_time, now()) > w.start
     AND ($3::int IS NULL OR e.user_id = $3::int)
   GROUP BY e.project_id`;

export async function withProjectStats(response: ActionResponse, _request: unknown, context: ActionContext): Promise<ActionResponse> {
  const records: RecordJSON[] = Array.isArray(response.records) ? response.records : response.record ? [response.record as RecordJSON] : [];
  if (!records.length) return response;
  const ids = records.map((r) => Number(r.id));
  const viewer = await userFor(context.currentAdmin);
  const own = isAdminUser(context.currentAdmin) ? null : (viewer?.id ?? -1);
  const [members, seconds] = await Promise.all([
    perProject(MEMBERS, [ids]),
    perProject(WEEK_SECONDS, [ids, viewer?.timezone || 'UTC', own]),
  ]);
  for (const r of records) {
    r.params.members = members.get(Number(r.id)) ?? 0;
    r.params.hours_this_week = Math.floor(seconds.get(Number(r.id)) ?? 0);
  }
  return response;
}
