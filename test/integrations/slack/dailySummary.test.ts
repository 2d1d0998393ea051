import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { dueSummary, enqueueDailySummaries, GRACE_MS } from '../../../src/integrations/slack/dailySummary.js';
import { previousDate, zonedInstant } from '../../../src/integrations/slack/localTime.js';
import { deliverDueMessages } from '../../../src/integrations/slack/outbox.js';
import { slackConnector } from '../../../src/integrations/slack/index.js';
import { Scheduler } from '../../../src/jobs/scheduler.js';
import type { User } from '../../../src/models/index.js';
import { makeEntry, makeProject, makeUser } from '../../factories.js';
import { testDb } from '../../support/db.js';
import { loadConfig } from '../../../src/config.js';
import { makeSlackIntegration, SLACK_API, slackAccepts, type PostedMessage } from './helpers.js';

const iso = (s: string) => new Date(s);

async function summaries(): Promise<Array<{ dedupe_key: string; channel: string; text: string }>> {
  const { sequelize } = await testDb();
  return sequelize.query(
    `SELECT dedupe_key, channel, payload->>'text' AS text FROM outbox_messages WHERE kind = 'daily_summary' ORDER BY id`,
    { type: QueryTypes.SELECT },
  );
}

const summaryText = (name: string, hours: number | string, projects: number) =>
  `:bar_chart: *Daily summary for ${name}*\n*Hours logged:* ${hours}h across ${projects} project(s)\nHave a great evening!`;

describe('Slack daily summary', () => {
  describe('local time arithmetic (pure)', () => {
    it('finds 18:00 in Los Angeles before, on and after the spring-forward day', () => {
      expect(zonedInstant('2025-03-08', '18:00', 'America/Los_Angeles').toISOString()).to.equal('2025-03-09T02:00:00.000Z');
      expect(zonedInstant('2025-03-09', '18:00', 'America/Los_Angeles').toISOString()).to.equal('2025-03-10T01:00:00.000Z');
      expect(zonedInstant('2025-11-02', '18:00', 'America/Los_Angeles').toISOString()).to.equal('2025-11-03T02:00:00.000Z');
    });

    it('maps a wall time inside the spring-forward gap past the jump, and an ambiguous one to its first occurrence', () => {
      expect(zonedInstant('2025-03-09', '02:30', 'America/Los_Angeles').toISOString()).to.equal('2025-03-09T10:30:00.000Z');
      expect(zonedInstant('2025-11-02', '01:30', 'America/Los_Angeles').toISOString()).to.equal('2025-11-02T08:30:00.000Z');
    });

    it('handles Tokyo (UTC+9, no DST) and days that start before UTC midnight', () => {
      expect(zonedInstant('2025-06-10', '18:00', 'Asia/Tokyo').toISOString()).to.equal('2025-06-10T09:00:00.000Z');
      expect(zonedInstant('2025-06-10', '07:30', 'Asia/Tokyo').toISOString()).to.equal('2025-06-09T22:30:00.000Z');
      expect(previousDate('2025-03-01')).to.equal('2025-02-28');
    });

    it('is due from the summary time until the 3-hour grace ends', () => {
      const tz = 'America/Los_Angeles';
      expect(dueSummary(iso('2025-06-10T00:59:00Z'), '18:00', tz)).to.equal(null);
      expect(dueSummary(iso('2025-06-10T01:00:00Z'), '18:00', tz)).to.deep.equal({ date: '2025-06-09', scheduledAt: iso('2025-06-10T01:00:00Z') });
      expect(dueSummary(iso('2025-06-10T03:59:59Z'), '18:00', tz)?.date).to.equal('2025-06-09');
      expect(dueSummary(new Date(iso('2025-06-10T01:00:00Z').getTime() + GRACE_MS), '18:00', tz)).to.equal(null);
    });

    it('covers a summary time late in the evening past local midnight', () => {
      // 23:30 on 9 June in Tokyo = 14:30Z; at 01:00 on 10 June (16:00Z) it is still due, for the 9th.
      expect(dueSummary(iso('2025-06-09T16:00:00Z'), '23:30', 'Asia/Tokyo')?.date).to.equal('2025-06-09');
      // ...also across a spring-forward day (23-hour day).
      expect(dueSummary(iso('2025-03-10T07:10:00Z'), '23:00', 'America/Los_Angeles')?.date).to.equal('2025-03-09');
    });
  });

  describe('slack_daily_summary job', () => {
    let la: User;
    let tokyo: User;

    beforeEach(async () => {
      la = await makeUser({ username: 'lou', full_name: 'Lou LA', timezone: 'America/Los_Angeles' });
      tokyo = await makeUser({ username: 'tomo', full_name: 'Tomo Tokyo', timezone: 'Asia/Tokyo' });
    });

    it('posts for a Los Angeles user after 18:00 local, with that local day’s hours', async () => {
      const a = await makeProject({ name: 'A', members: [la] });
      const b = await makeProject({ name: 'B', members: [la] });
      const row = await makeSlackIntegration(la, { dailySummary: true, channel: '#la' });
      // 09:00–11:00 PDT on 9 June, and 17:00–17:30 PDT (already 10 June in UTC).
      await makeEntry(la, a, { start: iso('2025-06-09T16:00:00Z'), end: iso('2025-06-09T18:00:00Z') });
      await makeEntry(la, b, { start: iso('2025-06-10T00:00:00Z'), end: iso('2025-06-10T00:30:00Z') });
      // 8 June local: not counted.
      await makeEntry(la, b, { start: iso('2025-06-09T06:00:00Z'), end: iso('2025-06-09T07:00:00Z') });

      expect(await enqueueDailySummaries(iso('2025-06-10T00:55:00Z'))).to.equal(0);
      expect(await enqueueDailySummaries(iso('2025-06-10T01:05:00Z'))).to.equal(1);
      expect(await summaries()).to.deep.equal([
        { dedupe_key: `slack-summary:${row.id}:2025-06-09`, channel: '#la', text: summaryText('Lou LA', 2.5, 2) },
      ]);
    });

    it('posts for a Tokyo user on the Tokyo date', async () => {
      const p = await makeProject({ name: 'P', members: [tokyo] });
      const row = await makeSlackIntegration(tokyo, { dailySummary: true, time: '18:00' });
      await makeEntry(tokyo, p, { start: iso('2025-06-09T16:00:00Z'), end: iso('2025-06-09T17:00:00Z') }); // 01:00 JST on the 10th
      await makeEntry(tokyo, p, { start: iso('2025-06-10T00:00:00Z'), end: iso('2025-06-10T00:15:00Z') });
      await makeEntry(tokyo, p, { start: iso('2025-06-09T14:00:00Z'), end: iso('2025-06-09T14:45:00Z') }); // 23:00 JST on the 9th
      expect(await enqueueDailySummaries(iso('2025-06-10T08:59:00Z'))).to.equal(0);
      expect(await enqueueDailySummaries(iso('2025-06-10T09:00:00Z'))).to.equal(1);
      const [s] = await summaries();
      expect(s.dedupe_key).to.equal(`slack-summary:${row.id}:2025-06-10`);
      expect(s.text).to.equal(summaryText('Tomo Tokyo', 1.25, 1));
    });

    it('uses the daylight-saving offset on the DST change day', async () => {
      const row = await makeSlackIntegration(la, { dailySummary: true, time: '18:00' });
      // 9 March 2025: clocks went forward at 02:00; 18:00 PDT is 01:00Z, not 02:00Z.
      expect(await enqueueDailySummaries(iso('2025-03-10T00:55:00Z'))).to.equal(0);
      expect(await enqueueDailySummaries(iso('2025-03-10T01:05:00Z'))).to.equal(1);
      expect((await summaries())[0].dedupe_key).to.equal(`slack-summary:${row.id}:2025-03-09`);
      expect((await summaries())[0].text).to.equal(summaryText('Lou LA', 0, 0));
    });

    it('posts once per local date across restarts and parallel instances', async () => {
      await makeSlackIntegration(la, { dailySummary: true });
      const first = await Promise.all([enqueueDailySummaries(iso('2025-06-10T01:05:00Z')), enqueueDailySummaries(iso('2025-06-10T01:05:00Z'))]);
      expect(first[0] + first[1]).to.equal(1);
      // "Restart" inside the window, then two instances ticking at once.
      expect(await enqueueDailySummaries(iso('2025-06-10T01:10:00Z'))).to.equal(0);
      const parallel = await Promise.all([enqueueDailySummaries(iso('2025-06-10T02:00:00Z')), enqueueDailySummaries(iso('2025-06-10T02:00:00Z'))]);
      expect(parallel).to.deep.equal([0, 0]);
      expect(await summaries()).to.have.length(1);
      // The next local day gets its own summary.
      expect(await enqueueDailySummaries(iso('2025-06-11T01:05:00Z'))).to.equal(1);
      expect((await summaries()).map((s) => s.dedupe_key.split(':')[2])).to.deep.equal(['2025-06-09', '2025-06-10']);
    });

    it('runs once per tick through the scheduler, even with two instances', async () => {
      await makeSlackIntegration(la, { dailySummary: true });
      const { sequelize } = await testDb();
      const config = loadConfig({ NODE_ENV: 'test' });
      const schedulers = [new Scheduler(sequelize, { instance: 'one' }), new Scheduler(sequelize, { instance: 'two' })];
      for (const s of schedulers) for (const job of slackConnector.jobs!({ config, sequelize })) s.register(job);
      const tick = iso('2025-06-10T01:05:00Z');
      const outcomes = await Promise.all(schedulers.map((s) => s.runTick('slack_daily_summary', tick)));
      expect(outcomes.filter((o) => o === 'ran')).to.have.length(1);
      expect(outcomes.filter((o) => o === 'busy' || o === 'claimed_elsewhere')).to.have.length(1);
      expect(await summaries()).to.have.length(1);
      await Promise.all(schedulers.map((s) => s.stop()));
    });

    it('does not post late after a missed window', async () => {
      await makeSlackIntegration(la, { dailySummary: true, time: '18:00' });
      // 18:00 PDT on 9 June = 01:00Z on the 10th; the grace ends at 04:00Z.
      expect(await enqueueDailySummaries(iso('2025-06-10T04:01:00Z'))).to.equal(0);
      expect(await enqueueDailySummaries(iso('2025-06-10T12:00:00Z'))).to.equal(0);
      expect(await summaries()).to.have.length(0);
      expect(await enqueueDailySummaries(iso('2025-06-10T03:55:00Z'))).to.equal(1);
    });

    it('skips rows with the summary off, without a channel or without a bot token', async () => {
      const other = await makeUser({ timezone: 'America/Los_Angeles' });
      const third = await makeUser({ timezone: 'America/Los_Angeles' });
      await makeSlackIntegration(la, { dailySummary: false });
      await makeSlackIntegration(other, { dailySummary: true, channel: null });
      await makeSlackIntegration(third, { dailySummary: true, botToken: null });
      expect(await enqueueDailySummaries(iso('2025-06-10T01:05:00Z'))).to.equal(0);
    });

    it('is delivered to Slack once by the outbox worker', async () => {
      await makeSlackIntegration(tokyo, { dailySummary: true, channel: 'C0TOKYO' });
      await enqueueDailySummaries(iso('2025-06-10T09:05:00Z'));
      await enqueueDailySummaries(iso('2025-06-10T09:10:00Z'));
      const posted: PostedMessage[] = [];
      slackAccepts(posted, { times: 2 });
      await deliverDueMessages({ apiUrl: SLACK_API, now: new Date(Date.now() + 1000) });
      await deliverDueMessages({ apiUrl: SLACK_API, now: new Date(Date.now() + 6000) });
      expect(posted.map((p) => [p.channel, p.text])).to.deep.equal([['C0TOKYO', summaryText('Tomo Tokyo', 0, 0)]]);
    });
  });
});
