// SIGKILL of a server that runs its own embedded PostgreSQL (DATA_DIR, no DATABASE_URL), once in
// the middle of Slack outbox deliveries and once in the middle of a Google Calendar sync. The
// orphaned postmaster is left behind exactly as a real crash leaves it; the next start must take
// the data directory back, and nothing may be lost or duplicated beyond what was in flight.
import { expect } from 'chai';
import fs from 'node:fs';
import type { Sequelize } from 'sequelize';
import { ApiClient } from '../../bench/lib/client.js';
import { openDatabase, tempDir } from '../../bench/lib/cluster.js';
import type { ServerProc } from '../../bench/lib/proc.js';
import { addMembers, insertIntegrations, insertUsers, PASSWORD } from '../../bench/lib/seed.js';
import { configureSlack, connectGoogle, createOwner, storedConfig, type World } from '../../bench/lib/world.js';
import { embeddedUrl, holdScheduledTicks, num, rows, sharedWorld, waitFor } from './support/helpers.js';

describe('reliability: crash safety (SIGKILL, embedded PostgreSQL)', function () {
  this.timeout(240_000);
  let world: World;
  let dataDir: string;
  let server: ServerProc | null = null;
  let db: Sequelize | null = null;

  const start = async () => {
    server = await world.startServer({ JOBS_ENABLED: 'true' }, { dataDir, external: false });
    db = await openDatabase(embeddedUrl(dataDir), 4);
    return server;
  };
  const crash = async () => {
    await server!.kill();
    await db?.close();
    db = null;
    const pid = Number(fs.readFileSync(`${dataDir}/postgres/pg/postmaster.pid`, 'utf8').split('\n')[0]);
    expect(() => process.kill(pid, 0), 'the orphaned postmaster is still running, as after a real crash').not.to.throw();
  };

  before(async function () {
    this.timeout(120_000);
    world = await sharedWorld(); // only its fakes and keys are used: the server owns its database
    dataDir = tempDir('tt-rel-crash-');
  });

  after(async function () {
    this.timeout(60_000);
    await db?.close();
    await world?.close(); // stops the last server, which stops its embedded PostgreSQL
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers every outbox message after a SIGKILL during delivery, duplicating at most what was in flight', async () => {
    const first = await start();
    const owner = await createOwner(await world.admin(first), 'crashowner');
    const slack = await configureSlack(owner, 'U0CRASHOWNER', { notify_on_start: false, notify_on_stop: false });
    const shape = await storedConfig(db!, 'slack_connector', owner.userId);
    const users = 10;
    const ids = await insertUsers(db!, Array.from({ length: users }, (_, i) => ({ username: `crash${i}`, full_name: `Crash User ${i}` })));
    await addMembers(db!, ids.map((user_id) => ({ project_id: owner.projectId, user_id })));
    await insertIntegrations(db!, world.keyring, 'slack_connector', 'Slack', ids.map((userId, i) => ({
      userId,
      config: { ...shape, channel_id: `C0CRASH${i}`, linked_slack_user_id: `U0CRASH${i}`, notify_on_start: true, notify_on_stop: true },
      secrets: { bot_token: slack.botToken, signing_secret: slack.signingSecret },
    })));
    world.slack.latencyMs = 3_000;
    world.slack.messages.length = 0;
    world.slack.resetStats();
    for (let i = 0; i < users; i++) {
      const c = new ApiClient(first.url);
      await c.login(`crash${i}@example.test`, PASSWORD);
      expect((await c.post('/api/timer/start', { project_id: owner.projectId })).status).to.equal(201);
      expect((await c.post('/api/timer/stop', {})).status).to.equal(200);
    }
    await waitFor(() => world.slack.inFlight >= 3, 30_000, 'deliveries in flight');
    await crash();
    // Counted once the process is gone, whenever each request arrived: the server goes on sending
    // until SIGKILL lands, and every request it never saw answered is one it may legitimately re-send.
    const inFlight = world.slack.requests('chat.postMessage').filter((r) => r.outcome === 'aborted' || r.outcome === 'pending').length;
    world.slack.latencyMs = 0;

    const second = await start();
    expect((await owner.client.withBase(second.url).get('/api/auth/me')).status, 'sessions survive the crash').to.equal(200);
    await waitFor(async () => (await num(db!, "SELECT count(*) AS n FROM outbox_messages WHERE status = 'sent'")) === users * 2, 120_000, 'every message sent after the restart', 1_000);
    expect(await num(db!, 'SELECT count(*) AS n FROM outbox_messages')).to.equal(users * 2);
    const delivered = world.slack.messages.map((m) => `${m.channel} ${m.text.split('\n')[0]}`);
    const distinct = new Set(delivered);
    expect(distinct.size, 'nothing lost').to.equal(users * 2);
    const duplicates = delivered.length - distinct.size;
    expect(duplicates, `duplicates (${duplicates}) only among the ${inFlight} requests in flight at the kill`).to.be.at.most(inFlight);
    console.log(`      outbox crash: ${inFlight} in flight at SIGKILL, ${duplicates} re-sent after the lease expired, ${distinct.size} distinct messages`);
  });

  it('finishes a Google sync interrupted by SIGKILL without duplicating entries', async () => {
    if (!server?.isRunning()) await start();
    // Only this test's syncs may fetch events: a scheduled google_calendar_sync (at :00 and :30)
    // would add its own page requests and imports to the ones counted here.
    await holdScheduledTicks(db!, 'google_calendar_sync', 30);
    const owner = await createOwner(await world.admin(server!), 'gcrash');
    await connectGoogle(owner);
    world.google.eventsPerUser = 40;
    world.google.pageSize = 2;
    world.google.latencyMs = 300;
    world.google.resetStats();
    const pending = owner.client.post('/api/integrations/google/sync', {}, { timeoutMs: 60_000 }).catch((err: unknown) => err);
    await waitFor(() => world.google.requests('/events').length >= 8, 30_000, 'half of the pages fetched');
    await crash();
    await pending;
    world.google.latencyMs = 0;

    await start();
    const client = owner.client.withBase(server!.url);
    const partial = await num(db!, "SELECT count(*) AS n FROM time_entries WHERE user_id = $1 AND source = 'google_calendar'", [owner.userId]);
    expect(partial).to.be.below(40);
    const res = await client.post('/api/integrations/google/sync', {});
    expect(res.body, res.text).to.include({ ok: true });
    const entries = await rows<{ n: string; d: string }>(db!, "SELECT count(*) AS n, count(DISTINCT external_ref) AS d FROM time_entries WHERE user_id = $1 AND source = 'google_calendar'", [owner.userId]);
    expect(Number(entries[0].n)).to.equal(40);
    expect(Number(entries[0].d)).to.equal(40);
    const status = await client.get('/api/integrations/google/status');
    expect(status.body).to.include({ connected: true, last_sync_status: 'success' });
    console.log(`      sync crash: ${partial} of 40 entries imported before SIGKILL, 40 after the next sync`);
  });
});
