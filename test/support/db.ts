// One real PostgreSQL per mocha run: a throwaway embedded cluster, or TEST_DATABASE_URL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Sequelize } from 'sequelize';
import { loadConfig } from '../../src/config.js';
import { stopChangeFeed } from '../../src/db/changeFeed.js';
import { startEmbedded, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { migrateUp } from '../../src/db/migrator.js';
import { createSequelize } from '../../src/db/sequelize.js';
import { configureLogger } from '../../src/lib/logger.js';
import { generateKey, Keyring, setKeyring } from '../../src/lib/secrets.js';
import { initModels } from '../../src/models/index.js';

export interface TestDb {
  url: string;
  sequelize: Sequelize;
  embedded: EmbeddedDatabase | null;
  keyring: Keyring;
}

let current: TestDb | undefined;

export async function testDb(): Promise<TestDb> {
  if (current) return current;
  configureLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const env = loadConfig({ ...process.env, NODE_ENV: 'test' });
  let url = env.testDatabaseUrl;
  let embedded: EmbeddedDatabase | null = null;
  if (!url) {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-test-'));
    fs.chmodSync(base, 0o755);
    embedded = await startEmbedded({ dir: base, persistent: false, database: 'timetracker_test' });
    url = embedded.url;
  }
  const sequelize = createSequelize(url, { poolMax: 30 });
  initModels(sequelize);
  await migrateUp(sequelize);
  const keyring = new Keyring(generateKey());
  setKeyring(keyring);
  current = { url, sequelize, embedded, keyring };
  return current;
}

const KEEP = new Set(['schema_migrations']);

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
  await stopChangeFeed(current.sequelize);
  await current.sequelize.close();
  await current.embedded?.stop();
  current = undefined;
}
