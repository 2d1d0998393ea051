// Scenario 9: notification latency. 50 users, each with a Slack connector notifying its own
// channel on start (so the per-channel pacing of about one message a second never holds one back),
// start a timer through the REST API one after another, 200 ms apart (two 5 s poll cycles). For each, the time from
// sending POST /api/timer/start to the fake Slack (answering at once) receiving the
// chat.postMessage for that channel. Measured with the outbox wake-up on (the default), then, in
// the same run and on the same database, with SLACK_OUTBOX_WAKE=false (the 5 s poll only), each
// with a fresh server process with jobs on.
import crypto from 'node:crypto';
import { ApiClient } from '../lib/client.js';
import type { BenchContext } from '../lib/context.js';
import { ratio } from '../lib/context.js';
import { sleep } from '../lib/proc.js';
import { addMembers, insertIntegrations, insertUsers, PASSWORD } from '../lib/seed.js';
import { configureSlack, createOwner, createWorld, storedConfig, type World } from '../lib/world.js';

export const meta = {
  id: 9,
  title: 'Notification latency, timer start to chat.postMessage',
  measures:
    'time from sending POST /api/timer/start to the fake Slack receiving the start notification, 50 users one after another 200 ms apart, each notifying its own channel; p50 and p99.',
  baseline: 'the same with the outbox wake-up switched off (SLACK_OUTBOX_WAKE=false: the 5 s poll only), same run, same database.',
};

export const TIMERS = 50;
const SPACING_MS = 200;
/** Target for the p50 with the wake-up on (issue 14). */
export const TARGET_P50_MS = 1_000;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

interface Phase {
  p50: number;
  p99: number;
  max: number;
  delivered: number;
  samples: number[];
  /** The REST start request's own latency (answer received), p50 and p99. */
  requestP50: number;
  requestP99: number;
}

async function phase(ctx: BenchContext, world: World, label: string, wake: boolean): Promise<Phase> {
  const server = await world.startServer({ JOBS_ENABLED: 'true', SLACK_OUTBOX_WAKE: wake ? 'true' : 'false' });
  try {
    const tag = crypto.randomBytes(3).toString('hex');
    const owner = await createOwner(await world.admin(server), `lat${tag}`);
    await configureSlack(owner, `U0LAT${tag.toUpperCase()}`, { notify_on_start: false, notify_on_stop: false });
    const shape = await storedConfig(world.db, 'slack_connector', owner.userId);
    const ids = await insertUsers(world.db, Array.from({ length: TIMERS }, (_, i) => ({ username: `lat${tag}${i}`, full_name: `Latency user ${i}` })));
    await addMembers(world.db, ids.map((user_id) => ({ project_id: owner.projectId, user_id })));
    const channels = ids.map((_, i) => `C0LAT${tag.toUpperCase()}${i}`);
    await insertIntegrations(world.db, world.keyring, 'slack_connector', 'Slack', ids.map((userId, i) => ({
      userId,
      config: { ...shape, linked_slack_user_id: `U0LAT${tag.toUpperCase()}X${i}`, notify_on_start: true, notify_on_stop: false, channel_id: channels[i] },
      secrets: { bot_token: `xoxb-${crypto.randomBytes(8).toString('hex')}-${crypto.randomBytes(12).toString('hex')}`, signing_secret: crypto.randomBytes(16).toString('hex') },
    })));
    const clients: ApiClient[] = [];
    for (let i = 0; i < TIMERS; i++) {
      const c = new ApiClient(server.url);
      await c.login(`lat${tag}${i}@example.test`, PASSWORD);
      clients.push(c);
    }
    ctx.log(`scenario 9: ${label}: ${TIMERS} timers, ${SPACING_MS} ms apart`);
    const sentAt = new Map<string, number>();
    const requestMs: number[] = [];
    const requests: Array<Promise<void>> = [];
    for (let i = 0; i < TIMERS; i++) {
      const t = Date.now();
      sentAt.set(channels[i], t);
      requests.push(clients[i].post('/api/timer/start', { project_id: owner.projectId }).then((res) => {
        if (res.status !== 201) throw new Error(`timer start: HTTP ${res.status} ${res.text.slice(0, 200)}`);
        requestMs.push(Date.now() - t);
      }));
      await sleep(SPACING_MS);
    }
    await Promise.all(requests);
    const firstPost = () => {
      const at = new Map<string, number>();
      for (const m of world.slack.messages) if (sentAt.has(m.channel) && !at.has(m.channel)) at.set(m.channel, m.at);
      return at;
    };
    const deadline = Date.now() + 30_000;
    while (firstPost().size < TIMERS && Date.now() < deadline) await sleep(50);
    const posted = firstPost();
    const samples = [...posted].map(([channel, at]) => at - sentAt.get(channel)!).sort((a, b) => a - b);
    requestMs.sort((a, b) => a - b);
    const result = {
      p50: percentile(samples, 50),
      p99: percentile(samples, 99),
      max: samples[samples.length - 1] ?? NaN,
      delivered: posted.size,
      samples,
      requestP50: percentile(requestMs, 50),
      requestP99: percentile(requestMs, 99),
    };
    ctx.log(`scenario 9: ${label}: delivered ${result.delivered}/${TIMERS}, p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms (the start request itself: p50 ${result.requestP50} ms, p99 ${result.requestP99} ms)`);
    return result;
  } finally {
    await server.stop(15_000);
  }
}

export async function run(ctx: BenchContext): Promise<void> {
  ctx.log('scenario 9: starting PostgreSQL and the fakes');
  const world = await createWorld();
  try {
    const woken = await phase(ctx, world, 'wake-up on', true);
    const polled = await phase(ctx, world, 'poll only (SLACK_OUTBOX_WAKE=false)', false);
    const extra = (p: Phase) => ({
      timers: TIMERS,
      delivered: p.delivered,
      p50Ms: p.p50,
      p99Ms: p.p99,
      maxMs: p.max,
      requestP50Ms: p.requestP50,
      requestP99Ms: p.requestP99,
      samplesMs: p.samples,
    });
    ctx.runs.push({ scenario: 9, label: 'timer start → chat.postMessage, wake-up on', kind: 'measured', extra: extra(woken) });
    ctx.runs.push({ scenario: 9, label: 'timer start → chat.postMessage, poll only', kind: 'baseline', extra: extra(polled) });
    const note = (p: Phase) => (p.delivered < TIMERS ? `${TIMERS - p.delivered} of ${TIMERS} not delivered within 30 s` : undefined);
    ctx.targets.push({
      scenario: 9,
      metric: 'start notification latency p50 (ms), wake-up vs poll only',
      value: woken.p50,
      baseline: polled.p50,
      ratio: ratio(woken.p50, polled.p50),
      target: `p50 < ${TARGET_P50_MS} ms, all ${TIMERS} delivered`,
      pass: woken.delivered === TIMERS && woken.p50 < TARGET_P50_MS,
      note: note(woken),
    });
    ctx.targets.push({
      scenario: 9,
      metric: 'start notification latency p99 (ms), wake-up vs poll only',
      value: woken.p99,
      baseline: polled.p99,
      ratio: ratio(woken.p99, polled.p99),
      target: 'reported',
      pass: null,
      note: note(polled),
    });
  } finally {
    await world.close();
  }
}
