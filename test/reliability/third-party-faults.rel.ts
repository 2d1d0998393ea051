// GitHub, Google and Slack fakes that time out, answer 500 or 429, send HTML instead of JSON, or
// reset the connection. The server must not crash, must report clean errors, must retry where
// the spec says so (outbox, next sync) and must lose nothing once the third party recovers.
import { expect } from 'chai';
import type { ApiClient } from '../../bench/lib/client.js';
import type { Fault, FakeRequest } from '../../bench/lib/fakes/http.js';
import type { ServerProc } from '../../bench/lib/proc.js';
import { addMembers, insertIntegrations, insertUsers, PASSWORD } from '../../bench/lib/seed.js';
import { ApiClient as Client } from '../../bench/lib/client.js';
import { configureGithub, configureSlack, connectGoogle, createOwner, storedConfig, type World } from '../../bench/lib/world.js';
import { holdScheduledTicks, leaks, num, rows, sharedWorld, waitFor } from './support/helpers.js';

const FAULTS: Fault[] = ['http500', 'http429', 'nonjson', 'reset'];
const toChannel = (channel: string) => (req: FakeRequest) => req.json?.channel === channel;

describe('reliability: third-party faults', function () {
  this.timeout(180_000);
  let world: World;
  let server: ServerProc;
  const clients: ApiClient[] = [];

  before(async function () {
    this.timeout(120_000);
    world = await sharedWorld();
    server = await world.startServer({ JOBS_ENABLED: 'true' });
  });

  afterEach(function () {
    world.github.clearFaults();
    world.slack.clearFaults();
    world.google.clearFaults();
    world.slack.latencyMs = 0;
    // Our own API never answers 5xx because a third party misbehaved.
    const fiveXX = clients.flatMap((c) => c.transcript).filter((l) => / 5\d\d /.test(l.split(' ').slice(0, 3).join(' ') + ' '));
    expect(fiveXX, fiveXX.slice(0, 3).join('\n')).to.have.length(0);
    expect(server.isRunning(), `server died:\n${server.output().slice(-1500)}`).to.equal(true);
  });

  after(async function () {
    this.timeout(60_000);
    await world?.close();
  });

  it('GitHub: test connection and sync report clean errors, then sync everything once GitHub recovers', async () => {
    const owner = await createOwner(await world.admin(server), 'ghfaults', { role: 'admin' });
    clients.push(owner.client);
    const gh = await configureGithub(owner, 'acme/faults');
    world.github.repos.set('acme/faults', Array.from({ length: 120 }, (_, i) => ({ number: i + 1, title: `Issue ${i + 1}` })));
    for (const fault of FAULTS) {
      world.github.inject(fault, { count: 1 });
      const t = await owner.client.post('/api/integrations/github/test', {});
      expect(t.status, `${fault}: ${t.text}`).to.equal(200);
      expect(t.body.ok, fault).to.equal(false);
      expect(t.body.message, fault).to.be.a('string').and.not.match(/stack|at \w+ \(|Error:/);
    }
    world.github.inject('hang', { count: 1 });
    const hung = await owner.client.post('/api/integrations/github/test', {}, { timeoutMs: 20_000 });
    expect(hung.body.ok).to.equal(false);
    expect(hung.ms, 'the 10 s client timeout applies').to.be.within(9_000, 15_000);

    // A fault on page 2 of 3 stops the sync with a clear error; the next sync brings in everything.
    for (const fault of FAULTS) {
      world.github.inject(fault, { count: 1, skip: 1 });
      const s = await owner.client.post('/api/integrations/github/sync', {});
      expect(s.status, `${fault}: ${s.text}`).to.be.oneOf([200, 502, 503, 429, 400]);
      const status = await owner.client.get('/api/integrations/github/status');
      expect(status.body.last_sync_status, fault).to.be.oneOf(['error', 'partial']);
      expect(status.body.last_error, fault).to.be.a('string').and.not.be.empty;
      if (fault === 'http429') expect(status.body.last_error).to.match(/rate limit/i);
    }
    const ok = await owner.client.post('/api/integrations/github/sync', {});
    expect(ok.body, ok.text).to.include({ ok: true });
    expect(await num(world.db, 'SELECT count(*) AS n FROM tasks WHERE project_id = $1', [owner.projectId])).to.equal(120);
    expect(await num(world.db, 'SELECT count(DISTINCT external_ref) AS n FROM tasks WHERE project_id = $1', [owner.projectId])).to.equal(120);
    expect((await owner.client.get('/api/integrations/github/status')).body.last_sync_status).to.equal('success');
    expect(leaks(owner.client.transcript.join('\n'), { token: gh.token })).to.deep.equal([]);
  });

  it('Slack: every notification is delivered once after 500, 429, non-JSON, reset and timeout answers', async () => {
    const owner = await createOwner(await world.admin(server), 'slfaults');
    clients.push(owner.client);
    const slack = await configureSlack(owner, 'U0FAULTOWNER', { notify_on_start: false, notify_on_stop: false });
    for (const fault of FAULTS) {
      world.slack.inject(fault, { count: 1, match: toChannel(slack.channel) });
      const t = await owner.client.post('/api/integrations/slack/test', {});
      expect(t.status, `${fault}: ${t.text}`).to.equal(200);
      expect(t.body.ok, fault).to.equal(false);
    }
    const shape = await storedConfig(world.db, 'slack_connector', owner.userId);
    const faults: Fault[] = [...FAULTS, 'hang'];
    const channels = faults.map((_, i) => `C0FAULT${i}`);
    const ids = await insertUsers(world.db, faults.map((_, i) => ({ username: `slfault${i}`, full_name: `Fault User ${i}` })));
    await addMembers(world.db, ids.map((user_id) => ({ project_id: owner.projectId, user_id })));
    await insertIntegrations(world.db, world.keyring, 'slack_connector', 'Slack', ids.map((userId, i) => ({
      userId,
      config: { ...shape, channel_id: channels[i], linked_slack_user_id: `U0FAULT${i}`, notify_on_start: true, notify_on_stop: false },
      secrets: { bot_token: slack.botToken, signing_secret: slack.signingSecret },
    })));
    const users = ids.map(() => new Client(server.url));
    clients.push(...users);
    for (const [i, c] of users.entries()) await c.login(`slfault${i}@example.test`, PASSWORD);
    world.slack.messages.length = 0;
    world.slack.resetStats();
    // Each fault belongs to one message (its channel): the outbox sends in parallel and a retry of
    // one message may reach Slack before another message's first attempt, so an untargeted fault
    // would go to whichever request came first.
    faults.forEach((f, i) => world.slack.inject(f, { count: 1, retryAfterSec: 2, pathIncludes: 'chat.postMessage', match: toChannel(channels[i]) }));
    // Slack answers nothing while the timers start, so an answer cannot have waited for Slack: a
    // request that called Slack itself would hang until its Slack call timed out (ending 'aborted').
    const release = world.slack.hold((req) => req.path.endsWith('chat.postMessage'));
    try {
      for (const c of users) {
        const r = await c.post('/api/timer/start', { project_id: owner.projectId });
        expect(r.status, r.text).to.equal(201);
        const ended = world.slack.requests('chat.postMessage').filter((l) => l.outcome !== 'pending');
        expect(ended.map((l) => `${l.json?.channel} ${l.outcome}`), 'the timer request does not wait for Slack').to.deep.equal([]);
      }
    } finally {
      release();
    }
    await waitFor(async () => (await num(world.db, "SELECT count(*) AS n FROM outbox_messages WHERE status = 'sent'")) === ids.length, 90_000, 'every message sent', 1_000);
    expect(world.slack.messages.map((m) => m.channel).sort(), 'each message delivered once').to.deep.equal([...channels].sort());
    const attempts = await rows<{ channel: string; attempts: number }>(world.db, "SELECT channel, attempts FROM outbox_messages WHERE kind = 'timer_started' ORDER BY channel");
    expect(attempts.every((a) => a.attempts >= 2), JSON.stringify(attempts)).to.equal(true);
    for (const [i, channel] of channels.entries()) {
      const calls = world.slack.requests('chat.postMessage').filter((l) => l.json?.channel === channel);
      expect(calls.map((l) => l.fault ?? l.outcome), `${channel}: its first attempt hits ${faults[i]}, a later one gets through`).to.include('answered');
      expect(calls[0]?.fault, `${channel}: ${JSON.stringify(calls.map((l) => l.fault ?? l.outcome))}`).to.equal(faults[i]);
    }
    const failures = world.slack.log.filter((l) => l.outcome === 'fault');
    expect(failures).to.have.length(faults.length);
  });

  it('Google: sync reports clean errors, marks a refused refresh token, and imports everything once Google recovers', async () => {
    // The scheduled google_calendar_sync (at :00 and :30) would take the faults meant for these syncs.
    await holdScheduledTicks(world.db, 'google_calendar_sync', 30);
    const owner = await createOwner(await world.admin(server), 'gfaults');
    clients.push(owner.client);
    await connectGoogle(owner);
    world.google.eventsPerUser = 7;
    world.google.pageSize = 3;
    for (const fault of FAULTS) {
      world.google.inject(fault, { count: 1, skip: 1, pathIncludes: '/events' });
      const s = await owner.client.post('/api/integrations/google/sync', {});
      expect(s.status, `${fault}: ${s.text}`).to.be.below(500);
      expect(s.body.errors, `${fault}: ${s.text}`).to.be.an('array').that.is.not.empty; // page 1 may be imported (partial)
      const status = await owner.client.get('/api/integrations/google/status');
      expect(status.body.last_sync_status, fault).to.be.oneOf(['error', 'partial']);
      expect(status.body.last_error, fault).to.be.a('string').and.not.match(/stack|at \w+ \(/);
    }
    // Token endpoint failing while the access token is expired.
    await world.db.query(`UPDATE integrations SET config = jsonb_set(config, '{token_expiry}', '"2000-01-01T00:00:00.000Z"') WHERE user_id = $1 AND provider = 'google_calendar_connector'`, { bind: [owner.userId] });
    world.google.inject('http500', { count: 1, pathIncludes: '/token' });
    const tokenFail = await owner.client.post('/api/integrations/google/sync', {});
    expect(tokenFail.body.ok, tokenFail.text).to.equal(false);
    const good = await owner.client.post('/api/integrations/google/sync', {});
    expect(good.body, good.text).to.include({ ok: true });
    const imported = await num(world.db, "SELECT count(*) AS n FROM time_entries WHERE user_id = $1 AND source = 'google_calendar'", [owner.userId]);
    expect(imported).to.equal(7);
    const again = await owner.client.post('/api/integrations/google/sync', {});
    expect(again.body.imported).to.equal(0);
    expect(await num(world.db, "SELECT count(*) AS n FROM time_entries WHERE user_id = $1 AND source = 'google_calendar'", [owner.userId])).to.equal(7);
    // A refresh token Google refuses (invalid_grant) asks the user to reconnect.
    await world.db.query(`UPDATE integrations SET config = jsonb_set(config, '{token_expiry}', '"2000-01-01T00:00:00.000Z"') WHERE user_id = $1 AND provider = 'google_calendar_connector'`, { bind: [owner.userId] });
    world.google.refuseAllRefresh = true;
    const refused = await owner.client.post('/api/integrations/google/sync', {});
    world.google.refuseAllRefresh = false;
    expect(refused.body.ok).to.equal(false);
    const status = await owner.client.get('/api/integrations/google/status');
    expect(status.body.needs_reconnect, status.text).to.equal(true);
  });
});
