// umzug over Sequelize's QueryInterface, with a static ordered list (no globbing) and a session
// advisory lock held on one dedicated connection, so instances starting together migrate once.
import type { QueryInterface, Sequelize } from 'sequelize';
import { SequelizeStorage, Umzug } from 'umzug';
import * as m0001 from '../../migrations/0001-host-schema.js';
import * as m0002 from '../../migrations/0002-add-integration-columns.js';
import * as m0003 from '../../migrations/0003-connector-tables.js';
import * as m0006 from '../../migrations/0006-slack.js';
import * as m0007 from '../../migrations/0007-change-notify.js';
import * as m0008 from '../../migrations/0008-connector-health.js';
import * as m0009 from '../../migrations/0009-connector-registry.js';
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
  // 0004 and 0005 were reserved for GitHub and Google schema and are not used.
];

export function createMigrator(sequelize: Sequelize): Umzug<QueryInterface> {
  return new Umzug<QueryInterface>({
    migrations: MIGRATIONS.map(({ name, module }) => ({
      name,
      up: ({ context }) => module.up({ context }),
      down: ({ context }) => module.down({ context }),
    })),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize, tableName: 'schema_migrations' }),
    logger: {
      info: (m) => logger.info(m, 'migration'),
      warn: (m) => logger.warn(m, 'migration'),
      error: (m) => logger.error(m, 'migration'),
      debug: (m) => logger.debug(m, 'migration'),
    },
  });
}

export async function migrateUp(sequelize: Sequelize): Promise<string[]> {
  return withSessionLock(sequelize, 'migrations', async () => {
    const done = await createMigrator(sequelize).up();
    return done.map((m) => m.name);
  });
}

export async function migrateDown(sequelize: Sequelize, opts: { to?: string | 0 } = {}): Promise<string[]> {
  return withSessionLock(sequelize, 'migrations', async () => {
    const done = await createMigrator(sequelize).down(opts.to !== undefined ? { to: opts.to } : undefined);
    return done.map((m) => m.name);
  });
}
