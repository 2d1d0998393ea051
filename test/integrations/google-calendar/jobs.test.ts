import { expect } from 'chai';
import nock from 'nock';
import { QueryTypes } from 'sequelize';
import { googleCalendarConnector } from '../../../src/integrations/google-calendar/index.js';
import { dueRowIds, JOB_CONCURRENCY, JOB_NAME, runGoogleCalendarSync } from '../../../src/integrations/google-calendar/jobs.js';
import { Scheduler } from '../../../src/jobs/scheduler.js';
import { TimeEntry, type Integration } from '../../../src/models/index.js';
import { makeProject, makeUser } from '../../factories.js';
import { testDb } from '../../support/db.js';
import { CALENDAR, connectRow, EVENTS_PATH, googleDeps, reload, timedEvent } from './helpers.js';

async function connectedUser(config: Record<string, unknown> = {}) {
  const user = await makeUser();
  const project = await makeProject({ members: [user] });
  const row = await connectRow(user, { default_project_id: project.id, ...config });
  return { user, row };
}

describe('job google_calendar_sync', () => {
  it('is declared by the connector, every 30 minutes', async () => {
    const { sequelize } = await testDb();
    const deps = await googleDeps();
    const jobs = googleCalendarConnector.jobs!({ config: deps.config, sequelize });
    expect(jobs.map((j) => [j.name, j.rule])).to.deep.equal([[JOB_NAME, '*/30 * * * *']]);
  });

  it('the descriptor\'s syncNow and testConnection (admin record actions) use the same sync and test', async () => {
    const { sequelize } = await testDb();
    const deps = await googleDeps();
    const { user, row } = await connectedUser();
    nock(CALENDAR).get(EVENTS_PATH).query(true).reply(200, { items: [timedEvent('a')] });
    const result = await googleCalendarConnector.syncNow!(row, user, { config: deps.config, sequelize });
    expect(result).to.include({ ok: true, imported: 1, message: 'Sync finished: imported 1, exported 0, updated 0, skipped 0' });
    nock(CALENDAR).get(EVENTS_PATH).query(true).reply(200, { summary: 'Work', items: [] });
    expect(await googleCalendarConnector.testConnection!(row, { config: deps.config, sequelize })).to.include({ ok: true });
  });

  it('syncs 20 users a bounded number at a time; one broken user does not stop the others', async () => {
    const deps = await googleDeps();
    const rows: Integration[] = [];
    for (let i = 0; i < 20; i++) rows.push((await connectedUser(i === 6 ? { calendar_id: 'broken' } : {})).row);
    let active = 0;
    let maxActive = 0;
    nock(CALENDAR)
      .get(EVENTS_PATH)
      .query(true)
      .times(19)
      .reply((_uri, _body, cb) => {
        active += 1;
        maxActive = Math.max(maxActive, active);
        setTimeout(() => {
          active -= 1;
          cb(null, [200, { items: [timedEvent('standup')] }]);
        }, 40);
      });
    nock(CALENDAR).get('/calendar/v3/calendars/broken/events').query(true).reply(500, { error: { code: 500, message: 'Backend Error' } });

    expect(await runGoogleCalendarSync(deps)).to.deep.equal({ rows: 20, succeeded: 19, failed: 1 });
    expect(maxActive).to.be.within(2, JOB_CONCURRENCY);
    for (const [i, row] of rows.entries()) {
      const fresh = await reload(row);
      expect(fresh.last_sync_at, `row ${i}`).to.be.instanceOf(Date);
      expect(fresh.last_sync_status, `row ${i}`).to.equal(i === 6 ? 'error' : 'success');
      expect(await TimeEntry.count({ where: { user_id: row.user_id } }), `row ${i}`).to.equal(i === 6 ? 0 : 1);
    }
    expect((await reload(rows[6])).last_error).to.match(/HTTP 500/);
  });

  it('records an unexpected exception on that user\'s row and goes on with the others', async () => {
    const deps = await googleDeps();
    const listEvents = deps.client.listEvents;
    deps.client = { ...deps.client, listEvents: (token, calendar, q) => (calendar === 'explode' ? Promise.reject(new Error('boom')) : listEvents(token, calendar, q)) };
    const first = (await connectedUser()).row;
    const broken = (await connectedUser({ calendar_id: 'explode' })).row;
    const last = (await connectedUser()).row;
    nock(CALENDAR).get(EVENTS_PATH).query(true).times(2).reply(200, { items: [] });
    expect(await runGoogleCalendarSync(deps)).to.deep.equal({ rows: 3, succeeded: 2, failed: 1 });
    expect((await reload(broken)).last_sync_status).to.equal('error');
    expect((await reload(broken)).last_error).to.match(/unexpectedly/);
    expect((await reload(first)).last_sync_status).to.equal('success');
    expect((await reload(last)).last_sync_status).to.equal('success');
  });

  it('takes only active, connected rows of active owners that do not need a reconnect', async () => {
    const deps = await googleDeps();
    const good = (await connectedUser()).row;
    await connectedUser({ needs_reconnect: true });
    const off = (await connectedUser()).row;
    await off.update({ is_active: false });
    const noToken = (await connectedUser()).row;
    await noToken.update({ config: { ...noToken.config, refresh_token: undefined } });
    const { user: gone } = await connectedUser();
    await gone.update({ is_active: false });
    expect(await dueRowIds(deps)).to.deep.equal([good.id]);
  });

  it('runs once per tick even with two scheduler instances on the same database', async () => {
    const { sequelize } = await testDb();
    const deps = await googleDeps();
    const { user, row } = await connectedUser();
    const list = nock(CALENDAR).get(EVENTS_PATH).query(true).delay(50).reply(200, { items: [timedEvent('once')] });
    const [a, b] = [new Scheduler(sequelize, { instance: 'a' }), new Scheduler(sequelize, { instance: 'b' })];
    for (const s of [a, b]) for (const job of googleCalendarConnector.jobs!({ config: deps.config, sequelize })) s.register(job);
    const tick = new Date('2026-01-01T10:30:00Z');
    const outcomes = await Promise.all([a.runTick(JOB_NAME, tick), b.runTick(JOB_NAME, tick)]);
    expect(outcomes.filter((o) => o === 'ran')).to.have.length(1);
    expect(outcomes.filter((o) => o === 'claimed_elsewhere' || o === 'busy')).to.have.length(1);
    expect(list.isDone()).to.equal(true);
    expect(await TimeEntry.count({ where: { user_id: user.id } })).to.equal(1);
    expect(await a.runTick(JOB_NAME, tick)).to.equal('claimed_elsewhere');
    const runs = await sequelize.query<{ status: string }>('SELECT status FROM job_runs WHERE job_name = $1', { bind: [JOB_NAME], type: QueryTypes.SELECT });
    expect(runs).to.deep.equal([{ status: 'success' }]);
    expect((await reload(row)).last_sync_status).to.equal('success');
    await Promise.all([a.stop(), b.stop()]);
  });
});
