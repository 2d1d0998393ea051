// runaway-timers: per-user reminder and auto-stop thresholds on the host's user table, and on
// time_entries the marks of the runaway_timers job (auto_stopped, auto_stop_seen_at, reminded_at,
// remind_again_at). Defensive like 0002: ADD COLUMN IF NOT EXISTS, so a re-run is a no-op.
import type { QueryInterface } from 'sequelize';
import { hostUsers, ident } from '../src/db/hostUsers.js';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  const users = ident(hostUsers(qi.sequelize).table);
  await qi.sequelize.query(`
    ALTER TABLE ${users}
      ADD COLUMN IF NOT EXISTS remind_after_hours INTEGER NOT NULL DEFAULT 4,
      ADD COLUMN IF NOT EXISTS auto_stop_after_hours INTEGER NOT NULL DEFAULT 10;
    ALTER TABLE time_entries
      ADD COLUMN IF NOT EXISTS auto_stopped BOOLEAN NOT NULL DEFAULT false,
      ADD COLUMN IF NOT EXISTS auto_stop_seen_at TIMESTAMPTZ,
      ADD COLUMN IF NOT EXISTS reminded_at TIMESTAMPTZ,
      ADD COLUMN IF NOT EXISTS remind_again_at TIMESTAMPTZ;
    CREATE INDEX IF NOT EXISTS time_entries_auto_stopped_idx ON time_entries (user_id, end_time DESC) WHERE auto_stopped;
  `);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  const users = ident(hostUsers(qi.sequelize).table);
  await qi.sequelize.query(`
    DROP INDEX IF EXISTS time_entries_auto_stopped_idx;
    ALTER TABLE time_entries
      DROP COLUMN IF EXISTS remind_again_at,
      DROP COLUMN IF EXISTS reminded_at,
      DROP COLUMN IF EXISTS auto_stop_seen_at,
      DROP COLUMN IF EXISTS auto_stopped;
    ALTER TABLE ${users}
      DROP COLUMN IF EXISTS auto_stop_after_hours,
      DROP COLUMN IF EXISTS remind_after_hours;
  `);
}
