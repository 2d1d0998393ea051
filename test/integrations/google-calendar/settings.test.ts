import { expect } from 'chai';
import nock from 'nock';
import { Integration } from '../../../src/models/index.js';
import { makeAdmin, makeProject, makeUser } from '../../factories.js';
import { useTestServer } from '../../support/server.js';
import { ACCESS, CALENDAR, connectRow, EVENTS_PATH, GOOGLE_ENV, REFRESH, reload } from './helpers.js';
import { refused } from '../../support/validation.js';

const CONFIG = '/api/integrations/google/config';
const STATUS = '/api/integrations/google/status';

describe('Google Calendar: config, status, test', () => {
  const srv = useTestServer({ env: GOOGLE_ENV });

  async function loggedIn(attrs: Parameters<typeof makeUser>[0] = {}) {
    const user = await makeUser(attrs);
    const client = srv.client();
    await client.login(user.email);
    return { user, client };
  }

  describe('GET /api/integrations/google/status', () => {
    it('answers the defaults before anything is saved', async () => {
      const { client } = await loggedIn();
      const res = await client.get(STATUS);
      expect(res.body).to.deep.equal({
        ok: true, id: null, connected: false, needs_reconnect: false, email: null, calendar_id: 'primary', sync_direction: 'import',
        default_project_id: null, sync_days_back: 7, last_sync_at: null, last_sync_status: null, last_error: null, oauth_configured: true,
        connect_url: '/integrations/google/connect',
        state: 'not_connected', last_success_at: null, last_error_at: null,
      });
    });

    it('never contains a token, and shows "Reconnect needed" state', async () => {
      const { user, client } = await loggedIn();
      await connectRow(user, { needs_reconnect: true });
      const res = await client.get(STATUS);
      expect(res.body).to.include({ connected: true, needs_reconnect: true });
      expect(res.text).not.to.include(ACCESS);
      expect(res.text).not.to.include(REFRESH);
      expect(res.text).not.to.include('nacl:v1');
    });

    it('requires a login', async () => {
      expect((await srv.client().get(STATUS)).status).to.equal(401);
    });
  });

  describe('POST /api/integrations/google/config', () => {
    it('saves preferences on first save without activating the row, and clamps days back', async () => {
      const { user, client } = await loggedIn();
      const project = await makeProject({ members: [user] });
      const res = await client.post(CONFIG, { calendar_id: ' team@group.calendar.google.com ', sync_direction: 'both', default_project_id: String(project.id), sync_days_back: 90 });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ ok: true, connected: false, calendar_id: 'team@group.calendar.google.com', sync_direction: 'both', default_project_id: project.id, sync_days_back: 30 });
      const row = (await Integration.findOne({ where: { user_id: user.id } }))!;
      expect(row.is_active).to.equal(false);
      expect((await client.post(CONFIG, { sync_days_back: 0 })).body.sync_days_back).to.equal(1);
      expect((await client.post(CONFIG, { sync_days_back: null })).body.sync_days_back).to.equal(7);
      expect((await client.post(CONFIG, { calendar_id: '' })).body.calendar_id).to.equal('primary');
    });

    it('rejects bad values with "<field>: <reason>"', async () => {
      const { client } = await loggedIn();
      expect((await client.post(CONFIG, { sync_direction: 'sideways' })).body).to.deep.equal(refused('sync_direction: must be import, export or both'));
      expect((await client.post(CONFIG, { sync_days_back: 'lots' })).body).to.deep.equal(refused('sync_days_back: must be a number'));
      expect((await client.post(CONFIG, { default_project_id: 'abc' })).status).to.equal(400);
    });

    it('accepts only an allowed, active default project', async () => {
      const { client } = await loggedIn();
      const foreign = await makeProject();
      expect((await client.post(CONFIG, { default_project_id: foreign.id })).status).to.equal(403);
      const { client: adminClient } = await loggedIn({ role: 'admin' });
      const archived = await makeProject({ status: 'archived' });
      const res = await adminClient.post(CONFIG, { default_project_id: archived.id });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.match(/^default_project_id: /);
      expect((await adminClient.post(CONFIG, { default_project_id: 999999 })).status).to.equal(404);
    });

    it('keeps tokens and the active flag: token keys in the body are ignored', async () => {
      const { user, client } = await loggedIn();
      const row = await connectRow(user);
      const before = (await reload(row)).config;
      await client.post(CONFIG, { access_token: 'ya29.injected', refresh_token: null, is_active: false, sync_direction: 'export' });
      const fresh = await reload(row);
      expect(fresh.is_active).to.equal(true);
      expect(fresh.config.access_token).to.equal(before.access_token);
      expect(fresh.config.refresh_token).to.equal(before.refresh_token);
      expect(fresh.config.sync_direction).to.equal('export');
    });

    it('refuses cross-origin and non-JSON posts', async () => {
      const { client } = await loggedIn();
      expect((await client.post(CONFIG, { sync_direction: 'both' }, { headers: { Origin: 'https://evil.test' } })).status).to.equal(403);
      expect((await client.request('POST', CONFIG, { body: 'sync_direction=both', headers: { 'Content-Type': 'text/plain' } })).status).to.equal(415);
    });
  });

  describe('POST /api/integrations/google/test', () => {
    it('answers 404 without a row', async () => {
      const { client } = await loggedIn();
      const res = await client.post('/api/integrations/google/test', {});
      expect(res.status).to.equal(404);
      expect(res.body).to.deep.equal({ ok: false, error: 'Integration not configured' });
    });

    it('lists one event of the calendar and names the account and calendar', async () => {
      const admin = await makeAdmin();
      const client = srv.client();
      await client.login(admin.email);
      await connectRow(admin, { email: 'ada@gmail.test' });
      nock(CALENDAR).get(EVENTS_PATH).query((q) => q.maxResults === '1').matchHeader('authorization', `Bearer ${ACCESS}`).reply(200, { summary: 'Ada Lovelace', items: [] });
      const res = await client.post('/api/integrations/google/test', {});
      expect(res.body).to.deep.equal({ ok: true, message: 'Connected as ada@gmail.test: calendar "Ada Lovelace" is reachable' });
    });

    it('reports Google\'s error message when the calendar is not found', async () => {
      const { user, client } = await loggedIn();
      await connectRow(user, { calendar_id: 'missing' });
      nock(CALENDAR).get('/calendar/v3/calendars/missing/events').query(true).reply(404, { error: { code: 404, message: 'Not Found' } });
      const res = await client.post('/api/integrations/google/test', {});
      expect(res.body).to.include({ ok: false, message: 'Google answered HTTP 404: Not Found' });
    });
  });
});
