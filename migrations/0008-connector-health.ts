// Connector health: when a connector last proved it works and when it last failed. A connector is
// "Connected" only after a success (a passing test or a successful use); a failure keeps its time
// next to `last_error`. Existing rows are backfilled from what they already recorded: a failed
// run's time from last_sync_at (else updated_at), a success from a successful or partial sync, or
// from the moment a Google account was connected.
//
// Recording health must not look like a routing change: the change-notify trigger of
// `integrations` (0007) now fires only for the columns a cache reads (owner, provider, switch,
// config), not for the bookkeeping columns written after every sync, test or use.
import type { QueryInterface } from 'sequelize';

const TRIGGER_SQL = (events: string) => `
    DROP TRIGGER IF EXISTS tt_notify_change ON integrations;
    CREATE TRIGGER tt_notify_change AFTER ${events} ON integrations
      FOR EACH STATEMENT EXECUTE FUNCTION tt_notify_change();`;
const ROUTING_EVENTS = 'INSERT OR DELETE OR TRUNCATE OR UPDATE OF id, user_id, provider, is_active, config';
const EVERY_EVENT = 'INSERT OR UPDATE OR DELETE OR TRUNCATE';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query(`
    ALTER TABLE integrations
      ADD COLUMN IF NOT EXISTS last_error_at TIMESTAMPTZ,
      ADD COLUMN IF NOT EXISTS last_success_at TIMESTAMPTZ;
    UPDATE integrations SET last_error_at = COALESCE(last_sync_at, updated_at)
     WHERE last_error IS NOT NULL AND last_error_at IS NULL;
    UPDATE integrations
       SET last_success_at = COALESCE(
             CASE WHEN last_sync_status IN ('success', 'partial') THEN last_sync_at END,
             CASE WHEN config->>'connected_at' ~ '^\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z$' THEN (config->>'connected_at')::timestamptz END)
     WHERE last_success_at IS NULL;
  `);
  await qi.sequelize.query(TRIGGER_SQL(ROUTING_EVENTS));
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query(TRIGGER_SQL(EVERY_EVENT));
  await qi.sequelize.query(`
    ALTER TABLE integrations DROP COLUMN IF EXISTS last_success_at, DROP COLUMN IF EXISTS last_error_at;
  `);
}
