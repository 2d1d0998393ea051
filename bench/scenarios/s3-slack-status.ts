// Scenario 3: Slack `/tt status`. Signed slash commands (fresh timestamp and signature per request)
// from the linked Slack user, 50 connections. Slack gives up after 3 s; the target is p99 < 100 ms.
import type { BenchContext } from '../lib/context.js';
import { ratio } from '../lib/context.js';
import { measure, warmupFor, OWNER_SLACK_USER, slashStatusRequests, startBaseline, type AppWorld } from './appWorld.js';

export const meta = {
  id: 3,
  title: 'Slack `/tt status`',
  measures: 'signed slash commands `/tt status` from a linked Slack user (signature verified, user routed, timer looked up), 50 connections.',
  baseline: 'a bare Koa route that reads the raw body and runs one indexed SELECT with the same pool.',
};

export async function run(ctx: BenchContext, app: AppWorld): Promise<void> {
  const baseline = await startBaseline(app.world.dbUrl);
  ctx.log('scenario 3: baseline (bare Koa + one SELECT)');
  const requests = slashStatusRequests(app.slack.signingSecret, () => OWNER_SLACK_USER);
  const base = await measure(baseline.proc.pid, {
    url: baseline.url,
    connections: ctx.connections,
    durationSec: ctx.durationSec,
    warmupSec: warmupFor(ctx.durationSec),
    requests: [{ ...requests[0], path: '/select' }],
  });
  await baseline.proc.stop();
  ctx.runs.push({ scenario: 3, label: 'bare Koa SELECT', kind: 'baseline', load: base.load, rss: base.rss });

  ctx.log('scenario 3: /tt status');
  let sample = '';
  const m = await measure(app.server.pid, {
    url: app.server.url,
    connections: ctx.connections,
    durationSec: ctx.durationSec,
    warmupSec: warmupFor(ctx.durationSec),
    requests: [{ ...requests[0], onResponse: (_s, body) => void (sample ||= body.slice(0, 200)) }],
  });
  ctx.runs.push({ scenario: 3, label: 'POST /api/integrations/slack/events (/tt status)', kind: 'measured', load: m.load, rss: m.rss, extra: { sampleReply: sample } });
  ctx.targets.push({
    scenario: 3,
    metric: 'p99 latency (ms)',
    value: m.load.p99,
    baseline: base.load.p99,
    ratio: ratio(m.load.p99, base.load.p99),
    target: '< 100 ms, all answers 200',
    pass: m.load.p99 < 100 && m.load.non2xx === 0 && m.load.errors === 0,
    note: m.load.non2xx ? `${m.load.non2xx} non-2xx answers` : undefined,
  });
  ctx.targets.push({
    scenario: 3,
    metric: 'throughput (req/s)',
    value: m.load.rps,
    baseline: base.load.rps,
    ratio: ratio(m.load.rps, base.load.rps),
    target: 'reported',
    pass: null,
  });
}
