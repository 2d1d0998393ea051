import { expect } from 'chai';
import nock from 'nock';
import { QueryTypes } from 'sequelize';
import { eventIdFor, eventSummary } from '../../../src/integrations/google-calendar/exportEvent.js';
import { syncIntegration } from '../../../src/integrations/google-calendar/sync.js';
import { TimeEntry } from '../../../src/models/index.js';
import { makeEntry, makeProject, makeTask, makeUser } from '../../factories.js';
import { testDb } from '../../support/db.js';
import { CALENDAR, connectRow, EVENTS_PATH, googleDeps, reload, timedEvent } from './helpers.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

async function setup(config: Record<string, unknown> = {}, userAttrs: Parameters<typeof makeUser>[0] = {}) {
  const user = await makeUser(userAttrs);
  const project = await makeProject({ name: 'Acme', members: [user] });
  const row = await connectRow(user, { sync_direction: 'export', ...config });
  return { user, project, row, deps: await googleDeps() };
}

/** Captures every event POSTed to the primary calendar and answers 200 with it. */
function acceptInserts(times = 1) {
  const bodies: any[] = [];
  nock(CALENDAR)
    .post(EVENTS_PATH, (b) => (bodies.push(b), true))
    .times(times)
    .reply(200, (_uri, b) => b as Record<string, unknown>);
  return bodies;
}

async function exportRecords() {
  return (await testDb()).sequelize.query<{ time_entry_id: number; event_id: string }>(
    'SELECT time_entry_id, event_id FROM calendar_exports ORDER BY time_entry_id',
    { type: QueryTypes.SELECT },
  );
}

describe('Google Calendar export', () => {
  it('posts an event with exactly the specified body and records its id', async () => {
    const { user, project, row, deps } = await setup();
    const task = await makeTask(project, { name: 'Write docs' });
    const start = new Date(Date.now() - 3 * HOUR);
    const end = new Date(start.getTime() + 90 * 60_000 + 5_000);
    const entry = await makeEntry(user, project, { start, end, task, notes: 'ignored because a task is set' });
    const bodies = acceptInserts();
    const result = await syncIntegration(deps, row.id);
    expect(result).to.include({ ok: true, exported: 1, imported: 0 });
    expect(bodies).to.have.length(1);
    expect(bodies[0]).to.deep.equal({
      id: eventIdFor(row.id, entry.id),
      summary: '[TT] Acme — Write docs',
      description: 'Logged via TimeTracker. Duration: 01:30:05',
      start: { dateTime: start.toISOString(), timeZone: 'UTC' },
      end: { dateTime: end.toISOString(), timeZone: 'UTC' },
      extendedProperties: { private: { timetracker_entry_id: String(entry.id) } },
    });
    expect(bodies[0].id).to.match(/^[a-v0-9]{5,1024}$/);
    expect(await exportRecords()).to.deep.equal([{ time_entry_id: entry.id, event_id: eventIdFor(row.id, entry.id) }]);
  });

  it('builds the summary from notes[:50] without a task, and keeps it within 200 characters', () => {
    expect(eventSummary({ project_name: 'Acme', task_name: null, notes: 'x'.repeat(80) })).to.equal(`[TT] Acme — ${'x'.repeat(50)}`);
    expect(eventSummary({ project_name: 'Acme', task_name: null, notes: null })).to.equal('[TT] Acme');
    expect([...eventSummary({ project_name: 'P'.repeat(200), task_name: 'T', notes: null })]).to.have.length(200);
  });

  it('exports nothing on a second sync (updated_at compared at full microsecond precision)', async () => {
    const { user, project, row, deps } = await setup();
    await makeEntry(user, project);
    await makeEntry(user, project, { start: new Date(Date.now() - 5 * HOUR) });
    await (await testDb()).sequelize.query("UPDATE time_entries SET updated_at = now() - interval '0.000001 second'");
    acceptInserts(2);
    expect(await syncIntegration(deps, row.id)).to.include({ exported: 2 });
    const second = await syncIntegration(deps, row.id);
    expect(second).to.include({ ok: true, exported: 0, updated: 0 });
    expect(second.errors).to.deep.equal([]);
  });

  it('selects only completed, non-Google entries of the owner inside the window, whatever the time zones', async () => {
    const { user, project, row, deps } = await setup(
      { sync_days_back: 7, connected_at: new Date(Date.now() - HOUR).toISOString() },
      { timezone: 'Pacific/Kiritimati' },
    );
    const other = await makeUser({ timezone: 'Pacific/Pago_Pago' });
    const endedAgo = (ms: number) => ({ start: new Date(Date.now() - ms - HOUR), end: new Date(Date.now() - ms) });
    const inside = await makeEntry(user, project, endedAgo(7 * DAY - HOUR));
    await makeEntry(user, project, endedAgo(7 * DAY + HOUR));
    await makeEntry(user, project, { start: new Date(Date.now() - 10 * 60_000), end: null });
    await makeEntry(user, project, { ...endedAgo(DAY), source: 'google_calendar', external_ref: 'gcal:abc' });
    await makeEntry(other, project, endedAgo(DAY));
    const bodies = acceptInserts();
    expect(await syncIntegration(deps, row.id)).to.include({ exported: 1 });
    expect(bodies.map((b) => b.extendedProperties.private.timetracker_entry_id)).to.deep.equal([String(inside.id)]);
  });

  it('also exports entries that ended after the connection date, even beyond sync_days_back', async () => {
    const { user, project, row, deps } = await setup({ sync_days_back: 1, connected_at: new Date(Date.now() - 10 * DAY).toISOString() });
    const afterConnect = await makeEntry(user, project, { start: new Date(Date.now() - 5 * DAY - HOUR), end: new Date(Date.now() - 5 * DAY) });
    await makeEntry(user, project, { start: new Date(Date.now() - 12 * DAY - HOUR), end: new Date(Date.now() - 12 * DAY) });
    const bodies = acceptInserts();
    expect(await syncIntegration(deps, row.id)).to.include({ exported: 1 });
    expect(bodies[0].extendedProperties.private.timetracker_entry_id).to.equal(String(afterConnect.id));
  });

  it('treats 409 on a retry as already exported: patches the existing event, records it, creates no duplicate', async () => {
    const { user, project, row, deps } = await setup();
    const entry = await makeEntry(user, project, { notes: 'Retry me' });
    const id = eventIdFor(row.id, entry.id);
    const insert = nock(CALENDAR).post(EVENTS_PATH).reply(409, { error: { code: 409, message: 'The requested identifier already exists.' } });
    let patched: any;
    nock(CALENDAR).patch(`${EVENTS_PATH}/${id}`, (b) => ((patched = b), true)).reply(200, { id });
    const result = await syncIntegration(deps, row.id);
    expect(result).to.include({ ok: true, exported: 1 });
    expect(insert.isDone()).to.equal(true);
    expect(patched.summary).to.equal('[TT] Acme — Retry me');
    expect(patched.id).to.equal(undefined);
    expect(await exportRecords()).to.deep.equal([{ time_entry_id: entry.id, event_id: id }]);
    expect((await syncIntegration(deps, row.id)).exported).to.equal(0);
  });

  it('updates the event of an entry edited after export, once', async () => {
    const { user, project, row, deps } = await setup();
    const entry = await makeEntry(user, project, { notes: 'Before' });
    acceptInserts();
    await syncIntegration(deps, row.id);
    const newEnd = new Date(entry.end_time!.getTime() + 15 * 60_000);
    await entry.update({ notes: 'After', end_time: newEnd, duration_seconds: 45 * 60 });
    let patched: any;
    const id = eventIdFor(row.id, entry.id);
    nock(CALENDAR).patch(`${EVENTS_PATH}/${id}`, (b) => ((patched = b), true)).reply(200, { id });
    expect(await syncIntegration(deps, row.id)).to.include({ ok: true, exported: 0, updated: 1 });
    expect(patched).to.deep.include({ summary: '[TT] Acme — After', description: 'Logged via TimeTracker. Duration: 00:45:00' });
    expect(patched.end).to.deep.equal({ dateTime: newEnd.toISOString(), timeZone: 'UTC' });
    expect(await syncIntegration(deps, row.id)).to.include({ updated: 0, exported: 0 });
  });

  it('records nothing for an entry Google failed with a 500 and exports it on the next sync', async () => {
    const { user, project, row, deps } = await setup();
    const entry = await makeEntry(user, project);
    nock(CALENDAR).post(EVENTS_PATH).reply(500, { error: { code: 500, message: 'Backend Error' } });
    const first = await syncIntegration(deps, row.id);
    expect(first).to.include({ ok: false, exported: 0 });
    expect(first.errors).to.deep.equal([`Export of entry ${entry.id}: Google answered HTTP 500: Backend Error`]);
    expect(await exportRecords()).to.deep.equal([]);
    expect((await reload(row)).last_sync_status).to.equal('error');
    const bodies = acceptInserts();
    expect(await syncIntegration(deps, row.id)).to.include({ ok: true, exported: 1 });
    expect(bodies[0].id).to.equal(eventIdFor(row.id, entry.id));
  });

  it('stops the run at a rate limit (429) and leaves the rest for the next sync', async () => {
    const { user, project, row, deps } = await setup();
    await makeEntry(user, project, { start: new Date(Date.now() - 5 * HOUR) });
    await makeEntry(user, project);
    nock(CALENDAR).post(EVENTS_PATH).reply(429, { error: { code: 429, message: 'Rate Limit Exceeded' } }, { 'Retry-After': '30' });
    const result = await syncIntegration(deps, row.id);
    expect(result.errors).to.have.length(1);
    expect(result.errors[0]).to.match(/HTTP 429/);
    expect(await exportRecords()).to.deep.equal([]);
  });

  it('in "both" mode imports events and exports entries without echoing either back', async () => {
    const { user, project, row, deps } = await setup({ sync_direction: 'both' });
    await row.update({ config: { ...row.config, default_project_id: project.id } });
    const mine = await makeEntry(user, project, { notes: 'Typed in TimeTracker' });
    nock(CALENDAR).get(EVENTS_PATH).query(true).reply(200, { items: [timedEvent('meeting')] });
    const bodies = acceptInserts();
    expect(await syncIntegration(deps, row.id)).to.include({ ok: true, imported: 1, exported: 1 });
    expect(bodies.map((b) => b.extendedProperties.private.timetracker_entry_id)).to.deep.equal([String(mine.id)]);
    expect(await TimeEntry.count({ where: { user_id: user.id } })).to.equal(2);
  });
});
