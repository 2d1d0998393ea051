// A change feed for in-process caches of a few small tables (integrations, users, projects,
// project_members). Two sources bump one version counter:
//   - PostgreSQL: triggers (migration 0007) NOTIFY `tt_changes` at commit; one dedicated
//     connection per instance LISTENs, so a change made by any instance, the admin panel or a
//     psql session reaches every instance;
//   - this process: Sequelize hooks on the same tables bump at once (after commit when inside a
//     transaction), so a change made through this instance is seen by its very next request even
//     before the notification arrives.
// A cache stores the version it read at and trusts an entry only while `isCurrent(version)`: no
// change since, and the feed connected the whole time. While the listener is down (database
// outage, before the first connect) `current()` is null and callers read the database as if there
// were no cache; the feed reconnects with backoff and bumps the version when it is back, because
// notifications sent meanwhile are lost.
// Hand-written: pg-listen and similar wrap one pg.Client the same way but bring their own
// reconnect and logging policy; this is about 100 lines over pg's own LISTEN support.
import pg from 'pg';
import type { Model, ModelStatic, Sequelize, Transaction } from 'sequelize';
import { CHANGE_CHANNEL, watchedTables } from '../../migrations/0007-change-notify.js';
import { logger } from '../lib/logger.js';

// afterSave is left out: every save already runs afterCreate or afterUpdate.
const WRITE_HOOKS = ['afterCreate', 'afterUpdate', 'afterDestroy', 'afterUpsert', 'afterBulkCreate', 'afterBulkUpdate', 'afterBulkDestroy'] as const;
const HOOK_NAME = 'changeFeed';

export interface ChangeFeedOptions {
  retryMinMs?: number;
  retryMaxMs?: number;
}

export class ChangeFeed {
  private version = 0;
  private live = false;
  private stopped = false;
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private failures = 0;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;

  constructor(
    private readonly sequelize: Sequelize,
    opts: ChangeFeedOptions = {},
  ) {
    this.retryMinMs = opts.retryMinMs ?? 250;
    this.retryMaxMs = opts.retryMaxMs ?? 10_000;
  }

  /** The version to store with a value read now, or null when nothing may be cached (feed not connected). */
  current(): number | null {
    return this.live ? this.version : null;
  }

  /** True while nothing watched has changed since `version` was current and the feed stayed connected. */
  isCurrent(version: number | null | undefined): boolean {
    return this.live && version === this.version;
  }

  /** Something watched changed (or may have): every cached value is stale from now on. */
  changed(): void {
    this.version++;
  }

  /** Connects in the background (idempotent); until connected, current() is null. */
  start(): void {
    if (this.stopped || this.client || this.connecting || this.retry) return;
    this.connecting = this.connect().finally(() => {
      this.connecting = null;
    });
  }

  /** Resolves once the listener is connected, or rejects after `timeoutMs` (tests wait on it). */
  async whenConnected(timeoutMs = 10_000): Promise<void> {
    this.start();
    const deadline = Date.now() + timeoutMs;
    while (!this.live) {
      if (this.stopped || Date.now() > deadline) throw new Error('change feed is not connected');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    this.live = false;
    this.changed();
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const c = this.sequelize.config;
    const client = new pg.Client({
      ...(c.dialectOptions as object | undefined),
      host: c.host,
      port: c.port ? Number(c.port) : undefined,
      user: c.username,
      password: c.password ?? undefined,
      database: c.database,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
      application_name: 'timetracker-change-feed',
    });
    client.on('notification', (msg) => {
      if (msg.channel === CHANGE_CHANNEL) this.changed();
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (err) {
      client.end().catch(() => undefined);
      this.lost(client, err);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    if (this.failures > 0) logger.info({ after_failures: this.failures }, 'change feed reconnected');
    this.failures = 0;
    this.client = client;
    // Notifications sent before LISTEN are lost: nothing cached before now may be trusted.
    this.changed();
    this.live = true;
  }

  private lost(client: pg.Client, err?: unknown): void {
    if (this.client !== null && this.client !== client) return;
    this.client = null;
    this.live = false;
    this.changed();
    if (this.stopped || this.retry) return;
    this.failures++;
    if (this.failures === 1) logger.warn(err ? { err } : {}, 'change feed disconnected; caches bypassed until it reconnects');
    const delay = Math.min(this.retryMaxMs, this.retryMinMs * 2 ** Math.min(this.failures - 1, 10));
    this.retry = setTimeout(() => {
      this.retry = null;
      this.start();
    }, delay);
    this.retry.unref();
  }
}

function tableOf(model: ModelStatic<Model> | undefined): string | null {
  if (!model || typeof model.getTableName !== 'function') return null;
  const name = model.getTableName() as string | { tableName: string };
  return typeof name === 'string' ? name : name.tableName;
}

type HookOptions = { transaction?: Transaction | null; model?: ModelStatic<Model> } | undefined;

/** Bumps `feed` after every Sequelize write to a watched table (after commit inside a transaction). */
function watchLocalWrites(sequelize: Sequelize, feed: ChangeFeed): void {
  const WATCHED = new Set(watchedTables(sequelize));
  const onWrite = (model: ModelStatic<Model> | undefined, options: HookOptions) => {
    const table = tableOf(model ?? options?.model);
    if (table !== null && !WATCHED.has(table)) return;
    feed.changed();
    options?.transaction?.afterCommit(() => feed.changed());
  };
  for (const hook of WRITE_HOOKS) {
    sequelize.addHook(hook, HOOK_NAME, (...args: unknown[]) => {
      const [first, options] = args as [unknown, HookOptions];
      if (hook === 'afterBulkUpdate' || hook === 'afterBulkDestroy') return onWrite(undefined, first as HookOptions);
      const instance = Array.isArray(first) ? first[0] : first;
      const model = instance && typeof instance === 'object' ? ((instance as object).constructor as ModelStatic<Model>) : undefined;
      onWrite(model, options);
    });
  }
}

const feeds = new WeakMap<Sequelize, ChangeFeed>();

/** The change feed of this database connection, created (and started) on first use. */
export function changeFeedFor(sequelize: Sequelize): ChangeFeed {
  let feed = feeds.get(sequelize);
  if (!feed) {
    feed = new ChangeFeed(sequelize);
    feeds.set(sequelize, feed);
    watchLocalWrites(sequelize, feed);
    feed.start();
  }
  return feed;
}

/** Stops the feed of this connection, if any (call before sequelize.close()). */
export async function stopChangeFeed(sequelize: Sequelize): Promise<void> {
  const feed = feeds.get(sequelize);
  if (!feed) return;
  feeds.delete(sequelize);
  for (const hook of WRITE_HOOKS) sequelize.removeHook(hook, HOOK_NAME);
  await feed.stop();
}
