import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { TimeEntry, type User } from '../../../src/models/index.js';
import { makeAdmin, makeEntry, makeProject, makeUser } from '../../factories.js';
import { testDb } from '../../support/db.js';
import { useTestServer } from '../../support/server.js';
import { makeSlackIntegration, slash, SLACK_ENV } from './helpers.js';

const HELP = [
  '*TimeTracker commands*',
  '• `/tt start [project]` — start a timer (project name or id; without one, your last project)',
  '• `/tt stop` — stop the running timer',
  '• `/tt status` — show the running timer',
  '• `/tt today` — hours logged today',
].join('\n');

describe('/tt commands', () => {
  const srv = useTestServer({ env: SLACK_ENV });
  let user: User;
  const SLACK_USER = 'U0CMD1';

  beforeEach(async () => {
    user = await makeUser({ username: 'casey' });
    await makeSlackIntegration(user, { linked: SLACK_USER });
  });

  const tt = async (text: string) => {
    const res = await slash(srv.client(), SLACK_USER, text);
    expect(res.status).to.equal(200);
    expect(res.body.response_type).to.equal('ephemeral');
    // Replies about a running timer or a choice of projects add Block Kit buttons after the text.
    expect(Object.keys(res.body).join(',')).to.be.oneOf(['response_type,text', 'response_type,text,blocks']);
    return res.body.text as string;
  };
  const running = () => TimeEntry.findAll({ where: { user_id: user.id, end_time: null } });

  describe('help', () => {
    for (const text of ['', 'help', 'dance', 'constructor', '__proto__']) {
      it(`answers ${JSON.stringify(text)} with the help text listing the four commands`, async () => {
        expect(await tt(text)).to.equal(HELP);
      });
    }
  });

  describe('start', () => {
    it('starts on a case-insensitive partial name, with source slack', async () => {
      const p = await makeProject({ name: 'Website Redesign', members: [user] });
      expect(await tt('start redes')).to.equal(':stopwatch: Timer started on *Website Redesign*.');
      const [entry] = await running();
      expect(entry.project_id).to.equal(p.id);
      expect(entry.source).to.equal('slack');
    });

    it('starts by project id', async () => {
      await makeProject({ name: 'Other', members: [user] });
      const p = await makeProject({ name: 'By Id', members: [user] });
      expect(await tt(`start ${p.id}`)).to.equal(':stopwatch: Timer started on *By Id*.');
    });

    it('prefers the exact name over partial matches', async () => {
      await makeProject({ name: 'Web', members: [user] });
      await makeProject({ name: 'Website', members: [user] });
      await makeProject({ name: 'Web shop', members: [user] });
      expect(await tt('start WEB')).to.equal(':stopwatch: Timer started on *Web*.');
    });

    it('lists the candidates when several projects match, and starts nothing', async () => {
      const a = await makeProject({ name: 'Mobile App', members: [user] });
      const b = await makeProject({ name: 'Mobile Web', members: [user] });
      expect(await tt('start mobile')).to.equal(
        `Several projects match "mobile": *Mobile App* (id ${a.id}), *Mobile Web* (id ${b.id}). Use the full name or the id.`,
      );
      expect(await running()).to.have.length(0);
    });

    it('does not offer projects the user is not allowed to use', async () => {
      await makeProject({ name: 'Secret Project' });
      expect(await tt('start secret')).to.equal(':x: No active project you can use matches "secret".');
      expect(await running()).to.have.length(0);
    });

    it('does not start an allowed project by id when the user is not a member', async () => {
      const hidden = await makeProject({ name: 'Hidden' });
      expect(await tt(`start ${hidden.id}`)).to.equal(`:x: No active project you can use matches "${hidden.id}".`);
    });

    it('refuses an archived project', async () => {
      await makeProject({ name: 'Legacy', status: 'archived', members: [user] });
      expect(await tt('start legacy')).to.equal(':x: Project *Legacy* is archived; choose an active project.');
      expect(await running()).to.have.length(0);
    });

    it('prefers an active partial match over an archived exact one', async () => {
      await makeProject({ name: 'Ops', status: 'archived', members: [user] });
      await makeProject({ name: 'DevOps', members: [user] });
      expect(await tt('start ops')).to.equal(':stopwatch: Timer started on *DevOps*.');
    });

    it('treats % and _ literally', async () => {
      await makeProject({ name: 'Alpha', members: [user] });
      await makeProject({ name: '100% Done', members: [user] });
      await makeProject({ name: 'axb', members: [user] });
      await makeProject({ name: 'a_b', members: [user] });
      expect(await tt('start %')).to.equal(':stopwatch: Timer started on *100% Done*.');
      await tt('stop');
      expect(await tt('start a_b')).to.equal(':stopwatch: Timer started on *a_b*.');
      await tt('stop');
      expect(await tt('start _')).to.equal(':stopwatch: Timer started on *a_b*.');
    });

    it('lets an admin start any active project', async () => {
      const admin = await makeAdmin();
      await makeSlackIntegration(admin, { linked: 'U0ADMIN' });
      await makeProject({ name: 'Unassigned' });
      const res = await slash(srv.client(), 'U0ADMIN', 'start unassigned');
      expect(res.body.text).to.equal(':stopwatch: Timer started on *Unassigned*.');
    });

    it('without a project, continues the project of the latest entry', async () => {
      const old = await makeProject({ name: 'Old', members: [user] });
      const recent = await makeProject({ name: 'Recent', members: [user] });
      await makeEntry(user, old, { start: new Date(Date.now() - 5 * 3600_000) });
      await makeEntry(user, recent, { start: new Date(Date.now() - 2 * 3600_000) });
      expect(await tt('start')).to.equal(':stopwatch: Timer started on *Recent*.');
      expect((await running())[0].project_id).to.equal(recent.id);
    });

    it('without a project and without any entry, answers with the usage text', async () => {
      await makeProject({ name: 'Alpha', members: [user] });
      expect(await tt('start')).to.equal('Usage: `/tt start <project name or id>` (you have no earlier entry to continue from).');
    });

    it('says a timer is already running, with its project and duration, and starts no second one', async () => {
      const alpha = await makeProject({ name: 'Alpha', members: [user] });
      await makeProject({ name: 'Beta', members: [user] });
      await makeEntry(user, alpha, { start: new Date(Date.now() - 3725_000), end: null });
      expect(await tt('start beta')).to.equal(
        ':warning: You already have an active timer on *Alpha* (running 01:02:05). Stop it with `/tt stop` first.',
      );
      const open = await running();
      expect(open).to.have.length(1);
      expect(open[0].project_id).to.equal(alpha.id);
    });

    it('escapes Slack control characters in project names', async () => {
      await makeProject({ name: '<!channel> & co', members: [user] });
      expect(await tt('start channel')).to.equal(':stopwatch: Timer started on *&lt;!channel&gt; &amp; co*.');
    });

    it('queues a channel notification for a Slack-started timer, like any other start', async () => {
      await makeProject({ name: 'Alpha', members: [user] });
      await tt('start alpha');
      const { sequelize } = await testDb();
      const rows = await sequelize.query<{ kind: string }>('SELECT kind FROM outbox_messages', { type: QueryTypes.SELECT });
      expect(rows.map((r) => r.kind)).to.deep.equal(['timer_started']);
    });
  });

  describe('stop', () => {
    it('stops the running timer and reports the duration', async () => {
      const alpha = await makeProject({ name: 'Alpha', members: [user] });
      const entry = await makeEntry(user, alpha, { start: new Date(Date.now() - 3725_000), end: null });
      expect(await tt('stop')).to.equal(':white_check_mark: Timer stopped (duration 01:02:05).');
      await entry.reload();
      expect(entry.end_time).to.be.instanceOf(Date);
      expect(entry.duration_seconds).to.equal(3725);
    });

    it('says so when nothing is running', async () => {
      expect(await tt('stop')).to.equal('No active timer found.');
    });
  });

  describe('status', () => {
    it('shows the running timer', async () => {
      const alpha = await makeProject({ name: 'Alpha', members: [user] });
      await makeEntry(user, alpha, { start: new Date(Date.now() - 61_000), end: null });
      expect(await tt('status')).to.equal(':hourglass_flowing_sand: Active timer on *Alpha* (running 00:01:01).');
    });

    it('says No active timer.', async () => {
      expect(await tt('status')).to.equal('No active timer.');
    });
  });

  describe('today', () => {
    it("sums today's completed entries and counts distinct projects", async () => {
      const a = await makeProject({ name: 'A', members: [user] });
      const b = await makeProject({ name: 'B', members: [user] });
      const startOfDay = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z').getTime();
      await makeEntry(user, a, { start: new Date(startOfDay), end: new Date(startOfDay + 3600_000) });
      expect(await tt('today')).to.equal(':bar_chart: Today: *1h* across *1* project(s).');
      await makeEntry(user, b, { start: new Date(startOfDay + 60_000), end: new Date(startOfDay + 60_000 + 1800_000) });
      await makeEntry(user, a, { start: new Date(startOfDay - 7200_000), end: new Date(startOfDay - 3600_000) });
      expect(await tt('today')).to.equal(':bar_chart: Today: *1.5h* across *2* project(s).');
    });

    it('reports zero for an empty day', async () => {
      expect(await tt('today')).to.equal(':bar_chart: Today: *0h* across *0* project(s).');
    });
  });
});
