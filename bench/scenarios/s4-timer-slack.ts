// Scenario 4: timer start/stop with Slack notifications on. N users (one per connection, each with
// their own session and an active Slack integration notifying on start and stop) loop start → stop.
// Run once with the fake Slack answering at once, once with it answering after 15 s. The timer
// request must not wait for Slack: notifications go through the PostgreSQL outbox.
import type { AutocannonRequest } from 'autocannon';
import crypto from 'node:crypto';
import { ApiClient } from '../lib/client.js';
import type { BenchContext } from '../lib/context.js';
import { ratio } from '../lib/context.js';
import { pinContext } from '../lib/load.js';
import { addMembers, count, insertIntegrations, insertUsers, PASSWORD } from '../lib/seed.js';
import { storedConfig } from '../lib/world.js';
import { measure, type AppWorld } from './appWorld.js';

export const meta = {
  id: 4,
  title: 'Timer start/stop with Slack notifications on',
  measures:
    'POST /api/timer/start and /api/timer/stop in a loop, one user and session per connection (50), every user notifying a Slack channel on start and stop; Slack fake answering at once vs. after 15 s.',
  baseline: 'the same run with the Slack fake answering at once (the slow run must stay within 1.1 × of it).',
};

export async function seedTimerUsers(app: AppWorld, n: number): Promise<ApiClient[]> {
  const { db, keyring } = app.world;
  const tag = crypto.randomBytes(3).toString('hex');
  const ids = await insertUsers(db, Array.from({ length: n }, (_, i) => ({ username: `timer${tag}${i}`, full_name: `Timer user ${i}` })));
  await addMembers(db, ids.map((user_id) => ({ project_id: app.owner.projectId, user_id })));
  const shape = await storedConfig(db, 'slack_connector', app.owner.userId);
  await insertIntegrations(db, keyring, 'slack_connector', 'Slack', ids.map((userId, i) => ({
    userId,
    config: { ...shape, linked_slack_user_id: `U0TIMER${tag.toUpperCase()}${i}`, notify_on_start: true, notify_on_stop: true, channel_id: app.slack.channel },
    secrets: { bot_token: app.slack.botToken, signing_secret: crypto.randomBytes(16).toString('hex') },
  })));
  const clients: ApiClient[] = [];
  for (let i = 0; i < n; i++) {
    const c = new ApiClient(app.server.url);
    await c.login(`timer${tag}${i}@example.test`, PASSWORD);
    clients.push(c);
  }
  return clients;
}

export function timerRequests(projectId: number): AutocannonRequest[] {
  const withCookie = (path: string, body: string) => (req: AutocannonRequest, context: Record<string, any>) => ({
    ...req,
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', cookie: String(context.cookie) },
    body,
  });
  return [
    { setupRequest: withCookie('/api/timer/start', JSON.stringify({ project_id: projectId })) },
    { setupRequest: withCookie('/api/timer/stop', '{}') },
  ];
}

export async function run(ctx: BenchContext, app: AppWorld): Promise<void> {
  const { world, server } = app;
  const clients = await seedTimerUsers(app, ctx.connections);
  const stopAll = async () => {
    const [, meta] = await world.db.query('UPDATE time_entries SET end_time = start_time, duration_seconds = 0 WHERE end_time IS NULL');
    return Number((meta as { rowCount?: number })?.rowCount ?? 0);
  };
  const since = (sql: string, at: Date) => count(world.db, sql, [at.toISOString()]);
  const phase = async (label: string, latencyMs: number) => {
    await stopAll();
    world.slack.latencyMs = latencyMs;
    const at = new Date();
    ctx.log(`scenario 4: ${label}`);
    const m = await measure(server.pid, {
      url: server.url,
      connections: ctx.connections,
      durationSec: ctx.durationSec,
      requests: timerRequests(app.owner.projectId),
      setupClient: (client, i) => pinContext(client, { cookie: clients[i % clients.length].cookieHeader }),
    });
    // Every start made an entry; every entry not closed by the cleanup below was stopped by the API.
    const starts = await since('SELECT count(*) AS n FROM time_entries WHERE created_at >= $1', at);
    const closedByCleanup = await stopAll();
    const events = starts + (starts - closedByCleanup);
    const queued = await since(`SELECT count(*) AS n FROM outbox_messages WHERE created_at >= $1 AND kind IN ('timer_started', 'timer_stopped')`, at);
    return { ...m, queued, events };
  };
  const fast = await phase('Slack answering at once', 0);
  const slow = await phase('Slack answering after 15 s', 15_000);
  world.slack.latencyMs = 0;
  ctx.runs.push({ scenario: 4, label: 'timer start/stop, Slack at once', kind: 'baseline', load: fast.load, rss: fast.rss, extra: { timerEvents: fast.events, outboxRowsAdded: fast.queued } });
  ctx.runs.push({ scenario: 4, label: 'timer start/stop, Slack after 15 s', kind: 'measured', load: slow.load, rss: slow.rss, extra: { timerEvents: slow.events, outboxRowsAdded: slow.queued } });
  for (const [metric, a, b] of [['p50', slow.load.p50, fast.load.p50], ['mean', slow.load.mean, fast.load.mean]] as const) {
    const r = ratio(a, b);
    ctx.targets.push({
      scenario: 4,
      metric: `timer request ${metric} latency (ms), Slack slow vs fast`,
      value: a,
      baseline: b,
      ratio: r,
      target: metric === 'p50' ? 'ratio ≤ 1.1' : 'reported',
      pass: metric === 'p50' ? r !== null && r <= 1.1 && slow.load.non2xx === 0 && fast.load.non2xx === 0 : null,
      note: slow.load.non2xx + fast.load.non2xx ? `${slow.load.non2xx + fast.load.non2xx} non-2xx answers` : undefined,
    });
  }
  ctx.targets.push({
    scenario: 4,
    metric: 'notifications queued during the slow run / timer events',
    value: slow.queued,
    baseline: slow.events,
    ratio: ratio(slow.queued, slow.events),
    target: 'one outbox message per start and stop (nothing dropped while Slack is slow)',
    pass: slow.queued === slow.events,
  });
}
