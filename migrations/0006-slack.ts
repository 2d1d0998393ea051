// Slack connector schema: indexes that keep request routing bounded (cost independent of the
// number of users) and the per-channel pacing slots the outbox worker reserves before posting.
//  - integrations_slack_team_idx: rows of one Slack workspace (learned `slack_team_id`), newest
//    first; also serves "rows that have not learned a team yet" (IS NULL) in the same order.
//  - integrations_slack_recent_idx: newest eligible rows, for Events API requests (url_verification
//    carries neither a user nor a team).
//  - slack_channel_pacing: one row per channel; a worker may post only after taking the slot
//    (atomic upsert), which spaces messages to about one per second per channel across instances.
import type { QueryInterface } from 'sequelize';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query(`
    CREATE INDEX IF NOT EXISTS integrations_slack_team_idx
      ON integrations ((config->>'slack_team_id'), updated_at DESC)
      WHERE provider = 'slack_connector' AND is_active AND (config->>'signing_secret') IS NOT NULL;
    CREATE INDEX IF NOT EXISTS integrations_slack_recent_idx
      ON integrations (updated_at DESC)
      WHERE provider = 'slack_connector' AND is_active AND (config->>'signing_secret') IS NOT NULL;
    CREATE TABLE IF NOT EXISTS slack_channel_pacing (
      channel VARCHAR(100) PRIMARY KEY,
      next_send_at TIMESTAMPTZ NOT NULL
    );
    CREATE INDEX IF NOT EXISTS outbox_messages_failed_idx
      ON outbox_messages (integration_id, updated_at DESC) WHERE status = 'failed';
  `);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query(`
    DROP INDEX IF EXISTS outbox_messages_failed_idx;
    DROP TABLE IF EXISTS slack_channel_pacing;
    DROP INDEX IF EXISTS integrations_slack_recent_idx;
    DROP INDEX IF EXISTS integrations_slack_team_idx;
  `);
}
