// Shared helpers of the reliability suite: worlds of real server processes on the mocha run's
// database (or their own cluster), polling with deadlines, and database dumps for assertions.
import fs from 'node:fs';
import path from 'node:path';
import type { Sequelize } from 'sequelize';
import { QueryTypes } from 'sequelize';
import { sleep } from '../../../bench/lib/proc.js';
import { createWorld, type World } from '../../../bench/lib/world.js';
import { testDb } from '../../support/db.js';

/** A world whose servers use the mocha run's database (emptied before every test by test/setup.ts). */
export async function sharedWorld(): Promise<World> {
  const { url } = await testDb();
  return createWorld({ databaseUrl: url });
}

/** Polls `check` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function waitFor<T>(check: () => Promise<T> | T, timeoutMs: number, what: string, everyMs = 200): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    await sleep(everyMs);
  }
}

/**
 * Claims, in job_runs, every tick of `job` (a cron firing every `everyMinutes` minutes at second 0)
 * within the next `forMs`, the way a scheduler claims a tick, so the servers' own schedulers skip
 * those ticks. A test that drives the job's third party itself is then never raced by a scheduled
 * run that happens to fall due during it (google_calendar_sync fires at :00 and :30).
 */
export async function holdScheduledTicks(db: Sequelize, job: string, everyMinutes: number, forMs = 3_600_000): Promise<void> {
  const period = everyMinutes * 60_000;
  const now = Date.now();
  for (let t = Math.floor(now / period) * period; t <= now + forMs; t += period) {
    await db.query(
      "INSERT INTO job_runs (job_name, tick_at, instance) VALUES ($1, $2, 'reliability-test') ON CONFLICT DO NOTHING",
      { bind: [job, new Date(t).toISOString()] },
    );
  }
}

export async function rows<T = Record<string, unknown>>(db: Sequelize, sql: string, bind: unknown[] = []): Promise<T[]> {
  return db.query<T & object>(sql, { bind, type: QueryTypes.SELECT }) as Promise<T[]>;
}

export async function num(db: Sequelize, sql: string, bind: unknown[] = []): Promise<number> {
  const r = await rows<{ n: string }>(db, sql, bind);
  return Number(r[0]?.n ?? 0);
}

/** Row counts of the tables a request could write to. */
export async function writeCounts(db: Sequelize): Promise<Record<string, number>> {
  const tables = ['users', 'projects', 'tasks', 'time_entries', 'integrations', 'webhook_deliveries', 'outbox_messages', 'oauth_states', 'calendar_exports'];
  const out: Record<string, number> = {};
  for (const t of tables) out[t] = await num(db, `SELECT count(*) AS n FROM ${t}`);
  return out;
}

/** Every row of every table as JSON text: what a pg_dump would expose. */
export async function dumpAllTables(db: Sequelize): Promise<string> {
  const tables = await rows<{ tablename: string }>(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
  const parts: string[] = [];
  for (const { tablename } of tables) {
    const data = await rows<{ j: unknown }>(db, `SELECT row_to_json(t) AS j FROM "${tablename}" t`);
    parts.push(`-- ${tablename}\n${data.map((d) => JSON.stringify(d.j)).join('\n')}`);
  }
  return parts.join('\n');
}

/** The URL of the embedded PostgreSQL a server started under its DATA_DIR. */
export function embeddedUrl(dataDir: string): string {
  const dir = path.join(dataDir, 'postgres');
  const password = fs.readFileSync(path.join(dir, 'pg-password'), 'utf8').trim();
  const port = Number(fs.readFileSync(path.join(dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]);
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/timetracker`;
}

/** Where each secret value appears in `haystack`, as is or URL-encoded (empty when none does). */
export function leaks(haystack: string, secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (!value) continue;
    for (const [how, v] of [['', value], [' (URL-encoded)', encodeURIComponent(value)]] as const) {
      if (how && v === value) continue;
      const i = haystack.indexOf(v);
      if (i >= 0) found.push(`${name}${how} at …${haystack.slice(Math.max(0, i - 80), i + v.length + 20)}…`);
    }
  }
  return found;
}

/** Requests fired at `fn` by `workers` loops until `stop()` says so (bounded by `maxMs`). */
export async function loadLoop(workers: number, maxMs: number, fn: (worker: number, i: number) => Promise<void>, stop: () => boolean): Promise<void> {
  const until = Date.now() + maxMs;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; !stop() && Date.now() < until; i++) await fn(w, i);
    }),
  );
}
