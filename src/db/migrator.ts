// umzug over Sequelize's QueryInterface, with static ordered lists (no globbing) and a session
// advisory lock held on one dedicated connection, so instances starting together migrate once.
// Two sets, each with its own log table: TimeTracker's own (`timetracker_migrations`, what
// `tt.migrate()` runs in any host) and the standalone server's (`schema_migrations`: its users and
// sessions). Databases from before the split logged TimeTracker's migrations in
// `schema_migrations`; the first run moves those rows to `timetracker_migrations`.
import type { QueryInterface, Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import * as m0001 from '../../migrations/0001-host-schema.js';
import * as m0002 from '../../migrations/0002-add-integration-columns.js';
import * as m0003 from '../../migrations/0003-connector-tables.js';
import * as m0006 from '../../migrations/0006-slack.js';
import * as m0007 from '../../migrations/0007-change-notify.js';
import * as m0008 from '../../migrations/0008-connector-health.js';
import * as m0009 from '../../migrations/0009-connector-registry.js';
import * as m0010 from '../../migrations/0010-runaway-timers.js';
import * as s0001 from '../../migrations/standalone/0001-users-and-sessions.js';
import { logger } from '../lib/logger.js';
import { withSessionLock } from './locks.js';

type MigrationFn = (params: { context: QueryInterface }) => Promise<void>;
interface MigrationModule {
  up: MigrationFn;
  down: MigrationFn;
}

export const MIGRATIONS: ReadonlyArray<{ name: string; module: MigrationModule }> = [
  { name: '0001-host-schema', module: m0001 },
  { name: '0002-add-integration-columns', module: m0002 },
  { name: '0003-connector-tables', module: m0003 },
  { name: '0006-slack', module: m0006 },
  { name: '0007-change-notify', module: m0007 },
  { name: '0008-connector-health', module: m0008 },
  { name: '0009-connector-registry', module: m0009 },
  { name: '0010-runaway-timers', module: m0010 },
  // 0004 and 0005 were reserved for GitHub and Google schema and are not used.
];

/** The standalone server's own migrations (its users and sessions tables); run before MIGRATIONS. */
export const STANDALONE_MIGRATIONS: ReadonlyArray<{ name: string; module: MigrationModule }> = [
  { name: 'standalone-0001-users-and-sessions', module: s0001 },
];

export type MigrationSet = 'timetracker' | 'standalone';

const SETS = {
  timetracker: { list: MIGRATIONS, table: 'timetracker_migrations', model: 'TimeTrackerMigration' },
  standalone: { list: STANDALONE_MIGRATIONS, table: 'schema_migrations', model: 'StandaloneMigration' },
} as const;

/** A migration of a connector's own, run after TimeTracker's (see ConnectorDescriptor.migrations). */
export interface ExtraMigration {
  name: string;
  module: MigrationModule;
}

export function createMigrator(sequelize: Sequelize, set: MigrationSet = 'timetracker', extra: readonly ExtraMigration[] = []): Umzug<QueryInterface> {
  return new Umzug<QueryInterface>({
    migrations: [...SETS[set].list, ...(set === 'timetracker' ? extra : [])].map(({ name, module }) => ({
      name,
      up: ({ context }) => module.up({ context }),
      down: ({ context }) => module.down({ context }),
    })),
    context: sequelize.getQueryInterface(),
    // Each set its own model name: umzug's default one would make both storages share one table.
    storage: new SequelizeStorage({ sequelize, tableName: SETS[set].table, modelName: SETS[set].model }),
    logger: {
      info: (m) => logger.info(m, 'migration'),
      warn: (m) => logger.warn(m, 'migration'),
      error: (m) => logger.error(m, 'migration'),
      debug: (m) => logger.debug(m, 'migration'),
    },
  });
}

/**
 * Before the split, TimeTracker's migrations were logged in `schema_migrations` (from
 * `0001-host-schema` on): move those rows to `timetracker_migrations`, once, so nothing re-runs.
 */
async function adoptLegacyLog(sequelize: Sequelize): Promise<void> {
  const [[found]] = (await sequelize.query(
    "SELECT to_regclass('timetracker_migrations') IS NULL AS fresh, to_regclass('schema_migrations') IS NOT NULL AS legacy",
  )) as [Array<{ fresh: boolean; legacy: boolean }>, unknown];
  if (!found.fresh || !found.legacy) return;
  const names = MIGRATIONS.map((m) => m.name);
  const [rows] = (await sequelize.query('SELECT name FROM schema_migrations WHERE name IN (:names)', { replacements: { names } })) as [Array<{ name: string }>, unknown];
  if (!rows.some((r) => r.name === names[0])) return;
  await sequelize.transaction(async (transaction) => {
    await sequelize.query('CREATE TABLE timetracker_migrations (name VARCHAR(255) PRIMARY KEY)', { transaction });
    await sequelize.query('INSERT INTO timetracker_migrations (name) SELECT name FROM schema_migrations WHERE name IN (:names)', { replacements: { names }, transaction });
    await sequelize.query('DELETE FROM schema_migrations WHERE name IN (:names)', { replacements: { names }, transaction });
  });
  logger.info({ moved: rows.length }, 'moved TimeTracker migration log to timetracker_migrations');
}

/** Applies pending migrations of `set` (TimeTracker's by default); returns their names. */
export async function migrateUp(sequelize: Sequelize, set: MigrationSet = 'timetracker', extra: readonly ExtraMigration[] = []): Promise<string[]> {
  return withSessionLock(sequelize, 'migrations', async () => {
    if (set === 'timetracker') await adoptLegacyLog(sequelize);
    const done = await createMigrator(sequelize, set, extra).up();
    return done.map((m) => m.name);
  });
}

export async function migrateDown(sequelize: Sequelize, opts: { to?: string | 0; set?: MigrationSet; extra?: readonly ExtraMigration[] } = {}): Promise<string[]> {
  return withSessionLock(sequelize, 'migrations', async () => {
    const done = await createMigrator(sequelize, opts.set, opts.extra).down(opts.to !== undefined ? { to: opts.to } : undefined);
    return done.map((m) => m.name);
  });
}

/** The standalone server: its own tables first (TimeTracker's reference its users), then TimeTracker's. */
export async function migrateStandalone(sequelize: Sequelize): Promise<string[]> {
  return [...(await migrateUp(sequelize, 'standalone')), ...(await migrateUp(sequelize))];
}
