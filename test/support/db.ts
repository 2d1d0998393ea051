// One real PostgreSQL per mocha run: a throwaway embedded cluster, or TEST_DATABASE_URL. The
// cluster's temporary directory is deleted by closeTestDb() (the root afterAll hook), and at the
// latest when the process exits, also after a failure, process.exit() or a signal (tempDirs.ts).
import type { Sequelize } from 'sequelize';
import { removeTempDir, tempDir } from '../../bench/lib/tempDirs.js';
import { loadConfig } from '../../src/config.js';
import { stopChangeFeed } from '../../src/db/changeFeed.js';
import { startEmbedded, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { migrateStandalone } from '../../src/db/migrator.js';
import { createSequelize } from '../../src/db/sequelize.js';
import { configureLogger } from '../../src/lib/logger.js';
import { generateKey, Keyring, setKeyring } from '../../src/lib/secrets.js';
import { initModels } from '../../src/models/index.js';
import { StandaloneUser } from '../../src/standalone/user.js';

export interface TestDb {
  url: string;
  sequelize: Sequelize;
  embedded: EmbeddedDatabase | null;
  /** The throwaway cluster's temporary directory. */
  dir: string | null;
  keyring: Keyring;
  /** The base64 key behind `keyring` (what createApp() takes). */
  encryptionKey: string;
}

let current: TestDb | undefined;

export async function testDb(): Promise<TestDb> {
  if (current) return current;
  configureLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const env = loadConfig({ ...process.env, NODE_ENV: 'test' });
  let url = env.testDatabaseUrl;
  let embedded: EmbeddedDatabase | null = null;
  let dir: string | null = null;
  if (!url) {
    dir = tempDir('tt-test-');
    try {
      embedded = await startEmbedded({ dir, persistent: false, database: 'timetracker_test' });
    } catch (err) {
      removeTempDir(dir);
      throw err;
    }
    url = embedded.url;
  }
  const sequelize = createSequelize(url, { poolMax: 30 });
  initModels(sequelize);
  StandaloneUser.initModel(sequelize);
  await migrateStandalone(sequelize);
  const encryptionKey = generateKey();
  const keyring = new Keyring(encryptionKey);
  setKeyring(keyring);
  current = { url, sequelize, embedded, dir, keyring, encryptionKey };
  return current;
}

const KEEP = new Set(['schema_migrations', 'timetracker_migrations']);

/** Empties every table (except the migration log) and restarts ids. */
export async function resetDb(): Promise<void> {
  const { sequelize } = await testDb();
  const [rows] = (await sequelize.query(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
  )) as [Array<{ tablename: string }>, unknown];
  const tables = rows.map((r) => r.tablename).filter((t) => !KEEP.has(t));
  if (tables.length) await sequelize.query(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`);
}

export async function closeTestDb(): Promise<void> {
  if (!current) return;
  const { sequelize, embedded, dir } = current;
  current = undefined;
  try {
    await stopChangeFeed(sequelize);
    await sequelize.close();
    await embedded?.stop();
  } finally {
    if (dir) removeTempDir(dir);
  }
}
