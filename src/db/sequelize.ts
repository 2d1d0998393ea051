import { Sequelize } from 'sequelize';
import { logger } from '../lib/logger.js';

export function createSequelize(url: string, opts: { poolMax?: number } = {}): Sequelize {
  return new Sequelize(url, {
    dialect: 'postgres',
    logging: (sql) => logger.trace({ sql: sql.slice(0, 300) }, 'sql'),
    pool: { max: opts.poolMax ?? 20, min: 0, idle: 10_000, acquire: 10_000 },
    dialectOptions: { connectionTimeoutMillis: 5_000, statement_timeout: 30_000 },
    define: { underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at' },
    timezone: '+00:00',
  });
}

/** True when the database answers a trivial query within the timeout. */
export async function databaseReady(sequelize: Sequelize, timeoutMs = 2_000): Promise<boolean> {
  try {
    await Promise.race([
      sequelize.query('SELECT 1'),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}

/** Stable 32-bit-safe advisory lock key for a name (PostgreSQL takes a bigint). */
export function lockKey(name: string): string {
  let h = 0n;
  for (const ch of Buffer.from(`timetracker:${name}`)) h = (h * 31n + BigInt(ch)) % 9_007_199_254_740_881n;
  return h.toString();
}
