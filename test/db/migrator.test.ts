import { expect } from 'chai';
import type { Sequelize } from 'sequelize';
import { QueryTypes } from 'sequelize';
import * as addIntegrationColumns from '../../migrations/0002-add-integration-columns.js';
import * as hostSchema from '../../migrations/0001-host-schema.js';
import { setHostUsers } from '../../src/db/hostUsers.js';
import { createMigrator, MIGRATIONS, migrateDown, migrateUp, STANDALONE_MIGRATIONS } from '../../src/db/migrator.js';
import { createFreshDb, type FreshDb } from '../support/freshDb.js';

const ALL = MIGRATIONS.map((m) => m.name);

async function tables(sequelize: Sequelize): Promise<string[]> {
  const rows = await sequelize.query<{ tablename: string }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    { type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.tablename);
}

/** Columns (with type and length) and index definitions: enough to see any schema change. */
async function schemaSnapshot(sequelize: Sequelize): Promise<string[]> {
  const cols = await sequelize.query<{ d: string }>(
    `SELECT table_name || '.' || column_name || ' ' || data_type || COALESCE('(' || character_maximum_length || ')', '') || ' ' || is_nullable AS d
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1`,
    { type: QueryTypes.SELECT },
  );
  const idx = await sequelize.query<{ d: string }>(
    "SELECT indexdef AS d FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1",
    { type: QueryTypes.SELECT },
  );
  return [...cols.map((r) => r.d), ...idx.map((r) => r.d)];
}

async function indexNames(sequelize: Sequelize, table: string): Promise<string[]> {
  const rows = await sequelize.query<{ indexname: string }>(
    "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1 ORDER BY 1",
    { bind: [table], type: QueryTypes.SELECT },
  );
  return rows.map((r) => r.indexname);
}

describe('migrations (umzug on a fresh database)', () => {
  let db: FreshDb;
  beforeEach(async () => {
    db = await createFreshDb();
    // The host's own tables come first (here the standalone server's users and sessions).
    expect(await migrateUp(db.sequelize, 'standalone')).to.deep.equal(STANDALONE_MIGRATIONS.map((m) => m.name));
  });
  afterEach(async () => {
    await db.drop();
  });

  it('runs up, down to nothing, and up again to the same schema', async () => {
    expect(await migrateUp(db.sequelize)).to.deep.equal(ALL);
    const first = await schemaSnapshot(db.sequelize);
    expect(await tables(db.sequelize)).to.include.members(['users', 'projects', 'project_members', 'tasks', 'time_entries', 'integrations', 'sessions', 'oauth_states', 'outbox_messages']);

    expect(await migrateDown(db.sequelize, { to: 0 })).to.deep.equal([...ALL].reverse());
    expect(await tables(db.sequelize)).to.deep.equal(['schema_migrations', 'sessions', 'timetracker_migrations', 'users']);
    expect(await createMigrator(db.sequelize).executed()).to.have.length(0);

    expect(await migrateUp(db.sequelize)).to.deep.equal(ALL);
    expect(await schemaSnapshot(db.sequelize)).to.deep.equal(first);
  });

  it('rolls back one migration at a time and to a named one', async () => {
    await migrateUp(db.sequelize);
    expect(await migrateDown(db.sequelize)).to.deep.equal([ALL[ALL.length - 1]]);
    await migrateUp(db.sequelize);
    const from0002 = ALL.slice(ALL.indexOf('0002-add-integration-columns')).reverse();
    expect(await migrateDown(db.sequelize, { to: '0002-add-integration-columns' })).to.deep.equal(from0002);
    expect(await tables(db.sequelize)).not.to.include('oauth_states');
    const users = await db.sequelize.getQueryInterface().describeTable('users');
    expect(users).not.to.have.property('github_username');
  });

  it('applies nothing the second time, and re-running every migration body changes nothing', async () => {
    await migrateUp(db.sequelize);
    const before = await schemaSnapshot(db.sequelize);
    expect(await migrateUp(db.sequelize)).to.deep.equal([]);
    const qi = db.sequelize.getQueryInterface();
    for (const { module } of MIGRATIONS) await module.up({ context: qi });
    expect(await schemaSnapshot(db.sequelize)).to.deep.equal(before);
  });

  it('two instances migrating at once apply each migration once (advisory lock)', async () => {
    const other = (await import('../../src/db/sequelize.js')).createSequelize(db.url, { poolMax: 2 });
    try {
      const [a, b] = await Promise.all([migrateUp(db.sequelize), migrateUp(other)]);
      expect([...a, ...b].sort()).to.deep.equal([...ALL].sort());
    } finally {
      await other.close();
    }
  });

  it('a database from before the split: the log in schema_migrations moves to timetracker_migrations, nothing re-runs', async () => {
    await migrateUp(db.sequelize);
    await db.sequelize.query(`
      INSERT INTO schema_migrations (name) SELECT name FROM timetracker_migrations;
      DROP TABLE timetracker_migrations;
      DELETE FROM schema_migrations WHERE name LIKE 'standalone-%';
    `);
    const before = await schemaSnapshot(db.sequelize);
    expect(await migrateUp(db.sequelize, 'standalone')).to.deep.equal(STANDALONE_MIGRATIONS.map((m) => m.name));
    expect(await migrateUp(db.sequelize)).to.deep.equal([]);
    expect((await createMigrator(db.sequelize).executed()).map((m) => m.name)).to.deep.equal(ALL);
    expect((await createMigrator(db.sequelize, 'standalone').executed()).map((m) => m.name)).to.deep.equal(STANDALONE_MIGRATIONS.map((m) => m.name));
    const withoutLog = (lines: string[]) => lines.filter((l) => !l.includes('timetracker_migrations'));
    expect(withoutLog(await schemaSnapshot(db.sequelize))).to.deep.equal(withoutLog(before));
  });

  it('another host\'s user table: foreign keys, the two columns and the change trigger go to that table', async () => {
    await db.sequelize.query('CREATE TABLE accounts (account_id SERIAL PRIMARY KEY, mail TEXT NOT NULL, display TEXT, admin BOOLEAN NOT NULL DEFAULT false)');
    setHostUsers(db.sequelize, { table: 'accounts', key: 'account_id', email: 'mail', name: 'display', isAdmin: 'admin' });
    expect(await migrateUp(db.sequelize)).to.deep.equal(ALL);
    const columns = await db.sequelize.getQueryInterface().describeTable('accounts');
    expect(columns).to.have.property('timezone');
    expect(columns).to.have.property('github_username');
    expect([columns.remind_after_hours.allowNull, String(columns.remind_after_hours.defaultValue)]).to.deep.equal([false, '4']);
    expect([columns.auto_stop_after_hours.allowNull, String(columns.auto_stop_after_hours.defaultValue)]).to.deep.equal([false, '10']);
    const fks = await db.sequelize.query<{ t: string }>(
      `SELECT DISTINCT conrelid::regclass::text AS t FROM pg_constraint WHERE contype = 'f' AND confrelid = 'accounts'::regclass ORDER BY 1`,
      { type: QueryTypes.SELECT },
    );
    expect(fks.map((r) => r.t)).to.include.members(['integrations', 'project_members', 'time_entries', 'tasks']);
    const triggers = await db.sequelize.query("SELECT 1 FROM pg_trigger WHERE tgname = 'tt_notify_change' AND tgrelid = 'accounts'::regclass", { type: QueryTypes.SELECT });
    expect(triggers).to.have.length(1);
    expect(await migrateDown(db.sequelize, { to: 0 })).to.deep.equal([...ALL].reverse());
    expect(Object.keys(await db.sequelize.getQueryInterface().describeTable('accounts')).sort()).to.deep.equal(['account_id', 'admin', 'display', 'mail']);
  });

  describe('0002-add-integration-columns', () => {
    it('adds users.github_username (100), tasks.external_ref (200) and their indexes', async () => {
      await migrateUp(db.sequelize);
      const qi = db.sequelize.getQueryInterface();
      const users = await qi.describeTable('users');
      const tasks = await qi.describeTable('tasks');
      expect(users.github_username).to.include({ type: 'CHARACTER VARYING(100)', allowNull: true });
      expect(tasks.external_ref).to.include({ type: 'CHARACTER VARYING(200)', allowNull: true });
      expect(await indexNames(db.sequelize, 'tasks')).to.include.members(['tasks_external_ref_idx', 'tasks_project_external_ref_unique']);
    });

    it('is a no-op on a database that already has the columns', async () => {
      const qi = db.sequelize.getQueryInterface();
      await hostSchema.up({ context: qi });
      // As the earlier (Python) design left them: columns present, with data, no indexes of ours.
      await db.sequelize.query(`
        ALTER TABLE users ADD COLUMN github_username VARCHAR(100);
        ALTER TABLE tasks ADD COLUMN external_ref VARCHAR(200);
        INSERT INTO users (username, email, password_hash, github_username) VALUES ('old', 'old@example.test', 'x', 'OctoCat');
        INSERT INTO projects (name) VALUES ('P');
        INSERT INTO tasks (project_id, name, external_ref) VALUES (1, 'T', 'github_issue_7');
      `);
      await addIntegrationColumns.up({ context: qi });
      await addIntegrationColumns.up({ context: qi });
      const [user] = await db.sequelize.query<{ github_username: string }>('SELECT github_username FROM users', { type: QueryTypes.SELECT });
      const [task] = await db.sequelize.query<{ external_ref: string }>('SELECT external_ref FROM tasks', { type: QueryTypes.SELECT });
      expect(user.github_username).to.equal('OctoCat');
      expect(task.external_ref).to.equal('github_issue_7');
      expect(await indexNames(db.sequelize, 'tasks')).to.include('tasks_external_ref_idx');

      // And the whole set through umzug on that database: the host schema and this migration find
      // everything in place and succeed without changing the data.
      await db.sequelize.query('DROP INDEX tasks_external_ref_idx');
      expect(await migrateUp(db.sequelize)).to.deep.equal(ALL);
      expect(await indexNames(db.sequelize, 'tasks')).to.include('tasks_external_ref_idx');
      const [again] = await db.sequelize.query<{ external_ref: string }>('SELECT external_ref FROM tasks', { type: QueryTypes.SELECT });
      expect(again.external_ref).to.equal('github_issue_7');
    });
  });
});
