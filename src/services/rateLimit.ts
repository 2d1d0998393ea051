// Fixed-window failure counter in PostgreSQL (shared by every instance). Used for login attempts.
import type { Sequelize } from 'sequelize';
import { QueryTypes } from 'sequelize';

export interface LimitRule {
  max: number;
  windowSec: number;
}

export const LOGIN_LIMIT: LimitRule = { max: 10, windowSec: 15 * 60 };

/** Seconds until the key may try again, or 0 when it is under the limit. */
export async function blockedFor(sequelize: Sequelize, key: string, rule: LimitRule): Promise<number> {
  const rows = await sequelize.query<{ count: number; wait: number }>(
    `SELECT count, CEIL(EXTRACT(EPOCH FROM (reset_at - now())))::int AS wait
       FROM rate_limits WHERE key = $1 AND reset_at > now()`,
    { bind: [key], type: QueryTypes.SELECT },
  );
  const row = rows[0];
  return row && row.count >= rule.max ? Math.max(1, row.wait) : 0;
}

export async function recordFailure(sequelize: Sequelize, key: string, rule: LimitRule): Promise<void> {
  await sequelize.query(
    `INSERT INTO rate_limits (key, count, reset_at) VALUES ($1, 1, now() + ($2::int * interval '1 second'))
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN rate_limits.reset_at <= now() THEN 1 ELSE rate_limits.count + 1 END,
       reset_at = CASE WHEN rate_limits.reset_at <= now() THEN EXCLUDED.reset_at ELSE rate_limits.reset_at END`,
    { bind: [key, rule.windowSec] },
  );
}

export async function clearFailures(sequelize: Sequelize, key: string): Promise<void> {
  await sequelize.query('DELETE FROM rate_limits WHERE key = $1', { bind: [key] });
}
