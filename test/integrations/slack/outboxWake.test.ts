import { expect } from 'chai';
import nock from 'nock';
import { QueryTypes } from 'sequelize';
import { slackJobs } from '../../../src/integrations/slack/jobs.js';
import { enqueueMessage, OUTBOX_CHANNEL, PACE_MS } from '../../../src/integrations/slack/outbox.js';
import { Scheduler, wakeJobs, type Job } from '../../../src/jobs/scheduler.js';
import type { Integration } from '../../../src/models/index.js';
import { makeProject, makeUser } from '../../factories.js';
import { testDb } from '../../support/db.js';
import { startTestServer, useTestServer } from '../../support/server.js';
import { makeSlackIntegration, SLACK_ENV, SLACK_HOST, type PostedMessage } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A rule that never fires during a test run: only a wake-up can run the job. */
const NEVER = '0 0 1 1 *';

async function waitFor(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** chat.postMessage answered at once, recording each post with the time it arrived. */
function slackRecords(posted: Array<PostedMessage & { at: number }>, times: number) {
  return nock(SLACK_HOST)
    .post('/api/chat.postMessage')
    .times(times)
    .reply((_uri, body) => {
      const b = body as { channel: string; text: string };
      posted.push({ channel: b.channel, text: b.text, auth: '', at: Date.now() });
      return [200, { ok: true, channel: b.channel, ts: '1700000000.000100', message: { text: b.text } }];
    });
}

interface Stats {
  runs: number;
  active: number;
  maxActive: number;
}

async function activeListeners(): Promise<number> {
  const { sequelize } = await testDb();
  const [row] = await sequelize.query<{ n: string }>(
    "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'timetracker-job-wake' AND datname = current_database()",
    { type: QueryTypes.SELECT },
  );
  return Number(row.n);
}

describe('Slack outbox wake-up', () => {
  const srv = useTestServer({ env: SLACK_ENV });
  let scheduler: Scheduler | null = null;
  let stats: Stats;

  /** A scheduler running the real slack_outbox job with its poll switched off, counting runs and overlaps. */
  async function startWorker(opts: { wake?: boolean } = {}): Promise<Scheduler> {
    const { sequelize } = await testDb();
    const config = { ...srv.config, slackOutboxWake: opts.wake ?? true };
    const job = slackJobs({ config }).find((j) => j.name === 'slack_outbox')!;
    stats = { runs: 0, active: 0, maxActive: 0 };
    const counted: Job = {
      ...job,
      rule: NEVER,
      run: async (ctx) => {
        stats.runs += 1;
        stats.active += 1;
        stats.maxActive = Math.max(stats.maxActive, stats.active);
        try {
          return await job.run(ctx);
        } finally {
          stats.active -= 1;
        }
      },
    };
    scheduler = new Scheduler(sequelize, { instance: 'wake-test' });
    scheduler.register(counted);
    scheduler.start();
    return scheduler;
  }

  afterEach(async () => {
    await scheduler?.stop();
    scheduler = null;
    nock.cleanAll();
  });

  async function slackUser(channel = '#time'): Promise<{ row: Integration; projectId: number; email: string }> {
    const user = await makeUser({ full_name: 'Ann Lee' });
    const project = await makeProject({ name: 'Alpha', members: [user] });
    const row = await makeSlackIntegration(user, { channel });
    return { row, projectId: project.id, email: user.email };
  }

  it('posts a start notification without waiting for the poll', async () => {
    const { projectId, email } = await slackUser();
    const posted: Array<PostedMessage & { at: number }> = [];
    slackRecords(posted, 1);
    await startWorker();
    const c = srv.client();
    await c.login(email);
    expect((await c.post('/api/timer/start', { project_id: projectId })).status).to.equal(201);
    await waitFor(() => posted.length === 1, 5_000, 'the start notification');
    expect(posted[0].channel).to.equal('#time');
    expect(posted[0].text).to.include('Alpha');
    const { sequelize } = await testDb();
    const outboxRows = () => sequelize.query<{ status: string; attempts: number }>('SELECT status, attempts FROM outbox_messages', { type: QueryTypes.SELECT });
    await waitFor(async () => (await outboxRows())[0]?.status === 'sent', 2_000, 'the row marked sent');
    expect(await outboxRows()).to.deep.equal([{ status: 'sent', attempts: 1 }]);
  });

  it('with the wake-up switched off, only the poll delivers (control)', async () => {
    const { projectId, email } = await slackUser();
    const posted: Array<PostedMessage & { at: number }> = [];
    slackRecords(posted, 1);
    const s = await startWorker({ wake: false });
    await s.whenListening(100).then(
      () => expect.fail('no listener may be started without wakeOn'),
      (err: Error) => expect(err.message).to.include('no job'),
    );
    const c = srv.client();
    await c.login(email);
    expect((await c.post('/api/timer/start', { project_id: projectId })).status).to.equal(201);
    await sleep(1_500);
    expect(posted).to.have.length(0);
    expect(stats.runs).to.equal(0);
    expect(await s.runTick('slack_outbox')).to.equal('ran');
    expect(posted).to.have.length(1);
  });

  it('delivers a burst of 50 once each, in a few runs that never overlap', async () => {
    const { row } = await slackUser();
    const posted: Array<PostedMessage & { at: number }> = [];
    const scope = slackRecords(posted, 50);
    await startWorker();
    await scheduler!.whenListening();
    const texts = Array.from({ length: 50 }, (_, i) => `burst ${i}`);
    await Promise.all(texts.map((text, i) => enqueueMessage({ integrationId: row.id, kind: 'timer_started', channel: `#b${i}`, text, dedupeKey: `burst:${i}` })));
    await waitFor(() => posted.length === 50, 10_000, '50 posts');
    await waitFor(() => stats.active === 0, 5_000, 'the last run to end');
    await sleep(300); // a late wake-up (NOTIFY echo) may start one more run: it must find nothing to send
    expect(scope.isDone()).to.equal(true);
    expect([...posted.map((p) => p.text)].sort()).to.deep.equal([...texts].sort());
    expect(stats.maxActive, 'overlapping runs').to.equal(1);
    expect(stats.runs, `runs: ${stats.runs}`).to.be.at.least(1).and.at.most(10);
    const { sequelize } = await testDb();
    const rows = await sequelize.query<{ status: string; attempts: number }>('SELECT status, attempts FROM outbox_messages', { type: QueryTypes.SELECT });
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).to.equal(true);
  });

  it('keeps one channel paced at about one message per second under wake-ups', async () => {
    const { row } = await slackUser();
    const posted: Array<PostedMessage & { at: number }> = [];
    slackRecords(posted, 3);
    await startWorker();
    for (let i = 0; i < 3; i += 1) {
      await enqueueMessage({ integrationId: row.id, kind: 'timer_started', channel: '#paced', text: `paced ${i}`, dedupeKey: `paced:${i}` });
      await sleep(50);
    }
    await waitFor(() => posted.length === 3, 8_000, 'three paced posts');
    expect(posted.map((p) => p.text)).to.deep.equal(['paced 0', 'paced 1', 'paced 2']);
    for (let i = 1; i < 3; i += 1) expect(posted[i].at - posted[i - 1].at, `gap before post ${i}`).to.be.at.least(PACE_MS - 100);
    expect(stats.maxActive).to.equal(1);
  });

  it('wakes on a NOTIFY sent by another connection (another instance queuing)', async () => {
    const { row } = await slackUser();
    const posted: Array<PostedMessage & { at: number }> = [];
    slackRecords(posted, 1);
    await startWorker();
    await scheduler!.whenListening();
    // The listener runs the job once when it connects; let that run finish first.
    await waitFor(() => stats.runs >= 1 && stats.active === 0, 5_000, 'the run after connecting');
    const { sequelize } = await testDb();
    // A row queued without any wake-up (no poll either): it waits.
    await sequelize.query(
      `INSERT INTO outbox_messages (provider, integration_id, kind, channel, payload, dedupe_key)
       VALUES ('slack_connector', $1, 'timer_started', '#time', '{"text":"from B"}'::jsonb, 'other-instance:1')`,
      { bind: [row.id] },
    );
    await sleep(800);
    expect(posted).to.have.length(0);
    await sequelize.query(`NOTIFY ${OUTBOX_CHANNEL}`);
    await waitFor(() => posted.length === 1, 5_000, 'the post after NOTIFY');
    expect(posted[0].text).to.equal('from B');
  });

  it('stop() closes the listener and ignores later wake-ups', async () => {
    const { row } = await slackUser();
    const s = await startWorker();
    await s.whenListening();
    expect(await activeListeners()).to.equal(1);
    await waitFor(() => stats.active === 0, 5_000, 'the run after connecting');
    await s.stop();
    scheduler = null;
    await waitFor(async () => (await activeListeners()) === 0, 3_000, 'the listener connection to close');
    const runs = stats.runs;
    const posted: Array<PostedMessage & { at: number }> = [];
    slackRecords(posted, 1);
    await enqueueMessage({ integrationId: row.id, kind: 'timer_started', channel: '#time', text: 'after stop', dedupeKey: 'after-stop' });
    wakeJobs(OUTBOX_CHANNEL);
    const { sequelize } = await testDb();
    await sequelize.query(`NOTIFY ${OUTBOX_CHANNEL}`);
    await sleep(500);
    expect(stats.runs).to.equal(runs);
    expect(posted).to.have.length(0);
  });
});

describe('Slack outbox wake-up in the plugin', () => {
  it('tt.start() listens when jobs are on and tt.stop() closes the listener', async () => {
    const server = await startTestServer({ env: { ...SLACK_ENV, JOBS_ENABLED: 'true' } });
    try {
      await server.tt.start();
      await waitFor(async () => (await activeListeners()) === 1, 5_000, 'the wake-up listener');
      await server.tt.stop();
      await waitFor(async () => (await activeListeners()) === 0, 3_000, 'the listener connection to close');
    } finally {
      await server.tt.stop();
      await server.close();
    }
  });

  it('with SLACK_OUTBOX_WAKE=false no listener is opened', async () => {
    const server = await startTestServer({ env: { ...SLACK_ENV, JOBS_ENABLED: 'true', SLACK_OUTBOX_WAKE: 'false' } });
    try {
      await server.tt.start();
      await sleep(500);
      expect(await activeListeners()).to.equal(0);
    } finally {
      await server.tt.stop();
      await server.close();
    }
  });
});
