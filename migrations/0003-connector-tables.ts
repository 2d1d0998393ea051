// Tables the connectors share: webhook delivery log (idempotency), OAuth states (single use,
// bound to a session), the durable outbox (Slack notifications and summaries), Google Calendar
// export records, and expression indexes so webhook/command routing never scans integrations.
import type { QueryInterface } from 'sequelize';
import { usersSql } from '../src/db/hostUsers.js';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query(`
    CREATE TABLE IF NOT EXISTS webhook_deliveries (
      id BIGSERIAL PRIMARY KEY,
      provider VARCHAR(40) NOT NULL,
      delivery_id VARCHAR(200) NOT NULL,
      integration_id INTEGER REFERENCES integrations(id) ON DELETE SET NULL,
      event VARCHAR(100),
      received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      UNIQUE (provider, delivery_id)
    );
    CREATE INDEX IF NOT EXISTS webhook_deliveries_received_idx ON webhook_deliveries (received_at);
    CREATE TABLE IF NOT EXISTS oauth_states (
      state_hash VARCHAR(64) PRIMARY KEY,
      provider VARCHAR(40) NOT NULL,
      user_id INTEGER NOT NULL ${usersSql(qi.sequelize).references} ON DELETE CASCADE,
      session_hash VARCHAR(64) NOT NULL,
      code_verifier TEXT NOT NULL,
      expires_at TIMESTAMPTZ NOT NULL,
      used_at TIMESTAMPTZ,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE TABLE IF NOT EXISTS outbox_messages (
      id BIGSERIAL PRIMARY KEY,
      provider VARCHAR(40) NOT NULL,
      integration_id INTEGER NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
      kind VARCHAR(40) NOT NULL,
      channel VARCHAR(100),
      payload JSONB NOT NULL,
      dedupe_key VARCHAR(200) UNIQUE,
      status VARCHAR(10) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      locked_until TIMESTAMPTZ,
      last_error TEXT,
      sent_at TIMESTAMPTZ,
      created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
    );
    CREATE INDEX IF NOT EXISTS outbox_messages_due_idx ON outbox_messages (next_attempt_at) WHERE status = 'pending';
    CREATE TABLE IF NOT EXISTS calendar_exports (
      id SERIAL PRIMARY KEY,
      integration_id INTEGER NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
      time_entry_id INTEGER NOT NULL REFERENCES time_entries(id) ON DELETE CASCADE,
      event_id VARCHAR(1024) NOT NULL,
      entry_updated_at TIMESTAMPTZ NOT NULL,
      exported_at TIMESTAMPTZ NOT NULL DEFAULT now(),
      UNIQUE (integration_id, time_entry_id)
    );
    CREATE INDEX IF NOT EXISTS integrations_slack_user_idx
      ON integrations ((config->>'linked_slack_user_id')) WHERE provider = 'slack_connector';
    CREATE INDEX IF NOT EXISTS integrations_github_repo_idx
      ON integrations (lower((config->>'repo_owner') || '/' || (config->>'repo_name')))
      WHERE provider = 'github_connector';
  `);
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query(`
    DROP INDEX IF EXISTS integrations_github_repo_idx;
    DROP INDEX IF EXISTS integrations_slack_user_idx;
    DROP TABLE IF EXISTS calendar_exports, outbox_messages, oauth_states, webhook_deliveries CASCADE;
  `);
}
