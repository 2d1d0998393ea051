// One dedicated PostgreSQL connection that LISTENs on a few channels and calls back on every
// notification; reconnects with backoff after a failure and reports each (re)connection and loss,
// because notifications sent while it was down are lost. Used by the change feed (cache
// invalidation, changeFeed.ts) and by the scheduler (waking jobs).
// Hand-written: pg-listen and similar wrap one pg.Client the same way but bring their own
// reconnect and logging policy; this is about 100 lines over pg's own LISTEN support.
import pg from 'pg';
import type { Sequelize } from 'sequelize';
import { logger } from '../lib/logger.js';

export interface PgListenerOptions {
  channels: readonly string[];
  /** A notification arrived on `channel`. */
  onNotify(channel: string): void;
  /** The connection is (again) listening: anything sent meanwhile was missed. */
  onConnected?(): void;
  /** The connection was lost (or closed by stop()): notifications may be missed until onConnected. */
  onDisconnected?(): void;
  /** The warning logged at the first failure of a series (default: "listener disconnected; reconnecting"). */
  lostMessage?: string;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  retryMinMs?: number;
  retryMaxMs?: number;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

export class PgListener {
  private live = false;
  private stopped = false;
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private failures = 0;

  constructor(
    private readonly sequelize: Sequelize,
    private readonly opts: PgListenerOptions,
  ) {
    for (const c of opts.channels) if (!IDENTIFIER.test(c)) throw new Error(`Invalid NOTIFY channel name: ${c}`);
  }

  get connected(): boolean {
    return this.live;
  }

  /** Connects in the background (idempotent). */
  start(): void {
    if (this.stopped || this.client || this.connecting || this.retry) return;
    this.connecting = this.connect().finally(() => {
      this.connecting = null;
    });
  }

  /** Resolves once listening, or rejects after `timeoutMs` (tests wait on it). */
  async whenConnected(timeoutMs = 10_000): Promise<void> {
    this.start();
    const deadline = Date.now() + timeoutMs;
    while (!this.live) {
      if (this.stopped || Date.now() > deadline) throw new Error('listener is not connected');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Closes the connection and cancels any reconnect; no callback runs afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    this.live = false;
    this.opts.onDisconnected?.();
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
      application_name: this.opts.applicationName ?? 'timetracker-listener',
    });
    client.on('notification', (msg) => {
      if (!this.stopped && this.opts.channels.includes(msg.channel)) this.opts.onNotify(msg.channel);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      for (const channel of this.opts.channels) await client.query(`LISTEN ${channel}`);
    } catch (err) {
      client.end().catch(() => undefined);
      this.lost(client, err);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    if (this.failures > 0) logger.info({ channels: this.opts.channels, after_failures: this.failures }, 'listener reconnected');
    this.failures = 0;
    this.client = client;
    this.live = true;
    this.opts.onConnected?.();
  }

  private lost(client: pg.Client, err?: unknown): void {
    if (this.client !== null && this.client !== client) return;
    this.client = null;
    this.live = false;
    this.opts.onDisconnected?.();
    if (this.stopped || this.retry) return;
    this.failures++;
    if (this.failures === 1) logger.warn({ ...(err ? { err } : {}), channels: this.opts.channels }, this.opts.lostMessage ?? 'listener disconnected; reconnecting');
    const min = this.opts.retryMinMs ?? 250;
    const delay = Math.min(this.opts.retryMaxMs ?? 10_000, min * 2 ** Math.min(this.failures - 1, 10));
    this.retry = setTimeout(() => {
      this.retry = null;
      this.start();
    }, delay);
    this.retry.unref();
  }
}
