import { expect } from 'chai';
import nock from 'nock';
import { syncIntegration } from '../../../src/integrations/google-calendar/sync.js';
import { wallTimeToInstant } from '../../../src/integrations/google-calendar/eventTime.js';
import { ProjectMember, TimeEntry } from '../../../src/models/index.js';
import { makeEntry, makeProject, makeUser } from '../../factories.js';
import { useTestServer } from '../../support/server.js';
import { CALENDAR, connectRow, EVENTS_PATH, googleDeps, GOOGLE_ENV, OAUTH2, REFRESH, reload, timedEvent } from './helpers.js';

const DAY = 86_400_000;

/** The instant written as local time at a fixed UTC offset, e.g. "2024-05-01T09:00:00-05:00". */
function withOffset(at: Date, offsetMinutes: number): string {
  const local = new Date(at.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

async function setup(config: Record<string, unknown> = {}) {
  const user = await makeUser();
  const project = await makeProject({ members: [user] });
  const row = await connectRow(user, { sync_direction: 'import', default_project_id: project.id, ...config });
  return { user, project, row, deps: await googleDeps() };
}

const pageOne = () => ({
  items: [
    timedEvent('valid1', { summary: 'Planning' }),
    { id: 'allday', status: 'confirmed', summary: 'Holiday', start: { date: '2024-01-01' }, end: { date: '2024-01-02' } },
    timedEvent('running', { end: { dateTime: new Date(Date.now() + 600_000).toISOString() } }),
    timedEvent('cancelled', { status: 'cancelled' }),
    timedEvent('declined', { attendees: [{ email: 'me@x.test', self: true, responseStatus: 'declined' }, { email: 'b@x.test', responseStatus: 'accepted' }] }),
    timedEvent('transparent', { transparency: 'transparent' }),
  ],
  nextPageToken: 'page-2',
});

const pageTwo = () => ({
  items: [
    timedEvent('valid2', { summary: undefined }),
    timedEvent('tagged', { summary: '[TT] Project — logged elsewhere' }),
    timedEvent('ours', { summary: 'Exported entry', extendedProperties: { private: { timetracker_entry_id: '42' } } }),
    timedEvent('dup'),
  ],
});

describe('Google Calendar import', () => {
  it('reads every page, applies every skip rule, and creates completed entries', async () => {
    const { user, project, row, deps } = await setup();
    await makeEntry(user, project, { source: 'google_calendar', external_ref: 'gcal:dup' });
    const queries: Array<Record<string, string>> = [];
    const first = pageOne();
    nock(CALENDAR)
      .get(EVENTS_PATH)
      .query((q) => (queries.push(q as Record<string, string>), !q.pageToken))
      .reply(200, first)
      .get(EVENTS_PATH)
      .query((q) => (queries.push(q as Record<string, string>), q.pageToken === 'page-2'))
      .reply(200, pageTwo());

    const result = await syncIntegration(deps, row.id);
    expect(result).to.include({ ok: true, imported: 2, skipped: 8, exported: 0 });
    expect(result.errors).to.deep.equal([]);
    expect(result.skipped_by_reason).to.deep.equal({
      all_day: 1, not_ended: 1, cancelled: 1, declined: 1, transparent: 1, tagged: 1, exported_by_us: 1, already_imported: 1,
    });
    expect(queries[0]).to.include({ singleEvents: 'true', orderBy: 'startTime' });
    expect(Date.parse(queries[0].timeMax)).to.be.closeTo(Date.now(), 60_000);
    expect(Date.parse(queries[0].timeMax) - Date.parse(queries[0].timeMin)).to.equal(7 * DAY);
    expect(queries[queries.length - 1].pageToken).to.equal('page-2');

    const entries = await TimeEntry.findAll({ where: { user_id: user.id, source: 'google_calendar' }, order: [['id', 'ASC']] });
    const imported = entries.filter((e) => e.external_ref !== 'gcal:dup');
    expect(imported.map((e) => e.notes)).to.deep.equal(['Planning [gcal:valid1]', 'Calendar event [gcal:valid2]']);
    const expected = first.items[0] as ReturnType<typeof timedEvent>;
    expect(imported[0]).to.deep.include({ project_id: project.id, billable: false, external_ref: 'gcal:valid1', duration_seconds: 1800 });
    expect(imported[0].start_time.toISOString()).to.equal(new Date(expected.start!.dateTime!).toISOString());
    const fresh = await reload(row);
    expect(fresh.last_sync_status).to.equal('success');
    expect(fresh.config.last_sync_at).to.be.a('string');
  });

  it('imports nothing on a second sync of the same events', async () => {
    const { row, deps, user } = await setup();
    nock(CALENDAR).get(EVENTS_PATH).query((q) => !q.pageToken).times(2).reply(200, pageOne());
    nock(CALENDAR).get(EVENTS_PATH).query((q) => q.pageToken === 'page-2').times(2).reply(200, pageTwo());
    expect(await syncIntegration(deps, row.id)).to.include({ imported: 3, skipped: 7 });
    const second = await syncIntegration(deps, row.id);
    expect(second).to.include({ ok: true, imported: 0, skipped: 10 });
    expect(second.skipped_by_reason?.already_imported).to.equal(3);
    expect(await TimeEntry.count({ where: { user_id: user.id } })).to.equal(3);
  });

  it('places events with UTC offsets or only a time zone at the right UTC instants', async () => {
    const { row, deps, user } = await setup({ sync_days_back: 30 });
    const base = new Date(Math.floor((Date.now() - 3 * DAY) / 60_000) * 60_000);
    const at = (hours: number) => new Date(base.getTime() + hours * 3600_000);
    const wall = (d: Date, tz: string) => new Intl.DateTimeFormat('sv-SE', { timeZone: tz, dateStyle: 'short', timeStyle: 'medium' }).format(d).replace(' ', 'T');
    nock(CALENDAR).get(EVENTS_PATH).query(true).reply(200, {
      items: [
        timedEvent('ny', { start: { dateTime: withOffset(at(0), -300) }, end: { dateTime: withOffset(at(1), -300) } }),
        timedEvent('india', { start: { dateTime: withOffset(at(2), 330) }, end: { dateTime: withOffset(at(3), 330) } }),
        timedEvent('zulu', { start: { dateTime: at(4).toISOString() }, end: { dateTime: at(5).toISOString() } }),
        timedEvent('zoned', { start: { dateTime: wall(at(6), 'Australia/Sydney'), timeZone: 'Australia/Sydney' }, end: { dateTime: wall(at(7), 'Australia/Sydney'), timeZone: 'Australia/Sydney' } }),
      ],
    });
    expect(await syncIntegration(deps, row.id)).to.include({ imported: 4 });
    const byRef = Object.fromEntries((await TimeEntry.findAll({ where: { user_id: user.id } })).map((e) => [e.external_ref, e]));
    expect(byRef['gcal:ny'].start_time.toISOString()).to.equal(at(0).toISOString());
    expect(byRef['gcal:ny'].end_time!.toISOString()).to.equal(at(1).toISOString());
    expect(byRef['gcal:india'].start_time.toISOString()).to.equal(at(2).toISOString());
    expect(byRef['gcal:zulu'].start_time.toISOString()).to.equal(at(4).toISOString());
    expect(byRef['gcal:zoned'].start_time.toISOString()).to.equal(at(6).toISOString());
    expect(byRef['gcal:zoned'].duration_seconds).to.equal(3600);
  });

  it('reads wall times across a DST change in the event time zone', () => {
    expect(wallTimeToInstant('2024-03-10T01:30:00', 'America/New_York')!.toISOString()).to.equal('2024-03-10T06:30:00.000Z');
    expect(wallTimeToInstant('2024-03-10T03:30:00', 'America/New_York')!.toISOString()).to.equal('2024-03-10T07:30:00.000Z');
    expect(wallTimeToInstant('2024-07-01T09:00:00', 'Europe/Berlin')!.toISOString()).to.equal('2024-07-01T07:00:00.000Z');
  });

  it('refuses to import into a default project the owner may no longer use, or that is archived', async () => {
    const { row, deps, user, project } = await setup();
    await ProjectMember.destroy({ where: { user_id: user.id, project_id: project.id } });
    const list = nock(CALENDAR).get(EVENTS_PATH).query(true).reply(200, { items: [timedEvent('a')] });
    const result = await syncIntegration(deps, row.id);
    expect(result.ok).to.equal(false);
    expect(result.errors[0]).to.match(/default project: Forbidden/);
    expect(list.isDone()).to.equal(false);
    await ProjectMember.create({ project_id: project.id, user_id: user.id });
    await project.update({ status: 'archived' });
    expect((await syncIntegration(deps, row.id)).errors[0]).to.match(/archived/);
    expect(await TimeEntry.count()).to.equal(0);
    expect((await reload(row)).last_sync_status).to.equal('error');
  });

  it('asks for a default project when none is set', async () => {
    const { row, deps } = await setup({ default_project_id: undefined });
    expect((await syncIntegration(deps, row.id)).errors).to.deep.equal(['Import: choose a default project for imported events']);
  });

  it('URL-encodes the calendar id in the path', async () => {
    const { row, deps } = await setup({ calendar_id: 'team/x@group.calendar.google.com' });
    const list = nock(CALENDAR).get('/calendar/v3/calendars/team%2Fx%40group.calendar.google.com/events').query(true).reply(200, { items: [] });
    expect(await syncIntegration(deps, row.id)).to.include({ ok: true, imported: 0 });
    expect(list.isDone()).to.equal(true);
  });

  it('keeps the entries of earlier pages when a later page fails, and reports a partial sync', async () => {
    const { row, deps } = await setup();
    nock(CALENDAR).get(EVENTS_PATH).query((q) => !q.pageToken).reply(200, { items: [timedEvent('a')], nextPageToken: 'p2' });
    nock(CALENDAR).get(EVENTS_PATH).query((q) => q.pageToken === 'p2').reply(503, { error: { code: 503, message: 'Backend Error' } });
    const result = await syncIntegration(deps, row.id);
    expect(result).to.include({ ok: true, imported: 1 });
    expect(result.errors).to.deep.equal(['Import: Google answered HTTP 503: Backend Error']);
    expect((await reload(row)).last_sync_status).to.equal('partial');
  });
});

describe('POST /api/integrations/google/sync', () => {
  const srv = useTestServer({ env: GOOGLE_ENV });

  it('runs a sync for the caller and answers {ok, imported, skipped, exported, errors}', async () => {
    const { user } = await setup();
    const client = srv.client();
    await client.login(user.email);
    nock(CALENDAR).get(EVENTS_PATH).query(true).reply(200, { items: [timedEvent('a'), timedEvent('b', { transparency: 'transparent' })] });
    const res = await client.post('/api/integrations/google/sync', {});
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ ok: true, imported: 1, skipped: 1, exported: 0 });
    expect(res.body.errors).to.deep.equal([]);
  });

  it('keeps the client secret and the refresh token out of the answer and last_error when the token endpoint echoes the form', async () => {
    const { user, row } = await setup();
    await row.update({ config: { ...row.config, token_expiry: new Date(Date.now() - 1000).toISOString() } });
    const client = srv.client();
    await client.login(user.email);
    nock(OAUTH2)
      .post('/token')
      .reply(400, (_uri, body) => ({ error: `invalid_request ${String(body)}`, error_description: `could not parse ${decodeURIComponent(String(body))}` }));
    const res = await client.post('/api/integrations/google/sync', {});
    expect(res.body.ok).to.equal(false);
    expect(res.body.error).to.match(/^Import: Could not refresh the Google access token: Google answered HTTP 400 \(invalid_request grant_type=refresh_token&refresh_token=1\/\/r\.\.\.&client_id=test-client-id/);
    const fresh = await reload(row);
    expect(fresh.last_error).to.equal(res.body.error);
    const secret = GOOGLE_ENV.GOOGLE_CLIENT_SECRET;
    for (const text of [res.text, String(fresh.last_error)]) {
      for (const value of [secret, encodeURIComponent(secret), REFRESH, encodeURIComponent(REFRESH), REFRESH.slice(0, 10)]) expect(text).to.not.include(value);
    }
  });

  it('answers 404 "Integration not configured" without a row and ok:false for a switched-off row', async () => {
    const user = await makeUser();
    const client = srv.client();
    await client.login(user.email);
    const none = await client.post('/api/integrations/google/sync', {});
    expect(none.status).to.equal(404);
    expect(none.body).to.deep.equal({ ok: false, error: 'Integration not configured' });
    const row = await connectRow(user);
    await row.update({ is_active: false });
    const off = await client.post('/api/integrations/google/sync', {});
    expect(off.body).to.include({ ok: false, error: 'Integration not configured' });
  });
});
