import { expect } from 'chai';
import nock from 'nock';
import { QueryTypes } from 'sequelize';
import { slackConnector } from '../../../src/integrations/slack/index.js';
import { runOutboxWorker } from '../../../src/integrations/slack/jobs.js';
import {
  claimDue,
  deliverDueMessages,
  enqueueMessage,
  MAX_ATTEMPTS,
  pruneOutbox,
  type DeliverOptions,
} from '../../../src/integrations/slack/outbox.js';
import { localClock } from '../../../src/services/time.js';
import { Integration, TimeEntry } from '../../../src/models/index.js';
import { makeEntry, makeProject, makeTask, makeUser } from '../../factories.js';
import { testDb } from '../../support/db.js';
import { useTestServer } from '../../support/server.js';
import { BOT_TOKEN, makeSlackIntegration, SLACK_API, SLACK_ENV, SLACK_HOST, slackAccepts, type PostedMessage } from './helpers.js';

interface OutboxRow {
  id: string;
  kind: string;
  channel: string;
  status: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date;
  payload: { text: string };
}

async function outbox(): Promise<OutboxRow[]> {
  const { sequelize } = await testDb();
  return sequelize.query<OutboxRow>('SELECT * FROM outbox_messages ORDER BY id', { type: QueryTypes.SELECT });
}

const drain = (opts: Partial<DeliverOptions> = {}) => deliverDueMessages({ apiUrl: SLACK_API, ...opts });
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);
/** A moment safely after every row queued so far (PostgreSQL's now() has sub-millisecond precision). */
const later = (ms = 1000) => new Date(Date.now() + ms);

async function queue(row: Integration, text: string, channel = '#time', key = text) {
  await enqueueMessage({ integrationId: row.id, kind: 'timer_started', channel, text, dedupeKey: `test:${key}` });
}

describe('Slack notifications through the outbox', () => {
  const srv = useTestServer({ env: SLACK_ENV });

  describe('timer events', () => {
    it('returns from a REST timer start at once while Slack takes 15 s; the worker delivers later', async () => {
      const user = await makeUser({ full_name: 'Ann Lee', timezone: 'Asia/Tokyo' });
      const project = await makeProject({ name: 'Alpha', members: [user] });
      const task = await makeTask(project, { name: 'Design' });
      await makeSlackIntegration(user, { channel: '#time' });
      const slowCalls: PostedMessage[] = [];
      const slow = slackAccepts(slowCalls, { delayMs: 15_000 });
      const c = srv.client();
      await c.login(user.email);

      const started = Date.now();
      const res = await c.post('/api/timer/start', { project_id: project.id, task_id: task.id });
      expect(res.status).to.equal(201);
      expect(Date.now() - started).to.be.below(1000);
      expect(slow.isDone(), 'Slack must not be called inside the request').to.equal(false);
      const [queued] = await outbox();
      expect(queued).to.include({ kind: 'timer_started', channel: '#time', status: 'pending', attempts: 0 });

      // The slow Slack makes the worker's call time out (shortened here); the message stays queued.
      const first = await drain({ timeoutMs: 200 });
      expect(first).to.include({ claimed: 1, retried: 1, sent: 0 });
      const [afterTimeout] = await outbox();
      expect(afterTimeout).to.include({ status: 'pending', attempts: 1 });
      expect(afterTimeout.last_error).to.include('did not answer');

      nock.abortPendingRequests();
      nock.cleanAll();
      const posted: PostedMessage[] = [];
      slackAccepts(posted);
      const second = await drain({ now: at(new Date(), 3600_000) });
      expect(second).to.include({ sent: 1 });
      const entry = (await TimeEntry.findOne({ where: { user_id: user.id } }))!;
      expect(posted).to.deep.equal([
        {
          channel: '#time',
          auth: `Bearer ${BOT_TOKEN}`,
          text: `:stopwatch: *Ann Lee* started a timer\n*Project:* Alpha — Design\n*Started at:* ${localClock(entry.start_time, 'Asia/Tokyo')}`,
        },
      ]);
      expect((await outbox())[0]).to.include({ status: 'sent', attempts: 2, last_error: null });
    });

    it('a start notification carries a Stop timer button (tt_stop) for its entry; a stop notification none', async () => {
      const user = await makeUser({ username: 'di' });
      const project = await makeProject({ name: 'Delta', members: [user] });
      await makeSlackIntegration(user, { channel: '#time' });
      const c = srv.client();
      await c.login(user.email);
      expect((await c.post('/api/timer/start', { project_id: project.id })).status).to.equal(201);
      expect((await c.post('/api/timer/stop')).status).to.equal(200);
      const entry = (await TimeEntry.findOne({ where: { user_id: user.id } }))!;
      const bodies: Array<{ text: string; blocks?: Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }> }> = [];
      nock(SLACK_HOST).post('/api/chat.postMessage').times(2).reply((_uri, body) => {
        bodies.push(body as (typeof bodies)[number]);
        return [200, { ok: true, channel: 'C0CHAN1', ts: '1700000000.000100' }];
      });
      await drain();
      await drain({ now: later(5_000) });
      expect(bodies).to.have.length(2);
      const [start, stop] = bodies;
      expect(start.text).to.match(/^:stopwatch: \*di\* started a timer/);
      const buttons = start.blocks!.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
      expect(buttons.map((b) => [b.action_id, b.value])).to.deep.equal([['tt_stop', String(entry.id)]]);
      expect(stop.text).to.match(/^:white_check_mark: \*di\* stopped a timer/);
      expect(stop.blocks, 'nothing to click on a stopped timer').to.equal(undefined);
    });

    it('formats the stop message with duration and billable flag', async () => {
      const user = await makeUser({ username: 'bo' });
      const project = await makeProject({ name: 'Beta', members: [user] });
      await makeSlackIntegration(user);
      await makeEntry(user, project, { start: new Date(Date.now() - 3725_000), end: null, billable: false });
      const c = srv.client();
      await c.login(user.email);
      expect((await c.post('/api/timer/stop')).status).to.equal(200);
      const rows = await outbox();
      expect(rows.map((r) => r.kind)).to.deep.equal(['timer_stopped']);
      expect(rows[0].payload.text).to.equal(':white_check_mark: *bo* stopped a timer\n*Project:* Beta\n*Duration:* 01:02:05\n*Billable:* No');
    });

    it('shows the start time in the user time zone and Billable Yes', async () => {
      const user = await makeUser({ username: 'cy', timezone: 'America/Los_Angeles' });
      const project = await makeProject({ name: 'Gamma', billable: true, members: [user] });
      await makeSlackIntegration(user);
      const c = srv.client();
      await c.login(user.email);
      await c.post('/api/timer/start', { project_id: project.id });
      await c.post('/api/timer/stop');
      const [start, stop] = await outbox();
      const entry = (await TimeEntry.findOne({ where: { user_id: user.id } }))!;
      expect(start.payload.text).to.equal(`:stopwatch: *cy* started a timer\n*Project:* Gamma\n*Started at:* ${localClock(entry.start_time, 'America/Los_Angeles')}`);
      expect(stop.payload.text).to.match(/\*Billable:\* Yes$/);
    });

    it('honours notify_on_start / notify_on_stop and skips inactive or channel-less connectors', async () => {
      const quietStart = await makeUser();
      const quietStop = await makeUser();
      const off = await makeUser();
      const noChannel = await makeUser();
      const project = await makeProject({ members: [quietStart, quietStop, off, noChannel] });
      await makeSlackIntegration(quietStart, { notifyOnStart: false, channel: '#a' });
      await makeSlackIntegration(quietStop, { notifyOnStop: false, channel: '#b' });
      await makeSlackIntegration(off, { botToken: null, channel: '#c' });
      await makeSlackIntegration(noChannel, { channel: null });
      for (const u of [quietStart, quietStop, off, noChannel]) {
        const c = srv.client();
        await c.login(u.email);
        await c.post('/api/timer/start', { project_id: project.id });
        await c.post('/api/timer/stop');
      }
      expect((await outbox()).map((r) => `${r.channel}:${r.kind}`)).to.deep.equal(['#a:timer_stopped', '#b:timer_started']);
    });

    it('keeps working when the user has no Slack connector', async () => {
      const user = await makeUser();
      const project = await makeProject({ members: [user] });
      const c = srv.client();
      await c.login(user.email);
      expect((await c.post('/api/timer/start', { project_id: project.id })).status).to.equal(201);
      expect(await outbox()).to.have.length(0);
    });
  });

  describe('delivery', () => {
    let row: Integration;
    beforeEach(async () => {
      row = await makeSlackIntegration(await makeUser());
    });

    it('waits out a 429 Retry-After and then delivers exactly once', async () => {
      await queue(row, 'hello');
      const t0 = later();
      const limited = nock(SLACK_HOST).post('/api/chat.postMessage').reply(429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '30' });
      expect(await drain({ now: t0 })).to.include({ retried: 1 });
      expect(limited.isDone()).to.equal(true);
      const [waiting] = await outbox();
      expect(waiting.next_attempt_at.getTime()).to.equal(t0.getTime() + 30_000);

      const posted: PostedMessage[] = [];
      slackAccepts(posted, { times: 5 });
      expect(await drain({ now: at(t0, 29_000) })).to.include({ claimed: 0 });
      expect(posted).to.have.length(0);
      expect(await drain({ now: at(t0, 31_000) })).to.include({ sent: 1 });
      expect(await drain({ now: at(t0, 3600_000) })).to.include({ claimed: 0 });
      expect(posted.map((p) => p.text)).to.deep.equal(['hello']);
    });

    it('also treats a 200 {ok:false, error:"ratelimited"} as a wait', async () => {
      await queue(row, 'soft-limited');
      const t0 = later();
      nock(SLACK_HOST).post('/api/chat.postMessage').reply(200, { ok: false, error: 'ratelimited' }, { 'Retry-After': '5' });
      await drain({ now: t0 });
      expect((await outbox())[0].next_attempt_at.getTime()).to.equal(t0.getTime() + 5_000);
    });

    it('retries a 500 with backoff and then delivers', async () => {
      await queue(row, 'after-500');
      const t0 = later();
      nock(SLACK_HOST).post('/api/chat.postMessage').reply(500, 'oops');
      expect(await drain({ now: t0 })).to.include({ retried: 1 });
      const [retrying] = await outbox();
      expect(retrying).to.include({ status: 'pending', attempts: 1, last_error: 'Slack answered HTTP 500' });
      const delay = retrying.next_attempt_at.getTime() - t0.getTime();
      expect(delay).to.be.within(15_000, 18_000);

      const posted: PostedMessage[] = [];
      slackAccepts(posted);
      expect(await drain({ now: at(t0, 10_000) })).to.include({ claimed: 0 });
      expect(await drain({ now: at(t0, 20_000) })).to.include({ sent: 1 });
      expect(posted.map((p) => p.text)).to.deep.equal(['after-500']);
      expect((await outbox())[0]).to.include({ status: 'sent', attempts: 2, last_error: null });
    });

    it('fails at once on a permanent Slack error and shows it on the integration', async () => {
      await queue(row, 'lost');
      nock(SLACK_HOST).post('/api/chat.postMessage').reply(200, { ok: false, error: 'channel_not_found' });
      expect(await drain({ now: later() })).to.include({ failed: 1 });
      const [failed] = await outbox();
      expect(failed).to.include({ status: 'failed', attempts: 1, last_error: 'Slack error: channel_not_found' });
      await row.reload();
      expect(row.last_error).to.include('channel_not_found');
      expect(row.is_active, 'a delivery failure never switches the connector off').to.equal(true);
      expect(await drain({ now: at(new Date(), 86_400_000) })).to.include({ claimed: 0 });
    });

    it('keeps the bot token out of last_error when Slack echoes it (as its error code or in a 500 body)', async () => {
      await queue(row, 'echoed-ok-false');
      nock(SLACK_HOST).post('/api/chat.postMessage').reply(200, { ok: false, error: BOT_TOKEN });
      expect(await drain({ now: later() })).to.include({ failed: 1 });
      await queue(row, 'echoed-500', '#echo'); // another channel: #time is paced for a second
      nock(SLACK_HOST).post('/api/chat.postMessage').reply(500, (_uri, body) => ({ ok: false, error: `invalid request Bearer ${BOT_TOKEN} ${JSON.stringify(body)}` }));
      expect(await drain({ now: later() })).to.include({ claimed: 1 });
      const rows = await outbox();
      expect(rows.map((r) => r.last_error)).to.deep.equal(['Slack rejected the request', 'Slack answered HTTP 500']);
      await row.reload();
      expect(row.last_error).to.include('Slack rejected the request');
      for (const text of [JSON.stringify(rows), String(row.last_error)]) {
        expect(text).to.not.include(BOT_TOKEN);
        expect(text).to.not.include(BOT_TOKEN.slice(0, 11));
      }
    });

    it(`gives up after ${MAX_ATTEMPTS} attempts`, async () => {
      await queue(row, 'doomed');
      nock(SLACK_HOST).post('/api/chat.postMessage').times(MAX_ATTEMPTS).reply(503, 'down');
      let now = later();
      for (let i = 0; i < MAX_ATTEMPTS; i += 1) {
        await drain({ now });
        now = at(now, 2 * 3600_000);
      }
      const [gaveUp] = await outbox();
      expect(gaveUp).to.include({ status: 'failed', attempts: MAX_ATTEMPTS, last_error: `gave up after ${MAX_ATTEMPTS} attempts: Slack answered HTTP 503` });
      expect(await drain({ now })).to.include({ claimed: 0 });
    });

    it('fails a message whose connector was switched off since it was queued', async () => {
      await queue(row, 'orphan');
      await row.update({ is_active: false });
      expect(await drain({ now: later() })).to.include({ failed: 1 });
      expect((await outbox())[0]).to.include({ status: 'failed', last_error: 'Integration not configured' });
    });

    it('paces a channel to about one message per second', async () => {
      await queue(row, 'one', '#busy');
      await queue(row, 'two', '#busy');
      await queue(row, 'elsewhere', '#quiet');
      const posted: PostedMessage[] = [];
      slackAccepts(posted, { times: 3 });
      const t0 = later();
      expect(await drain({ now: t0 })).to.include({ sent: 2 });
      expect(await drain({ now: at(t0, 500) })).to.include({ sent: 0, deferred: 1 });
      expect(await drain({ now: at(t0, 999) })).to.include({ claimed: 0 });
      expect(await drain({ now: at(t0, 1000) })).to.include({ sent: 1 });
      // Channels are posted in parallel; within a channel the order is kept.
      expect(posted.filter((p) => p.channel === '#busy').map((p) => p.text)).to.deep.equal(['one', 'two']);
      expect(posted.filter((p) => p.channel === '#quiet').map((p) => p.text)).to.deep.equal(['elsewhere']);
    });

    it('retries the rows of a crashed worker once its lease expires', async () => {
      await queue(row, 'leased');
      const t0 = later();
      expect(await claimDue(t0, 10)).to.have.length(1); // this "worker" dies without finishing
      const posted: PostedMessage[] = [];
      slackAccepts(posted);
      expect(await drain({ now: at(t0, 30_000) })).to.include({ claimed: 0 });
      expect(await drain({ now: at(t0, 61_000) })).to.include({ sent: 1 });
      expect(posted).to.have.length(1);
    });

    it('never sends a message twice with several workers draining in parallel', async () => {
      const texts: string[] = [];
      for (let ch = 0; ch < 4; ch += 1) for (let n = 0; n < 3; n += 1) texts.push(`m${ch}-${n}`);
      for (const t of texts) await queue(row, t, `#ch${t[1]}`);
      const counts = new Map<string, number>();
      nock(SLACK_HOST)
        .post('/api/chat.postMessage')
        .delay(30)
        .reply(200, (_uri, body) => {
          const text = (body as { text: string }).text;
          counts.set(text, (counts.get(text) ?? 0) + 1);
          return { ok: true };
        })
        .persist();
      const t0 = later();
      for (let round = 0; round < 6; round += 1) {
        const now = at(t0, round * 1000);
        await Promise.all([drain({ now }), drain({ now }), drain({ now })]);
      }
      expect([...counts.values()].every((n) => n === 1), JSON.stringify([...counts])).to.equal(true);
      expect([...counts.keys()].sort()).to.deep.equal([...texts].sort());
      expect((await outbox()).every((r) => r.status === 'sent')).to.equal(true);
    });

    it('hands disjoint rows to concurrent claims', async () => {
      for (let i = 0; i < 10; i += 1) await queue(row, `c${i}`, `#c${i}`);
      const now = later();
      const [a, b] = await Promise.all([claimDue(now, 10), claimDue(now, 10)]);
      const ids = [...a, ...b].map((r) => r.id);
      expect(new Set(ids).size).to.equal(ids.length);
      expect(ids.length).to.equal(10);
    });

    it('the slack_outbox job drains a small backlog of one channel within its run', async () => {
      await queue(row, 'first', '#job');
      await queue(row, 'second', '#job');
      const posted: PostedMessage[] = [];
      slackAccepts(posted, { times: 2 });
      const report = await runOutboxWorker({ apiUrl: SLACK_API, signal: new AbortController().signal, budgetMs: 3000 });
      expect(report.sent).to.equal(2);
      expect(posted.map((p) => p.text)).to.deep.equal(['first', 'second']);
    });

    it('prunes old sent and failed messages but keeps recent and pending ones', async () => {
      for (const t of ['old-sent', 'new-sent', 'old-failed', 'pending']) await queue(row, t, `#${t}`);
      const { sequelize } = await testDb();
      await sequelize.query(`UPDATE outbox_messages SET status = 'sent', sent_at = now() - interval '31 days' WHERE channel = '#old-sent'`);
      await sequelize.query(`UPDATE outbox_messages SET status = 'sent', sent_at = now() - interval '1 day' WHERE channel = '#new-sent'`);
      await sequelize.query(`UPDATE outbox_messages SET status = 'failed', updated_at = now() - interval '91 days' WHERE channel = '#old-failed'`);
      await pruneOutbox();
      expect((await outbox()).map((r) => r.channel)).to.deep.equal(['#new-sent', '#pending']);
    });

    it('declares its jobs to the scheduler', () => {
      const jobs = slackConnector.jobs!({ config: srv.config, sequelize: Integration.sequelize! });
      expect(jobs.map((j) => [j.name, j.rule, j.once])).to.deep.equal([
        ['slack_outbox', '*/5 * * * * *', 'none'],
        ['slack_daily_summary', '*/5 * * * *', 'tick'],
      ]);
    });
  });
});
