// Change notifications for in-process caches. Statement-level triggers on the tables that decide
// where a webhook goes (integrations, their owners, projects, project members) send
// `NOTIFY tt_changes, '<table>'`. PostgreSQL delivers a notification at commit, once per distinct
// payload per transaction, to every listening instance; src/db/changeFeed.ts listens and
// invalidates. Statement-level (not per row): a bulk update costs one notification.
import type { QueryInterface, Sequelize } from 'sequelize';
import { hostUsers, ident } from '../src/db/hostUsers.js';

export const CHANGE_CHANNEL = 'tt_changes';

/** The watched tables: the plugin's three and the host's user table. */
export const watchedTables = (sequelize: Sequelize): string[] => ['integrations', hostUsers(sequelize).table, 'projects', 'project_members'];

export async function up({ context: qi }: { context: QueryInterface }): Promise<void> {
  await qi.sequelize.query(`
    CREATE OR REPLACE FUNCTION tt_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('${CHANGE_CHANNEL}', TG_TABLE_NAME);
      RETURN NULL;
    END $$;
  `);
  for (const table of watchedTables(qi.sequelize).map(ident)) {
    await qi.sequelize.query(`
      DROP TRIGGER IF EXISTS tt_notify_change ON ${table};
      CREATE TRIGGER tt_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION tt_notify_change();
    `);
  }
}

export async function down({ context: qi }: { context: QueryInterface }): Promise<void> {
  for (const table of watchedTables(qi.sequelize).map(ident)) await qi.sequelize.query(`DROP TRIGGER IF EXISTS tt_notify_change ON ${table}`);
  await qi.sequelize.query('DROP FUNCTION IF EXISTS tt_notify_change()');
}
