import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { Scheduler } from '../../src/jobs/scheduler.js';
import { runawayTimersJob, runRunawayTimers, snoozeReminder } from '../../src/services/runawayTimers.js';
import { TimeEntry, User, type Project } from '../../src/models/index.js';
import { makeEntry, makeProject, makeUser } from '../factories.js';
import { testDb } from '../support/db.js';
import { useTestServer } from '../support/server.js';
import { makeSlackIntegration, SLACK_ENV } from '../integrations/slack/helpers.js';

const at = (iso: string) => new Date(iso);
const HOUR = 3600_000;

interface Queued {
  kind: string;
  channel: string;
  dedupe_key: string;
  text: string;
  blocks: Array<{ type: string; block_id?: string; elements?: Array<{ action_id: string; value?: string; text?: { text: string } }> }> | null;
}

async function queued(): Promise<Queued[]> {
  const { sequelize } = await testDb();
  return sequelize.query<Queued>(
    `SELECT kind, channel, dedupe_key, payload->>'text' AS text, payload->'blocks' AS blocks FROM outbox_messages ORDER BY id`,
    { type: QueryTypes.SELECT },
  );
}

describe('runaway_timers job', () => {
  // The server subscribes the Slack connector to the timer events (the notifications under test).
  useTestServer({ env: SLACK_ENV });
  let alpha: Project;

  beforeEach(async () => {
    alpha = await makeProject({ name: 'Alpha' });
  });

  async function slackUser(attrs: { timezone?: string; remind?: number; autoStop?: number } = {}): Promise<User> {
    const user = await makeUser({ timezone: attrs.timezone ?? 'Europe/Berlin' });
    await user.update({ remind_after_hours: attrs.remind ?? 4, auto_stop_after_hours: attrs.autoStop ?? 10 });
    await makeSlackIntegration(user, { channel: `#time-${user.id}`, notifyOnStop: true });
    return user;
  }

  const running = (user: User, start: Date) => makeEntry(user, alpha, { start, end: null });

  describe('auto-stop', () => {
    it('stops a timer past auto_stop_after_hours at exactly start + hours, marks it and tells the Slack user once', async () => {
      const user = await slackUser();
      const entry = await running(user, at('2026-06-01T06:00:00Z'));
      expect(await runRunawayTimers(at('2026-06-01T15:59:00Z'))).to.deep.equal({ stopped: 0, reminded: 1 });
      expect((await entry.reload()).end_time).to.equal(null);

      expect(await runRunawayTimers(at('2026-06-01T16:30:00Z'))).to.deep.equal({ stopped: 1, reminded: 0 });
      await entry.reload();
      expect(entry.end_time!.toISOString()).to.equal('2026-06-01T16:00:00.000Z');
      expect(entry.duration_seconds).to.equal(36_000);
      expect(entry.auto_stopped).to.equal(true);

      expect(await runRunawayTimers(at('2026-06-01T16:31:00Z'))).to.deep.equal({ stopped: 0, reminded: 0 });
      const stops = (await queued()).filter((m) => m.kind !== 'timer_reminder');
      // Berlin is UTC+2 in June; the automatic stop replaces the ordinary "stopped a timer" post.
      expect(stops).to.deep.equal([{
        kind: 'timer_auto_stopped',
        channel: `#time-${user.id}`,
        dedupe_key: `slack-timer:${entry.id}:auto_stopped`,
        text: 'Your timer on *Alpha* ran 10:00 and was stopped automatically at 18:00.',
        blocks: null,
      }]);
    });

    it('never stops a timer when auto-stop is 0 (it is still reminded); one past auto-stop is stopped, not reminded', async () => {
      const never = await slackUser({ autoStop: 0, remind: 4 });
      const fresh = await slackUser();
      const a = await running(never, at('2026-06-01T00:00:00Z'));
      const b = await running(fresh, at('2026-06-01T20:00:00Z'));
      const result = await runRunawayTimers(at('2026-06-03T00:00:00Z'));
      expect(result).to.deep.equal({ stopped: 1, reminded: 1 });
      expect((await a.reload()).end_time).to.equal(null);
      expect(a.reminded_at!.toISOString()).to.equal('2026-06-03T00:00:00.000Z');
      // b passed its 10 h before this run: stopped at start + 10 h, and no reminder first.
      expect((await b.reload()).end_time!.toISOString()).to.equal('2026-06-02T06:00:00.000Z');
      expect(b.reminded_at).to.equal(null);
      expect((await queued()).map((m) => m.kind).sort()).to.deep.equal(['timer_auto_stopped', 'timer_reminder']);
    });

    it('counts elapsed real hours across a DST change (America/New_York, spring forward)', async () => {
      const user = await slackUser({ timezone: 'America/New_York' });
      // 00:30 EST on 8 March 2026; at 02:00 the clocks jump to 03:00 EDT.
      const entry = await running(user, at('2026-03-08T05:30:00Z'));
      await runRunawayTimers(at('2026-03-08T15:29:59Z'));
      expect((await entry.reload()).end_time).to.equal(null);
      expect((await runRunawayTimers(at('2026-03-08T15:30:00Z'))).stopped).to.equal(1);
      await entry.reload();
      expect(entry.end_time!.toISOString()).to.equal('2026-03-08T15:30:00.000Z');
      expect(entry.duration_seconds).to.equal(36_000);
      // Ten real hours after 00:30 EST is 11:30 EDT on the wall clock.
      const [notice] = (await queued()).filter((m) => m.kind === 'timer_auto_stopped');
      expect(notice.text).to.equal('Your timer on *Alpha* ran 10:00 and was stopped automatically at 11:30.');
    });

    it('stops the timer of a user without Slack, and sends nothing', async () => {
      const user = await makeUser();
      const entry = await running(user, at('2026-06-01T06:00:00Z'));
      expect(await runRunawayTimers(at('2026-06-01T11:00:00Z'))).to.deep.equal({ stopped: 0, reminded: 1 });
      expect(await runRunawayTimers(at('2026-06-01T17:00:00Z'))).to.deep.equal({ stopped: 1, reminded: 0 });
      await entry.reload();
      expect([entry.end_time!.toISOString(), entry.auto_stopped]).to.deep.equal(['2026-06-01T16:00:00.000Z', true]);
      expect(await queued()).to.deep.equal([]);
    });

    it('two concurrent runs stop each timer once and remind once', async () => {
      const late = await slackUser();
      const reminded = await slackUser();
      const a = await running(late, at('2026-06-01T00:00:00Z'));
      await running(reminded, at('2026-06-01T07:00:00Z'));
      const now = at('2026-06-01T12:00:00Z');
      const results = await Promise.all([runRunawayTimers(now), runRunawayTimers(now), runRunawayTimers(now)]);
      expect(results.reduce((n, r) => n + r.stopped, 0)).to.equal(1);
      expect(results.reduce((n, r) => n + r.reminded, 0)).to.equal(1);
      expect((await a.reload()).end_time!.toISOString()).to.equal('2026-06-01T10:00:00.000Z');
      expect((await queued()).map((m) => m.kind).sort()).to.deep.equal(['timer_auto_stopped', 'timer_reminder']);
    });

    it('two schedulers on one tick run it once; a restarted scheduler sends nothing again', async () => {
      const { sequelize } = await testDb();
      const user = await slackUser();
      const entry = await running(user, at('2026-06-01T00:00:00Z'));
      const other = await slackUser();
      await running(other, at('2026-06-01T07:00:00Z'));
      const tick = at('2026-06-01T12:00:00Z');
      const [one, two] = [new Scheduler(sequelize, { instance: 'one' }), new Scheduler(sequelize, { instance: 'two' })];
      for (const s of [one, two]) s.register(runawayTimersJob());
      const outcomes = await Promise.all([one.runTick('runaway_timers', tick), two.runTick('runaway_timers', tick)]);
      expect(outcomes.filter((o) => o === 'ran')).to.have.length(1);
      await Promise.all([one.stop(), two.stop()]);
      const before = await queued();
      expect(before.map((m) => m.kind).sort()).to.deep.equal(['timer_auto_stopped', 'timer_reminder']);

      const restarted = new Scheduler(sequelize, { instance: 'restarted' });
      restarted.register(runawayTimersJob());
      expect(await restarted.runTick('runaway_timers', new Date(tick.getTime() + 60_000))).to.equal('ran');
      await restarted.stop();
      expect(await queued()).to.deep.equal(before);
      expect((await entry.reload()).end_time!.toISOString()).to.equal('2026-06-01T10:00:00.000Z');
    });
  });

  describe('reminder', () => {
    it('sends one "Still working?" with Keep running and Stop now, once per timer', async () => {
      const user = await slackUser();
      const entry = await running(user, at('2026-06-01T06:00:00Z'));
      expect((await runRunawayTimers(at('2026-06-01T09:59:00Z'))).reminded).to.equal(0);
      expect((await runRunawayTimers(at('2026-06-01T10:02:30Z'))).reminded).to.equal(1);
      expect((await runRunawayTimers(at('2026-06-01T10:03:00Z'))).reminded).to.equal(0);
      expect((await runRunawayTimers(at('2026-06-01T13:00:00Z'))).reminded).to.equal(0);
      const messages = await queued();
      expect(messages).to.have.length(1);
      const [m] = messages;
      expect(m).to.include({ kind: 'timer_reminder', channel: `#time-${user.id}`, text: 'Still working on *Alpha*? Running for 4:02.' });
      const buttons = m.blocks!.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
      expect(buttons.map((b) => [b.action_id, b.value ?? null, b.text?.text ?? null])).to.deep.equal([
        ['tt_keep', String(entry.id), 'Keep running'],
        ['tt_stop', String(entry.id), 'Stop now'],
        ['tt_stop_at', null, null],
      ]);
      expect(m.blocks!.find((b) => b.type === 'actions')).to.include({ block_id: `tt_entry:${entry.id}` });
      expect((await entry.reload()).reminded_at!.toISOString()).to.equal('2026-06-01T10:02:30.000Z');
    });

    it('after Keep running, reminds again remind_after_hours later (and only then)', async () => {
      const user = await slackUser({ remind: 2, autoStop: 0 });
      const entry = await running(user, at('2026-06-01T06:00:00Z'));
      expect((await runRunawayTimers(at('2026-06-01T08:00:00Z'))).reminded).to.equal(1);
      expect(await snoozeReminder(user, entry.id, at('2026-06-01T08:10:00Z'))).to.equal(true);
      expect((await runRunawayTimers(at('2026-06-01T10:09:00Z'))).reminded).to.equal(0);
      expect((await runRunawayTimers(at('2026-06-01T10:10:00Z'))).reminded).to.equal(1);
      expect((await runRunawayTimers(at('2026-06-01T11:00:00Z'))).reminded).to.equal(0);
      expect((await queued()).map((m) => m.text)).to.deep.equal([
        'Still working on *Alpha*? Running for 2:00.',
        'Still working on *Alpha*? Running for 4:10.',
      ]);
    });

    it('snoozes only the owner\'s running entry', async () => {
      const user = await slackUser();
      const stranger = await slackUser();
      const entry = await running(user, at('2026-06-01T06:00:00Z'));
      expect(await snoozeReminder(stranger, entry.id, at('2026-06-01T08:00:00Z'))).to.equal(false);
      const done = await makeEntry(user, alpha, { start: at('2026-05-01T06:00:00Z'), end: at('2026-05-01T07:00:00Z') });
      expect(await snoozeReminder(user, done.id, at('2026-06-01T08:00:00Z'))).to.equal(false);
      expect((await entry.reload()).remind_again_at).to.equal(null);
      expect((await TimeEntry.findByPk(done.id))!.remind_again_at).to.equal(null);
    });

    it('users without Slack get no reminder', async () => {
      const user = await makeUser();
      await running(user, at('2026-06-01T06:00:00Z'));
      await runRunawayTimers(at('2026-06-01T11:00:00Z'));
      expect(await queued()).to.deep.equal([]);
    });
  });
});
