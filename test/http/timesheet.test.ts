import { expect } from 'chai';
import { TimeEntry } from '../../src/models/index.js';
import { makeAdmin, makeEntry, makeProject, makeTask, makeUser } from '../factories.js';
import { loginAs, useTestServer, type TestClient } from '../support/server.js';
import { refused } from '../support/validation.js';

const at = (iso: string) => new Date(iso);
const H = 3600;
type Row = { project_name: string; task_name: string | null; days: number[]; total_seconds: number };
/** `[project · task, seconds per day…]` of each row. */
const cells = (rows: Row[]) => rows.map((r) => [`${r.project_name}${r.task_name ? ` · ${r.task_name}` : ''}`, ...r.days]);

/** An IANA fixed-offset zone whose local hour is 12 right now, so "today" holds the last few hours. */
const zoneAtNoon = () => {
  const offset = 12 - new Date().getUTCHours();
  return offset >= 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
};

describe('GET /api/timesheet', () => {
  const srv = useTestServer();

  async function member(attrs: Parameters<typeof makeUser>[0] = {}) {
    const user = await makeUser(attrs);
    const project = await makeProject({ name: 'Website', members: [user] });
    return { user, project, c: await loginAs(srv, user) };
  }
  const sheet = async (c: TestClient, query = '') => {
    const res = await c.get(`/api/timesheet${query ? `?${query}` : ''}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  };

  it('answers the week of any of its days: dates Monday to Sunday, rows per project/task, day totals and the total', async () => {
    const { user, project, c } = await member({ timezone: 'UTC' });
    const api = await makeProject({ name: 'API', members: [user] });
    const login = await makeTask(project, { name: 'Fix login', external_ref: 'github_issue_42' });
    const copy = await makeTask(project, { name: 'Copy' });
    await makeEntry(user, project, { start: at('2026-03-02T09:00:00Z'), end: at('2026-03-02T10:30:00Z'), task: login, notes: 'Safari' });
    await makeEntry(user, project, { start: at('2026-03-02T11:00:00Z'), end: at('2026-03-02T11:15:00Z'), task: login });
    await makeEntry(user, project, { start: at('2026-03-04T08:00:00Z'), end: at('2026-03-04T09:00:00Z'), task: copy });
    await makeEntry(user, project, { start: at('2026-03-06T13:00:00Z'), end: at('2026-03-06T13:20:00Z') });
    await makeEntry(user, api, { start: at('2026-03-08T10:00:00Z'), end: at('2026-03-08T12:00:00Z') });
    await makeEntry(user, api, { start: at('2026-03-09T00:00:00Z'), end: at('2026-03-09T01:00:00Z') }); // next week
    await makeEntry(user, api, { start: at('2026-03-01T22:00:00Z'), end: at('2026-03-01T23:00:00Z') }); // last week

    for (const day of ['2026-03-02', '2026-03-05', '2026-03-08']) {
      const body = await sheet(c, `week=${day}`);
      expect([body.week_start, body.week_end, body.timezone, body.user_id], day).to.deep.equal(['2026-03-02', '2026-03-08', 'UTC', user.id]);
    }
    const body = await sheet(c, 'week=2026-03-04');
    expect(body.days).to.deep.equal(['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08']);
    // By project name; within a project the entries without a task first, then tasks by name.
    expect(cells(body.rows)).to.deep.equal([
      ['API', 0, 0, 0, 0, 0, 0, 2 * H],
      ['Website', 0, 0, 0, 0, 1200, 0, 0],
      ['Website · Copy', 0, 0, H, 0, 0, 0, 0],
      ['Website · Fix login', 6300, 0, 0, 0, 0, 0, 0],
    ]);
    expect(body.rows[3]).to.deep.include({ project_id: project.id, task_id: login.id, external_ref: 'github_issue_42', total_seconds: 6300 });
    expect(body.rows.map((r: Row) => r.total_seconds)).to.deep.equal([2 * H, 1200, H, 6300]);
    expect(body.day_totals).to.deep.equal([6300, 0, H, 0, 1200, 0, 2 * H]);
    expect(body.total_seconds).to.equal(6300 + H + 1200 + 2 * H);
    expect(body.running).to.equal(null);
    // The entries behind the cells, each with its seconds per day.
    const safari = body.entries.find((e: { notes: string | null }) => e.notes === 'Safari');
    expect(safari).to.deep.include({ project_id: project.id, task_id: login.id, start_time: '2026-03-02T09:00:00.000Z', end_time: '2026-03-02T10:30:00.000Z', running: false, days: [5400, 0, 0, 0, 0, 0, 0] });
    expect(body.entries).to.have.length(5);
  });

  it('answers an empty week with its dates and zero totals', async () => {
    const { c } = await member();
    const body = await sheet(c, 'week=2026-12-31');
    expect([body.week_start, body.week_end, body.rows, body.entries, body.day_totals, body.total_seconds, body.running]).to.deep.equal([
      '2026-12-28', '2027-01-03', [], [], [0, 0, 0, 0, 0, 0, 0], 0, null,
    ]);
  });

  it('splits an entry crossing local midnight in America/Los_Angeles into both days, also at the week\'s start', async () => {
    const { user, project, c } = await member({ timezone: 'America/Los_Angeles' });
    // PST is UTC-8: Tue 03-03 22:30 to Wed 03-04 01:15 local.
    await makeEntry(user, project, { start: at('2026-03-04T06:30:00Z'), end: at('2026-03-04T09:15:00Z') });
    // Sun 03-01 23:00 to Mon 03-02 01:00 local: only the Monday hour is in this week.
    await makeEntry(user, project, { start: at('2026-03-02T07:00:00Z'), end: at('2026-03-02T09:00:00Z') });
    const body = await sheet(c, 'week=2026-03-02');
    expect(cells(body.rows)).to.deep.equal([['Website', H, 5400, 4500, 0, 0, 0, 0]]);
    expect(body.total_seconds).to.equal(H + 5400 + 4500);
    const before = await sheet(c, 'week=2026-03-01');
    expect([before.week_start, cells(before.rows)]).to.deep.equal(['2026-02-23', [['Website', 0, 0, 0, 0, 0, 0, H]]]);
  });

  it('splits at local midnight in Asia/Kolkata (UTC+05:30), the last hour of Sunday into the next week', async () => {
    const { user, project, c } = await member({ timezone: 'Asia/Kolkata' });
    await makeEntry(user, project, { start: at('2026-03-04T18:00:00Z'), end: at('2026-03-04T19:00:00Z') }); // Wed 23:30 to Thu 00:30
    await makeEntry(user, project, { start: at('2026-03-08T18:15:00Z'), end: at('2026-03-08T18:45:00Z') }); // Sun 23:45 to Mon 00:15
    await makeEntry(user, project, { start: at('2026-03-01T18:29:00Z'), end: at('2026-03-01T18:31:00Z') }); // Sun 23:59 to Mon 00:01
    expect(cells((await sheet(c, 'week=2026-03-02')).rows)).to.deep.equal([['Website', 60, 0, 1800, 1800, 0, 0, 900]]);
    expect(cells((await sheet(c, 'week=2026-03-09')).rows)).to.deep.equal([['Website', 900, 0, 0, 0, 0, 0, 0]]);
  });

  it('gives the 23-hour DST day (Sunday 2026-03-08 in Los Angeles) exactly 23 hours', async () => {
    const { user, project, c } = await member({ timezone: 'America/Los_Angeles' });
    await makeEntry(user, project, { start: at('2026-03-08T07:30:00Z'), end: at('2026-03-08T08:30:00Z') }); // Sat 23:30 to Sun 00:30 PST
    await makeEntry(user, project, { start: at('2026-03-08T08:30:00Z'), end: at('2026-03-09T07:00:00Z') }); // to Mon 00:00 PDT
    const body = await sheet(c, 'week=2026-03-08');
    expect(cells(body.rows)).to.deep.equal([['Website', 0, 0, 0, 0, 0, 1800, 23 * H]]);
    // The whole-day entry's pieces add up to its stored duration.
    const long = body.entries.find((e: { start_time: string }) => e.start_time === '2026-03-08T08:30:00.000Z');
    expect(long.days.reduce((a: number, b: number) => a + b, 0)).to.equal((await TimeEntry.findByPk(long.id))!.duration_seconds);
  });

  it('counts a running timer up to now in today\'s cell and marks its row and day', async () => {
    const { user, project, c } = await member({ timezone: zoneAtNoon() });
    const task = await makeTask(project, { name: 'Deploy' });
    await makeEntry(user, project, { start: new Date(Date.now() - 4 * H * 1000), end: new Date(Date.now() - 3 * H * 1000) });
    const running = await makeEntry(user, project, { start: new Date(Date.now() - 2 * H * 1000), end: null, task });
    const body = await sheet(c);
    const today = body.days.indexOf(body.today);
    expect(today, 'the default week holds today').to.be.within(0, 6);
    expect(body.running).to.deep.equal({ entry_id: running.id, project_id: project.id, task_id: task.id, day: today, start_time: running.start_time.toISOString() });
    const deploy = body.rows.find((r: Row) => r.task_name === 'Deploy');
    expect(deploy.days[today]).to.be.within(2 * H, 2 * H + 60);
    expect(deploy.total_seconds).to.equal(deploy.days[today]);
    expect(body.total_seconds).to.equal(deploy.days[today] + H);
    expect(body.entries.find((e: { id: number }) => e.id === running.id)).to.deep.include({ running: true, end_time: null });
  });

  it('counts a timer running since last week up to now, marked on this week\'s last day it reaches', async () => {
    const { user, project, c } = await member({ timezone: 'UTC' });
    await makeEntry(user, project, { start: at('2026-03-07T22:00:00Z'), end: null });
    const body = await sheet(c, 'week=2026-03-02');
    expect(cells(body.rows)).to.deep.equal([['Website', 0, 0, 0, 0, 0, 2 * H, 24 * H]]);
    expect(body.running.day).to.equal(6);
  });

  describe('access', () => {
    async function twoUsersAndAdmin() {
      const a = await member({ timezone: 'UTC' });
      const b = await makeUser();
      const admin = await makeAdmin({ timezone: 'UTC' });
      await makeEntry(a.user, a.project, { start: at('2026-03-02T09:00:00Z'), end: at('2026-03-02T10:00:00Z') });
      await makeEntry(b, a.project, { start: at('2026-03-03T09:00:00Z'), end: at('2026-03-03T11:00:00Z') });
      await makeEntry(admin, a.project, { start: at('2026-03-04T09:00:00Z'), end: at('2026-03-04T12:00:00Z') });
      return { ...a, b, admin, ac: await loginAs(srv, admin) };
    }

    it('a user sees only their own week and cannot read another user\'s (403)', async () => {
      const { user, b, c } = await twoUsersAndAdmin();
      expect(cells((await sheet(c, 'week=2026-03-02')).rows)).to.deep.equal([['Website', H, 0, 0, 0, 0, 0, 0]]);
      expect((await sheet(c, `week=2026-03-02&user_id=${user.id}`)).total_seconds).to.equal(H);
      for (const other of [b.id, 99999]) {
        const res = await c.get(`/api/timesheet?week=2026-03-02&user_id=${other}`);
        expect([res.status, res.body]).to.deep.equal([403, { ok: false, error: 'Only admins may report on other users' }]);
      }
    });

    it('an admin reads a user\'s week with user_id and their own without', async () => {
      const { b, ac, admin } = await twoUsersAndAdmin();
      const theirs = await sheet(ac, `week=2026-03-02&user_id=${b.id}`);
      expect([theirs.user_id, cells(theirs.rows)]).to.deep.equal([b.id, [['Website', 0, 2 * H, 0, 0, 0, 0, 0]]]);
      const own = await sheet(ac, 'week=2026-03-02');
      expect([own.user_id, own.total_seconds]).to.deep.equal([admin.id, 3 * H]);
      const res = await ac.get('/api/timesheet?user_id=99999');
      expect([res.status, res.body]).to.deep.equal([404, { ok: false, error: 'User not found' }]);
    });

    it('refuses without a session (401)', async () => {
      expect((await srv.client().get('/api/timesheet')).status).to.equal(401);
    });
  });

  it('refuses a bad week or user_id with a clear 400 and changes nothing', async () => {
    const { user, project, c } = await member();
    await makeEntry(user, project, { start: at('2026-03-02T09:00:00Z') });
    const before = await TimeEntry.findAll({ raw: true });
    for (const week of ['2026-02-30', 'monday', '2026-3-2', '20260302', '']) {
      const res = await c.get(`/api/timesheet?week=${week}`);
      expect([res.status, res.body], week).to.deep.equal([400, refused('week: must be a date (YYYY-MM-DD)')]);
    }
    const res = await c.get('/api/timesheet?week=x&user_id=abc');
    expect(res.status).to.equal(400);
    expect(res.body.fields).to.deep.equal({ week: 'must be a date (YYYY-MM-DD)', user_id: 'must be a number' });
    expect(await TimeEntry.findAll({ raw: true })).to.deep.equal(before);
  });
});
