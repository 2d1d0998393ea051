// koa-session external store in PostgreSQL, so a session works on every instance behind a load
// balancer. Hand-written (about 30 lines) because no maintained Sequelize/pg store for koa-session
// exists; expired rows are ignored on read and pruned by the `session_cleanup` job.
import type { Sequelize } from 'sequelize';
import { QueryTypes } from 'sequelize';
import type { Job } from '../plugin/index.js';

const DEFAULT_TTL_MS = 7 * 24 * 3600 * 1000;

export function pgSessionStore(sequelize: Sequelize) {
  return {
    async get(sid: string): Promise<Record<string, unknown> | undefined> {
      const rows = await sequelize.query<{ data: Record<string, unknown> }>(
        'SELECT data FROM sessions WHERE sid = $1 AND expires_at > now()',
        { bind: [sid], type: QueryTypes.SELECT },
      );
      return rows[0]?.data;
    },
    async set(sid: string, data: Record<string, unknown>, maxAge: number | 'session' | undefined): Promise<void> {
      const ttl = typeof maxAge === 'number' ? maxAge : DEFAULT_TTL_MS;
      await sequelize.query(
        `INSERT INTO sessions (sid, data, expires_at) VALUES ($1, $2::jsonb, now() + ($3::int * interval '1 millisecond'))
         ON CONFLICT (sid) DO UPDATE SET data = EXCLUDED.data, expires_at = EXCLUDED.expires_at`,
        { bind: [sid, JSON.stringify(data), Math.min(ttl, 2_000_000_000)] },
      );
    },
    async destroy(sid: string): Promise<void> {
      await sequelize.query('DELETE FROM sessions WHERE sid = $1', { bind: [sid] });
    },
  };
}

/** Deletes expired sessions; run by TimeTracker's scheduler (once per tick across instances). */
export function sessionCleanupJob(sequelize: Sequelize): Job {
  return {
    name: 'session_cleanup',
    rule: '23 * * * *',
    async run() {
      await sequelize.query('DELETE FROM sessions WHERE expires_at <= now()');
    },
  };
}
