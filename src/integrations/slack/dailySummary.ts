// The daily summary: once per user per local date, when the user's local time has passed
// `daily_summary_time` (within a 3-hour grace). The exactly-once marker is the outbox dedupe key
// `slack-summary:{integrationId}:{local date}`, inserted with ON CONFLICT DO NOTHING, so restarts,
// replicas and overlapping ticks cannot post twice; after the grace nothing is posted late.
import { QueryTypes } from 'sequelize';
import { logger } from '../../lib/logger.js';
import { usersSql } from '../../db/hostUsers.js';
import { db } from '../../models/index.js';
import type { StoredConfig } from '../../models/integration.js';
import { todaySummary } from '../../services/summary.js';
import { localDate } from '../../services/time.js';
import { readSettings } from './settings.js';
import { previousDate, zonedInstant } from './localTime.js';
import { dailySummaryText } from './messages.js';
import { zoneOf } from './notify.js';
import { enqueueMessage } from './outbox.js';

export const GRACE_MS = 3 * 3600_000;
const BATCH = 500;

export interface DueSummary {
  /** The local date the summary is for (YYYY-MM-DD). */
  date: string;
  /** The instant the local clock showed daily_summary_time on that date. */
  scheduledAt: Date;
}

/** The local date whose summary is due at `now`, if any (today's, or yesterday's late in the night). */
export function dueSummary(now: Date, time: string, timeZone: string): DueSummary | null {
  const today = localDate(now, timeZone);
  for (const date of [today, previousDate(today)]) {
    const scheduledAt = zonedInstant(date, time, timeZone);
    const late = now.getTime() - scheduledAt.getTime();
    if (late >= 0 && late < GRACE_MS) return { date, scheduledAt };
  }
  return null;
}

interface SummaryRow {
  id: number;
  user_id: number;
  config: StoredConfig;
  timezone: string;
  full_name: string | null;
  username: string;
}

export const summaryKey = (integrationId: number, date: string) => `slack-summary:${integrationId}:${date}`;

async function alreadyQueued(key: string): Promise<boolean> {
  const rows = await db().query('SELECT 1 FROM outbox_messages WHERE dedupe_key = $1', { bind: [key], type: QueryTypes.SELECT });
  return rows.length > 0;
}

async function summarise(row: SummaryRow, now: Date): Promise<boolean> {
  const settings = readSettings(row.config);
  if (!settings.daily_summary || !settings.channel_id || typeof row.config.bot_token !== 'string') return false;
  const timeZone = zoneOf(row);
  const due = dueSummary(now, settings.daily_summary_time, timeZone);
  if (!due) return false;
  const dedupeKey = summaryKey(row.id, due.date);
  if (await alreadyQueued(dedupeKey)) return false;
  const day = await todaySummary({ id: row.user_id, timezone: timeZone }, due.scheduledAt);
  const text = dailySummaryText({ displayName: row.full_name || row.username, hours: day.hours, projects: day.projects });
  return enqueueMessage({ integrationId: row.id, kind: 'daily_summary', channel: settings.channel_id, text, dedupeKey });
}

/** One pass over every active Slack row with the summary on; returns how many summaries were queued. */
export async function enqueueDailySummaries(now: Date = new Date()): Promise<number> {
  let cursor = 0;
  let queued = 0;
  for (;;) {
    const u = usersSql(db());
    const rows = await db().query<SummaryRow>(
      `SELECT i.id, i.user_id, i.config, u.timezone, ${u.name} AS full_name, ${u.username} AS username
         FROM integrations i JOIN ${u.from} ON ${u.id} = i.user_id
        WHERE i.provider = 'slack_connector' AND i.is_active AND ${u.isActive}
          AND lower(i.config->>'daily_summary') IN ('true', '1', 'on', 'yes') AND i.id > $1
        ORDER BY i.id LIMIT ${BATCH}`,
      { bind: [cursor], type: QueryTypes.SELECT },
    );
    for (const row of rows) {
      try {
        if (await summarise(row, now)) queued += 1;
      } catch (err) {
        // One user's broken row never stops the others; the next tick (within the grace) retries.
        logger.error({ err, integrationId: row.id }, 'slack daily summary failed');
      }
    }
    if (rows.length < BATCH) return queued;
    cursor = rows[rows.length - 1].id;
  }
}
