// Scenario 5: the `google_calendar_sync` job over N connected users against a fake Google that
// answers every call after 100 ms. One user connects through the real OAuth flow (server process);
// the others copy that row's shape with their own sealed tokens. Every access token is expired, so
// each user costs a token refresh plus two pages of events (3 calls). The job runs in its own
// process through the real Scheduler (bench/job-runner.ts); the sequential baseline runs
// syncIntegration() one user after another over a sample and is extrapolated to N.
import { QueryTypes } from 'sequelize';
import type { BenchContext } from '../lib/context.js';
import { ratio } from '../lib/context.js';
import { runJobProcess } from '../lib/jobRunner.js';
import { addMembers, count, insertIntegrations, insertUsers } from '../lib/seed.js';
import { connectGoogle, createOwner, createWorld, storedConfig, type World } from '../lib/world.js';

export const meta = {
  id: 5,
  title: 'Google Calendar sync job',
  measures:
    'one run of the `google_calendar_sync` job over 1,000 connected users (quick mode: 50), fake Google answering each call after 100 ms; every user refreshes an expired token and reads two pages of events (5 events imported per user).',
  baseline: 'the same per-user sync run sequentially over a sample of users, extrapolated to all users.',
};

const EXPIRED = '2000-01-01T00:00:00.000Z';

async function seedUsers(ctx: BenchContext, world: World): Promise<number[]> {
  const server = await world.startServer();
  try {
    const admin = await world.admin(server);
    const owner = await createOwner(admin, 'gowner');
    await connectGoogle(owner, { sync_days_back: 7 });
    const shape = await storedConfig(world.db, 'google_calendar_connector', owner.userId);
    const n = ctx.googleUsers - 1;
    const ids = await insertUsers(world.db, Array.from({ length: n }, (_, i) => ({ username: `guser${i}` })));
    await addMembers(world.db, ids.map((user_id) => ({ project_id: owner.projectId, user_id })));
    await insertIntegrations(world.db, world.keyring, 'google_calendar_connector', 'Google Calendar', ids.map((userId, i) => ({
      userId,
      config: { ...shape, email: `guser${i}@example.test`, token_expiry: EXPIRED },
      secrets: { access_token: `ya29.bench-access-${i}`, refresh_token: `1//bench-refresh-${i}` },
    })));
  } finally {
    await server.stop();
    world.servers.length = 0;
  }
  await world.db.query(
    `UPDATE integrations SET config = jsonb_set(config, '{token_expiry}', '"${EXPIRED}"') WHERE provider = 'google_calendar_connector'`,
  );
  const rows = await world.db.query<{ id: number }>(`SELECT id FROM integrations WHERE provider = 'google_calendar_connector' ORDER BY id`, {
    type: QueryTypes.SELECT,
  });
  return rows.map((r) => r.id);
}

export async function run(ctx: BenchContext): Promise<void> {
  const world = await createWorld();
  try {
    world.google.eventsPerUser = 5;
    world.google.pageSize = 3;
    const ids = await seedUsers(ctx, world);
    ctx.log(`scenario 5: ${ids.length} connected users seeded`);
    world.google.latencyMs = ctx.googleLatencyMs;

    const sample = ids.slice(0, ctx.sequentialSample);
    ctx.log(`scenario 5: sequential baseline over ${sample.length} users`);
    world.google.resetStats();
    const seq = await runJobProcess(world, ['google-sequential', ...sample.map(String)]);
    const seqCalls = world.google.log.length;
    const seqEstimate = Math.round((seq.ms / sample.length) * ids.length);
    await world.db.query(`DELETE FROM time_entries WHERE source = 'google_calendar'`);
    await world.db.query(
      `UPDATE integrations SET config = jsonb_set(config, '{token_expiry}', '"${EXPIRED}"') WHERE provider = 'google_calendar_connector'`,
    );

    ctx.log(`scenario 5: google_calendar_sync job over ${ids.length} users`);
    world.google.resetStats();
    const job = await runJobProcess(world, ['job', 'google_calendar_sync']);
    const imported = await count(world.db, `SELECT count(*) AS n FROM time_entries WHERE source = 'google_calendar'`);
    const synced = await count(world.db, `SELECT count(*) AS n FROM integrations WHERE provider = 'google_calendar_connector' AND last_sync_status = 'success'`);
    const expected = ids.length * world.google.eventsPerUser;
    ctx.runs.push({
      scenario: 5,
      label: `sequential sync, ${sample.length} users (extrapolated to ${ids.length}: ${(seqEstimate / 1000).toFixed(1)} s)`,
      kind: 'baseline',
      ms: seq.ms,
      rss: { peakRssMb: seq.peakMb, hwmMb: seq.hwmMb },
      extra: { calls: seqCalls, estimateMsForAll: seqEstimate },
    });
    ctx.runs.push({
      scenario: 5,
      label: `google_calendar_sync job, ${ids.length} users`,
      kind: 'measured',
      ms: job.ms,
      rss: { peakRssMb: job.peakMb, hwmMb: job.hwmMb },
      extra: { outcome: job.result, calls: world.google.log.length, maxConcurrentCalls: world.google.maxInFlight, imported, rowsSucceeded: synced },
    });
    ctx.targets.push({
      scenario: 5,
      metric: `job wall time (s), ${ids.length} users`,
      value: job.ms / 1000,
      baseline: seqEstimate / 1000,
      ratio: ratio(job.ms, seqEstimate),
      target: '< 60 s (baseline: sequential, extrapolated)',
      pass: job.ms < 60_000 && job.result === 'ran',
    });
    ctx.targets.push({
      scenario: 5,
      metric: 'max concurrent calls to Google',
      value: world.google.maxInFlight,
      baseline: null,
      ratio: null,
      target: 'bounded (≤ 16, never one per user)',
      pass: world.google.maxInFlight <= 16,
    });
    ctx.targets.push({
      scenario: 5,
      metric: 'entries imported / rows synced',
      value: imported,
      baseline: expected,
      ratio: ratio(imported, expected),
      target: `all ${expected} events imported, all ${ids.length} rows success`,
      pass: imported === expected && synced === ids.length,
      note: `${synced} rows success`,
    });
  } finally {
    await world.close();
  }
}
