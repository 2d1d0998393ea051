// Which connectors exist is the connector registry's business (src/integrations/index.ts), not the
// schema's: the CHECKs that listed the providers of `integrations.provider` and the sources of
// `time_entries.source` are replaced by checks of their shape (lower snake case, within the column
// length), so adding a connector needs no migration of these tables. The models check the same shape
// and the app refuses a connector list with a malformed or duplicate provider or source.
import type { QueryInterface } from 'sequelize';

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query(`
    ALTER TABLE integrations DROP CONSTRAINT IF EXISTS integrations_provider_check;
    ALTER TABLE integrations DROP CONSTRAINT IF EXISTS integrations_provider_format;
    ALTER TABLE integrations ADD CONSTRAINT integrations_provider_format CHECK (provider ~ '^[a-z][a-z0-9_]{0,39}$');
    ALTER TABLE time_entries DROP CONSTRAINT IF EXISTS time_entries_source_check;
    ALTER TABLE time_entries DROP CONSTRAINT IF EXISTS time_entries_source_format;
    ALTER TABLE time_entries ADD CONSTRAINT time_entries_source_format CHECK (source ~ '^[a-z][a-z0-9_]{0,19}$');
  `);
}

/** Restores the lists of 0001; fails (and, in its transaction, changes nothing) while rows of other connectors exist. */
export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query(`
    ALTER TABLE integrations DROP CONSTRAINT IF EXISTS integrations_provider_format;
    ALTER TABLE integrations DROP CONSTRAINT IF EXISTS integrations_provider_check;
    ALTER TABLE integrations ADD CONSTRAINT integrations_provider_check
      CHECK (provider IN ('github_connector', 'google_calendar_connector', 'slack_connector'));
    ALTER TABLE time_entries DROP CONSTRAINT IF EXISTS time_entries_source_format;
    ALTER TABLE time_entries DROP CONSTRAINT IF EXISTS time_entries_source_check;
    ALTER TABLE time_entries ADD CONSTRAINT time_entries_source_check
      CHECK (source IN ('manual', 'timer', 'api', 'slack', 'github', 'google_calendar'));
  `);
}
