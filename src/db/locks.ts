// PostgreSQL session advisory locks held on one dedicated pooled connection (a session lock lives
// as long as its connection, so the lock and its unlock must use the same one). Used by the
// migrator (wait for the lock) and the scheduler (skip when another run holds it).
import type { Sequelize } from 'sequelize';
import { lockKey } from './sequelize.js';

interface PgConnection {
  query(sql: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
}

async function onDedicatedConnection<T>(sequelize: Sequelize, fn: (conn: PgConnection) => Promise<T>): Promise<T> {
  // Sequelize 6: getConnection is async, releaseConnection is synchronous.
  const cm = sequelize.connectionManager as unknown as {
    getConnection(o: { type: 'write' }): Promise<PgConnection>;
    releaseConnection(c: PgConnection): void;
  };
  const conn = await cm.getConnection({ type: 'write' });
  try {
    return await fn(conn);
  } finally {
    cm.releaseConnection(conn);
  }
}

/** Waits for the lock `name`, runs `fn`, releases. */
export function withSessionLock<T>(sequelize: Sequelize, name: string, fn: () => Promise<T>): Promise<T> {
  const key = lockKey(name);
  return onDedicatedConnection(sequelize, async (conn) => {
    await conn.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    try {
      return await fn();
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
    }
  });
}

/** Runs `fn` only if the lock `name` is free right now; `{ locked: false }` when someone holds it. */
export function trySessionLock<T>(sequelize: Sequelize, name: string, fn: () => Promise<T>): Promise<{ locked: true; value: T } | { locked: false }> {
  const key = lockKey(name);
  return onDedicatedConnection(sequelize, async (conn) => {
    const got = await conn.query('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key]);
    if (!got.rows[0]?.locked) return { locked: false as const };
    try {
      return { locked: true as const, value: await fn() };
    } finally {
      await conn.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
    }
  });
}
