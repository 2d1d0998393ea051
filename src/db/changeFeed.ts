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
// The connection itself is a PgListener (listener.ts).
import type { Model, ModelStatic, Sequelize, Transaction } from 'sequelize';
import { CHANGE_CHANNEL, watchedTables } from '../../migrations/0007-change-notify.js';
import { PgListener } from './listener.js';

// afterSave is left out: every save already runs afterCreate or afterUpdate.
const WRITE_HOOKS = ['afterCreate', 'afterUpdate', 'afterDestroy', 'afterUpsert', 'afterBulkCreate', 'afterBulkUpdate', 'afterBulkDestroy'] as const;
const HOOK_NAME = 'changeFeed';

export interface ChangeFeedOptions {
  retryMinMs?: number;
  retryMaxMs?: number;
}

export class ChangeFeed {
  private version = 0;
  private readonly listener: PgListener;

  constructor(sequelize: Sequelize, opts: ChangeFeedOptions = {}) {
    // Every notification, (re)connection and loss bumps the version: notifications sent while the
    // connection was down are lost, so nothing cached before a reconnect may be trusted.
    const changed = () => this.changed();
    this.listener = new PgListener(sequelize, {
      channels: [CHANGE_CHANNEL],
      applicationName: 'timetracker-change-feed',
      onNotify: changed,
      onConnected: changed,
      onDisconnected: changed,
      lostMessage: 'change feed disconnected; caches bypassed until it reconnects',
      retryMinMs: opts.retryMinMs,
      retryMaxMs: opts.retryMaxMs,
    });
  }

  /** The version to store with a value read now, or null when nothing may be cached (feed not connected). */
  current(): number | null {
    return this.listener.connected ? this.version : null;
  }

  /** True while nothing watched has changed since `version` was current and the feed stayed connected. */
  isCurrent(version: number | null | undefined): boolean {
    return this.listener.connected && version === this.version;
  }

  /** Something watched changed (or may have): every cached value is stale from now on. */
  changed(): void {
    this.version++;
  }

  /** Connects in the background (idempotent); until connected, current() is null. */
  start(): void {
    this.listener.start();
  }

  /** Resolves once the listener is connected, or rejects after `timeoutMs` (tests wait on it). */
  whenConnected(timeoutMs = 10_000): Promise<void> {
    return this.listener.whenConnected(timeoutMs);
  }

  async stop(): Promise<void> {
    await this.listener.stop();
    this.changed();
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
