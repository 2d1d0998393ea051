// Scenario 7 (opt-in: `npm run bench -- --only=7 [--soak-minutes=N]`): a memory soak. The same
// server takes mixed load in rounds for N minutes (default 10; 1 in quick mode): GitHub deliveries,
// `/tt status` commands and timer start/stop with Slack notifications, all at once. After each
// round the load stops, the server settles, and its resident memory is read. A leak shows as a
// steady climb from round to round; a heap that V8 sized for the load shows as a plateau.
import type { BenchContext } from '../lib/context.js';
import { pinContext, runLoad, type LoadResult } from '../lib/load.js';
import { readKb } from '../lib/rss.js';
import { combineLoads, OWNER_SLACK_USER, settle, slashStatusRequests, webhookRequests, type AppWorld } from './appWorld.js';
import { seedTimerUsers, timerRequests } from './s4-timer-slack.js';

export const meta = {
  id: 7,
  title: 'Memory soak (opt-in)',
  measures:
    'resident memory of the server after each 20 s round of mixed load (20 connections of GitHub deliveries, 10 of `/tt status`, 20 users starting and stopping timers with Slack notifications) for N minutes.',
  baseline: 'the first third of the rounds: the last third must not sit more than 10% above the highest reading of the first.',
};

const ROUND_SEC = 20;
const mb = (kb: number | null) => (kb === null ? null : Math.round(kb / 102.4) / 10);

export async function run(ctx: BenchContext, app: AppWorld, minutes: number): Promise<void> {
  const { server } = app;
  const timerUsers = await seedTimerUsers(app, 20);
  const rounds = Math.max(3, Math.round((minutes * 60) / (ROUND_SEC + 1))); // ~1 s of settling per round
  const rss: number[] = [];
  const loads: LoadResult[] = [];
  for (let r = 0; r < rounds; r++) {
    const results = await Promise.all([
      runLoad({ url: server.url, connections: 20, durationSec: ROUND_SEC, requests: webhookRequests(app) }),
      runLoad({ url: server.url, connections: 10, durationSec: ROUND_SEC, requests: slashStatusRequests(app.slack.signingSecret, () => OWNER_SLACK_USER) }),
      runLoad({
        url: server.url,
        connections: timerUsers.length,
        durationSec: ROUND_SEC,
        requests: timerRequests(app.owner.projectId),
        setupClient: (client, i) => pinContext(client, { cookie: timerUsers[i % timerUsers.length].cookieHeader }),
      }),
    ]);
    loads.push(...results);
    // Requests still in flight finish first; then timers left running by the last start are closed,
    // so the next round's first start does not meet a running timer (409).
    await settle(server.url);
    await app.world.db.query('UPDATE time_entries SET end_time = start_time, duration_seconds = 0 WHERE end_time IS NULL');
    const now = mb(readKb(server.pid, 'VmRSS'));
    if (now !== null) rss.push(now);
    ctx.log(`scenario 7: round ${r + 1}/${rounds}: ${results.map((x) => x.requests).reduce((a, b) => a + b, 0)} requests, RSS ${now} MB`);
  }
  const third = Math.max(1, Math.floor(rss.length / 3));
  const first = rss.slice(0, third);
  const last = rss.slice(-third);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const firstMax = Math.max(...first);
  const lastMedian = median(last);
  // The three loads ran at the same time: throughput is every request over the rounds' wall time.
  const total = { ...combineLoads(loads), rps: Math.round((loads.reduce((n, l) => n + l.requests, 0) / (rounds * ROUND_SEC)) * 10) / 10 };
  ctx.runs.push({
    scenario: 7,
    label: `mixed load, ${rounds} rounds of ${ROUND_SEC} s`,
    kind: 'measured',
    load: total,
    rss: { peakRssMb: Math.max(...rss), hwmMb: mb(readKb(server.pid, 'VmHWM')), cpuPct: null },
    extra: { rssAfterEachRoundMb: rss },
  });
  ctx.targets.push({
    scenario: 7,
    metric: 'RSS after a round (MB), median of the last third vs highest of the first third',
    value: lastMedian,
    baseline: firstMax,
    ratio: firstMax ? Math.round((lastMedian / firstMax) * 100) / 100 : null,
    target: 'ratio ≤ 1.1 (no steady climb)',
    pass: lastMedian <= firstMax * 1.1 && total.non2xx === 0,
    note: total.non2xx ? `${total.non2xx} non-2xx answers (${JSON.stringify(total.status)})` : undefined,
  });
}
