// Job `google_calendar_sync` (every 30 minutes, one run per tick across instances through the
// scheduler): every active, connected row that does not need a reconnect is synced, a bounded
// number at a time; one user's failure is recorded on their row and never stops the others.
import { QueryTypes } from 'sequelize';
import { usersSql } from '../../db/hostUsers.js';
import type { Job } from '../../jobs/scheduler.js';
import { logger } from '../../lib/logger.js';
import { Integration } from '../../models/index.js';
import { recordSync } from '../health.js';
import { PROVIDER } from './settings.js';
import { syncIntegration } from './sync.js';
import type { GoogleDeps } from './types.js';

export const JOB_NAME = 'google_calendar_sync';
export const JOB_RULE = '*/30 * * * *';
export const JOB_CONCURRENCY = 8;

export interface JobSummary {
  rows: number;
  succeeded: number;
  failed: number;
}

/** Ids of the rows the job syncs: active, holding a refresh token, owner active, no reconnect pending. */
export async function dueRowIds(deps: GoogleDeps): Promise<number[]> {
  const u = usersSql(deps.sequelize);
  const rows = await deps.sequelize.query<{ id: number }>(
    `SELECT i.id FROM integrations i JOIN ${u.from} ON ${u.id} = i.user_id
      WHERE i.provider = $1 AND i.is_active AND ${u.isActive}
        AND (i.config->>'refresh_token') IS NOT NULL
        AND coalesce(i.config->>'needs_reconnect', 'false') NOT IN ('true', '1', 'on')
      ORDER BY i.id`,
    { bind: [PROVIDER], type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.id);
}

/** Runs `fn` over `items`, at most `limit` at a time; stops taking new items once `signal` aborts. */
export async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Syncs one row; an unexpected exception is recorded on that row instead of escaping. */
async function syncIsolated(deps: GoogleDeps, rowId: number): Promise<boolean> {
  try {
    return (await syncIntegration(deps, rowId)).ok;
  } catch (err) {
    logger.error({ err, integrationId: rowId }, 'google calendar sync failed');
    const row = await Integration.findByPk(rowId).catch(() => null);
    if (row) await recordSync(row, 'error', 'Sync failed unexpectedly; it is retried at the next run').catch(() => undefined);
    return false;
  }
}

export async function runGoogleCalendarSync(deps: GoogleDeps, signal?: AbortSignal): Promise<JobSummary> {
  const ids = await dueRowIds(deps);
  const summary: JobSummary = { rows: ids.length, succeeded: 0, failed: 0 };
  await forEachLimited(ids, JOB_CONCURRENCY, async (id) => {
    if (await syncIsolated(deps, id)) summary.succeeded += 1;
    else summary.failed += 1;
  }, signal);
  return summary;
}

export function googleCalendarJobs(deps: GoogleDeps): Job[] {
  return [{ name: JOB_NAME, rule: JOB_RULE, run: ({ signal }) => runGoogleCalendarSync(deps, signal) }];
}
