// Scenario 1: GitHub webhook ingest. Signed `issues.opened` deliveries, each a new issue number,
// N connections for D seconds, against a bare Koa route that inserts one row with the same pool.
import type { BenchContext } from '../lib/context.js';
import { ratio } from '../lib/context.js';
import { count } from '../lib/seed.js';
import { measure, measureInterleaved, startBaseline, warmupFor, webhookRequests, type AppWorld } from './appWorld.js';

export const meta = {
  id: 1,
  title: 'GitHub webhook ingest',
  measures:
    'signed `issues.opened` deliveries with distinct issue numbers (each creates a task), 50 connections; throughput, p50/p99 latency, peak RSS of the server process.',
  baseline: 'a bare Koa route (bench/baseline-server.ts) that reads the raw body and inserts one row with the same pool settings, same database, same load. After an uncounted warm-up of each (3 s), the two are loaded in 4 alternating rounds of 5 s, so drifting background load on a shared machine hits both alike.',
};

/** Alternating rounds per side in full mode (4 × 5 s each side after a 3 s warm-up); quick mode runs one. */
const ROUNDS = 4;

export async function run(ctx: BenchContext, app: AppWorld): Promise<void> {
  const { world } = app;
  const baseline = await startBaseline(world.dbUrl);
  const rounds = ctx.quick ? 1 : ROUNDS;
  ctx.log(`scenario 1: bare Koa INSERT and webhook ingest, ${rounds} alternating round(s) each`);
  let tasksBefore = 0;
  let firstIssue = 0;
  const load = { connections: ctx.connections, durationSec: ctx.durationSec, warmupSec: warmupFor(ctx.durationSec) };
  const [base, m] = await measureInterleaved(
    [
      { pid: baseline.proc.pid, opts: { ...load, url: baseline.url, requests: [{ ...webhookRequests(app)[0], path: '/ingest' }] } },
      {
        pid: app.server.pid,
        opts: {
          ...load,
          url: app.server.url,
          requests: webhookRequests(app),
          afterWarmup: async () => {
            tasksBefore = await count(world.db, 'SELECT count(*) AS n FROM tasks');
            firstIssue = app.nextIssue;
          },
        },
      },
    ],
    rounds,
  );
  await baseline.proc.stop();
  ctx.runs.push({ scenario: 1, label: 'bare Koa INSERT', kind: 'baseline', load: base.load, rss: base.rss });
  const created = (await count(world.db, 'SELECT count(*) AS n FROM tasks')) - tasksBefore;
  // GitHub sends a hook's deliveries one by one: latency at low concurrency, for reference.
  const calm = await measure(app.server.pid, {
    url: app.server.url,
    connections: 5,
    durationSec: Math.max(2, Math.round(ctx.durationSec / 2)),
    requests: webhookRequests(app),
  });
  ctx.runs.push({ scenario: 1, label: 'webhook (issues.opened), 5 connections', kind: 'measured', load: calm.load, rss: calm.rss });
  const ok2xx = m.load.requests - m.load.non2xx;
  ctx.runs.push({
    scenario: 1,
    label: 'POST /api/integrations/github/webhook (issues.opened)',
    kind: 'measured',
    load: m.load,
    rss: m.rss,
    extra: { tasksCreated: created, answered2xx: ok2xx, issuesSent: app.nextIssue - firstIssue },
  });
  const r = ratio(m.load.rps, base.load.rps);
  ctx.targets.push({
    scenario: 1,
    metric: 'throughput (req/s)',
    value: m.load.rps,
    baseline: base.load.rps,
    ratio: r,
    target: '≥ 0.5 × baseline',
    pass: r !== null && r >= 0.5 && m.load.non2xx === 0,
    note: m.load.non2xx ? `${m.load.non2xx} non-2xx answers` : undefined,
  });
  ctx.targets.push({
    scenario: 1,
    metric: 'p99 latency (ms)',
    value: m.load.p99,
    baseline: base.load.p99,
    ratio: ratio(m.load.p99, base.load.p99),
    target: '< 50 ms',
    pass: m.load.p99 < 50,
  });
  ctx.targets.push({
    scenario: 1,
    metric: 'p99 latency (ms) at 5 connections',
    value: calm.load.p99,
    baseline: null,
    ratio: null,
    target: 'reported',
    pass: null,
  });
  ctx.targets.push({
    scenario: 1,
    metric: 'tasks created vs 2xx answers',
    value: created,
    baseline: ok2xx,
    ratio: ratio(created, ok2xx),
    target: 'one task per delivery (2xx ≤ created ≤ 2xx + connections still in flight at the end of each round)',
    pass: created >= ok2xx && created <= ok2xx + ctx.connections * rounds,
  });
}
