// Two real app instances (separate processes, schedulers on) on one PostgreSQL database.
import { expect } from 'chai';
import crypto from 'node:crypto';
import { ApiClient } from '../../bench/lib/client.js';
import { runJobProcess } from '../../bench/lib/jobRunner.js';
import type { ServerProc } from '../../bench/lib/proc.js';
import { addMembers, insertIntegrations, insertUsers, PASSWORD } from '../../bench/lib/seed.js';
import { issuePayload, signedGithubDelivery } from '../../bench/lib/signing.js';
import { configureGithub, configureSlack, connectGoogle, createOwner, storedConfig, type World } from '../../bench/lib/world.js';
import { CACHE_MAX_AGE_MS } from '../../src/integrations/github/candidates.js';
import { holdScheduledTicks, num, rows, sharedWorld, waitFor } from './support/helpers.js';

/** Finished slack_outbox runs in the servers' logs (one line each at debug level, info when it did something). */
const outboxRuns = (...servers: ServerProc[]) => servers.flatMap((s) => s.lines).filter((l) => l.includes('slack_outbox') && l.includes('job finished')).length;

describe('reliability: two app instances on one database', function () {
  this.timeout(180_000);
  let world: World;
  let a: ServerProc;
  let b: ServerProc;

  before(async function () {
    this.timeout(120_000);
    world = await sharedWorld();
    a = await world.startServer({ JOBS_ENABLED: 'true', LOG_LEVEL: 'debug' });
    b = await world.startServer({ JOBS_ENABLED: 'true', LOG_LEVEL: 'debug' });
  });

  after(async function () {
    this.timeout(60_000);
    await world?.close();
  });

  it('serves a session created on one instance on the other', async () => {
    const owner = await createOwner(await world.admin(a), 'sessionuser');
    const onB = owner.client.withBase(b.url);
    expect((await onB.get('/api/auth/me')).status).to.equal(200);
    expect((await onB.post('/api/timer/start', { project_id: owner.projectId })).status).to.equal(201);
    const status = await owner.client.get('/api/timer/status');
    expect(status.body).to.include({ ok: true, active: true });
    expect((await owner.client.post('/api/auth/logout', {})).status).to.equal(200);
    expect((await onB.get('/api/auth/me')).status).to.equal(401);
  });

  it('creates each GitHub task once when deliveries, redeliveries and a sync are spread across both', async () => {
    const admin = await world.admin(a);
    const owner = await createOwner(admin, 'ghowner');
    const gh = await configureGithub(owner, 'acme/widgets');
    const issues = 60;
    world.github.repos.set('acme/widgets', Array.from({ length: issues }, (_, i) => ({ number: i + 1, title: `Issue ${i + 1}`, labels: ['bug'] })));
    const integrationId = (await rows<{ id: number }>(world.db, "SELECT id FROM integrations WHERE provider = 'github_connector'"))[0].id;
    const send = (server: ServerProc, n: number, deliveryId: string) => {
      const d = signedGithubDelivery('issues', issuePayload({ number: n, repo: gh.repo }), gh.webhookSecret, deliveryId);
      return fetch(`${server.url}/api/integrations/github/webhook`, { method: 'POST', headers: d.headers, body: d.body }).then(async (r) => ({ status: r.status, body: await r.json() }));
    };
    const work: Array<Promise<{ status: number; body: any }>> = [];
    const sync = admin.withBase(b.url).post('/api/integrations/github/sync', { integration_id: integrationId });
    for (let n = 1; n <= issues; n++) {
      const first = crypto.randomUUID();
      work.push(send(a, n, first), send(b, n, first)); // GitHub redelivering one delivery to both instances
      work.push(send(n % 2 ? a : b, n, crypto.randomUUID())); // a second delivery of the same issue
    }
    const answers = await Promise.all(work);
    const synced = await sync;
    expect(answers.filter((x) => x.status !== 200), JSON.stringify(answers.find((x) => x.status !== 200))).to.have.length(0);
    expect(answers.filter((x) => x.body.duplicate === true)).to.have.length(issues);
    expect(synced.status, synced.text).to.equal(200);
    expect(await num(world.db, 'SELECT count(*) AS n FROM tasks WHERE project_id = $1', [owner.projectId])).to.equal(issues);
    expect(await num(world.db, 'SELECT count(DISTINCT external_ref) AS n FROM tasks WHERE project_id = $1', [owner.projectId])).to.equal(issues);
    expect(await num(world.db, "SELECT count(*) AS n FROM webhook_deliveries WHERE provider = 'github_connector'")).to.equal(issues * 2);
  });

  it('applies a GitHub connector change made on one instance to the other instance\'s deliveries (routing cache, NOTIFY)', async () => {
    const owner = await createOwner(await world.admin(a), 'ghrouting');
    const gh = await configureGithub(owner, 'acme/routing');
    let n = 1_000;
    const send = async (server: ServerProc, labels: string[]) => {
      const d = signedGithubDelivery('issues', issuePayload({ number: n++, repo: gh.repo, labels }), gh.webhookSecret);
      const r = await fetch(`${server.url}/api/integrations/github/webhook`, { method: 'POST', headers: d.headers, body: d.body });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    // Both instances route this repository from their cache now; B's entry could not expire before
    // bAt + CACHE_MAX_AGE_MS, so a change B applies earlier reached it through NOTIFY.
    const bAt = Date.now();
    for (const server of [b, a, b, a]) expect((await send(server, ['bug'])).body).to.include({ created: true });
    const saved = await owner.client.post('/api/integrations/github/config', {
      repo_owner: 'acme', repo_name: 'routing', default_project_id: owner.projectId, auto_start_timer: false, label_filter: 'tracked',
    });
    expect(saved.status, saved.text).to.equal(200);
    const onA = await send(a, ['bug']);
    expect(onA.body.skipped, 'the instance that made the change applies it to its next delivery').to.match(/tracked/);
    const started = Date.now();
    await waitFor(async () => /tracked/.test(String((await send(b, ['bug'])).body.skipped ?? '')), bAt + CACHE_MAX_AGE_MS - started, 'instance B to apply the new label filter', 5);
    const appliedAt = Date.now();
    expect(appliedAt - bAt, 'B applied the change before its cache entry could expire').to.be.below(CACHE_MAX_AGE_MS);
    console.log(`      routing cache: B applied the change ${appliedAt - started} ms after A's next delivery`);
    // And B keeps routing from its cache afterwards: a labelled issue still becomes a task there.
    expect((await send(b, ['tracked'])).body).to.include({ created: true });
  });

  it('sends each outbox message once while both instances drain the outbox', async () => {
    const owner = await createOwner(await world.admin(a), 'slackowner');
    const slack = await configureSlack(owner, 'U0RELOWNER', { notify_on_start: false, notify_on_stop: false });
    const shape = await storedConfig(world.db, 'slack_connector', owner.userId);
    const users = 12;
    const ids = await insertUsers(world.db, Array.from({ length: users }, (_, i) => ({ username: `notify${i}`, full_name: `Notify User ${i}` })));
    await addMembers(world.db, ids.map((user_id) => ({ project_id: owner.projectId, user_id })));
    await insertIntegrations(world.db, world.keyring, 'slack_connector', 'Slack', ids.map((userId, i) => ({
      userId,
      config: { ...shape, channel_id: `C0REL${i}`, linked_slack_user_id: `U0REL${i}`, notify_on_start: true, notify_on_stop: true },
      secrets: { bot_token: slack.botToken, signing_secret: slack.signingSecret },
    })));
    world.slack.resetStats();
    world.slack.messages.length = 0;
    await Promise.all(ids.map(async (_, i) => {
      const c = new ApiClient(i % 2 ? a.url : b.url);
      await c.login(`notify${i}@example.test`, PASSWORD);
      expect((await c.post('/api/timer/start', { project_id: owner.projectId })).status).to.equal(201);
      expect((await c.withBase(i % 2 ? b.url : a.url).post('/api/timer/stop', {})).status).to.equal(200);
    }));
    const expected = users * 2;
    await waitFor(async () => (await num(world.db, "SELECT count(*) AS n FROM outbox_messages WHERE status = 'sent'")) === expected, 60_000, 'all messages sent');
    // Two more finished outbox runs: the second started after everything was sent. Runs never
    // overlap across instances (a per-job advisory lock; the loser of a tick is 'busy' and logs
    // nothing), so it may be either instance's; any run would re-send a row left claimable.
    const runs = outboxRuns(a, b);
    await waitFor(() => outboxRuns(a, b) >= runs + 2, 60_000, `two more slack_outbox runs (${runs} before)`);
    const texts = world.slack.messages.map((m) => `${m.channel} ${m.text.split('\n')[0]}`);
    expect(texts).to.have.length(expected);
    expect(new Set(texts).size).to.equal(expected);
    const senders = await rows<{ n: string }>(world.db, "SELECT count(*) AS n FROM outbox_messages WHERE attempts <> 1 OR status <> 'sent'");
    expect(Number(senders[0].n)).to.equal(0);
  });

  it('runs each job tick once when both instances fire the same tick', async () => {
    // The instances' own schedulers leave these ticks alone (google_calendar_sync fires at :00 and
    // :30 and would refresh the tokens counted below); only the job processes run the job.
    await holdScheduledTicks(world.db, 'google_calendar_sync', 30);
    const admin = await world.admin(a);
    // Google: one user connected through OAuth, 20 more rows of the same shape; tokens expired.
    const owner = await createOwner(admin, 'gcalowner');
    await connectGoogle(owner);
    const shape = await storedConfig(world.db, 'google_calendar_connector', owner.userId);
    const gids = await insertUsers(world.db, Array.from({ length: 20 }, (_, i) => ({ username: `gcal${i}` })));
    await addMembers(world.db, gids.map((user_id) => ({ project_id: owner.projectId, user_id })));
    await insertIntegrations(world.db, world.keyring, 'google_calendar_connector', 'Google Calendar', gids.map((userId, i) => ({
      userId,
      config: { ...shape, token_expiry: '2000-01-01T00:00:00.000Z' },
      secrets: { access_token: `ya29.rel-${i}`, refresh_token: `1//rel-refresh-${i}` },
    })));
    await world.db.query(`UPDATE integrations SET config = jsonb_set(config, '{token_expiry}', '"2000-01-01T00:00:00.000Z"') WHERE provider = 'google_calendar_connector'`);
    // Slack daily summary due now for 10 users.
    const slackOwner = await createOwner(admin, 'summaryowner');
    const slack = await configureSlack(slackOwner, 'U0SUMOWNER', { daily_summary: false });
    const sshape = await storedConfig(world.db, 'slack_connector', slackOwner.userId);
    const now = new Date();
    const passed = now.getUTCHours() >= 1 ? new Date(now.getTime() - 3_600_000).toISOString().slice(11, 16) : '00:00';
    const sids = await insertUsers(world.db, Array.from({ length: 10 }, (_, i) => ({ username: `summary${i}` })));
    await insertIntegrations(world.db, world.keyring, 'slack_connector', 'Slack', sids.map((userId, i) => ({
      userId,
      config: { ...sshape, channel_id: `C0SUM${i}`, linked_slack_user_id: `U0SUM${i}`, daily_summary: true, daily_summary_time: passed },
      secrets: { bot_token: slack.botToken, signing_secret: slack.signingSecret },
    })));

    world.google.resetStats();
    world.google.tokenCalls = 0;
    // A whole second, never second 0: the instances' schedulers claim ticks at second 0 of a minute
    // (slack_daily_summary every 5 minutes), and a shared tick would leave none for the job processes.
    const second = Math.floor(Date.now() / 1000) * 1000;
    const tick = new Date(second % 60_000 === 0 ? second + 1_000 : second).toISOString();
    const runs = await Promise.all([
      runJobProcess(world, ['job', 'google_calendar_sync', tick], { timeoutMs: 90_000 }),
      runJobProcess(world, ['job', 'google_calendar_sync', tick], { timeoutMs: 90_000 }),
      runJobProcess(world, ['job', 'slack_daily_summary', tick], { timeoutMs: 90_000 }),
      runJobProcess(world, ['job', 'slack_daily_summary', tick], { timeoutMs: 90_000 }),
    ]);
    const outcomes = runs.map((r) => r.result);
    expect(outcomes.slice(0, 2).filter((o) => o === 'ran'), `google: ${outcomes}`).to.have.length(1);
    expect(outcomes.slice(2).filter((o) => o === 'ran'), `summary: ${outcomes}`).to.have.length(1);
    expect(world.google.tokenCalls, 'one token refresh per row').to.equal(21);
    expect(await num(world.db, "SELECT count(*) AS n FROM time_entries WHERE source = 'google_calendar'")).to.equal(21 * world.google.eventsPerUser);
    expect(await num(world.db, "SELECT count(*) AS n FROM outbox_messages WHERE kind = 'daily_summary'")).to.equal(10);
    // The next tick runs again, yet posts no second summary for the same local date.
    const next = new Date(Date.parse(tick) + 300_000).toISOString();
    const again = await Promise.all([
      runJobProcess(world, ['job', 'slack_daily_summary', next], { timeoutMs: 90_000 }),
      runJobProcess(world, ['job', 'slack_daily_summary', next], { timeoutMs: 90_000 }),
    ]);
    expect(again.map((r) => r.result).filter((o) => o === 'ran')).to.have.length(1);
    expect(await num(world.db, "SELECT count(*) AS n FROM outbox_messages WHERE kind = 'daily_summary'")).to.equal(10);
    expect(await num(world.db, "SELECT count(*) AS n FROM job_runs WHERE tick_at = $1", [tick])).to.equal(2);
  });
});
