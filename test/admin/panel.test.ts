// AdminJS at the HTTP level: login page, form login, the session shared with the JSON API, and
// the row-level rules of the resources' JSON endpoints.
import { expect } from 'chai';
import { keyring } from '../../src/lib/secrets.js';
import { Integration, OutboxMessage, User } from '../../src/models/index.js';
import { StandaloneUser } from '../../src/standalone/user.js';
import { makeAdmin, makeEntry, makeProject, makeUser } from '../factories.js';
import { QueryTypes } from 'sequelize';
import { testDb } from '../support/db.js';
import { type TestClient, useTestServer } from '../support/server.js';

function formLogin(c: TestClient, email: string, password = 'password123') {
  return c.request('POST', '/admin/login', {
    body: new URLSearchParams({ email, password }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
}

describe('AdminJS panel (/admin)', () => {
  const srv = useTestServer();

  it('GET /admin/login renders the login page', async () => {
    const res = await srv.client().get('/admin/login');
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/text\/html/);
    expect(res.text).to.include('<html').and.include('/admin/login');
  });

  it('redirects an unauthenticated /admin to the login page', async () => {
    const res = await srv.client().get('/admin');
    expect(res.status).to.equal(302);
    expect(res.headers.get('location')).to.equal('/admin/login');
    const api = await srv.client().get('/admin/api/resources/time_entries/actions/list');
    expect(api.status).to.equal(302);
  });

  it('logs in with a form post; the same cookie opens /admin and the JSON API', async () => {
    const user = await makeUser();
    const c = srv.client();
    const login = await formLogin(c, user.email);
    expect(login.status).to.equal(302);
    expect(login.headers.get('location')).to.equal('/admin');
    expect((await c.get('/admin')).status).to.equal(200);
    const me = await c.get('/api/auth/me');
    expect(me.status).to.equal(200);
    expect(me.body.user.id).to.equal(user.id);
  });

  it('a JSON API login opens /admin too', async () => {
    const user = await makeUser();
    const c = srv.client();
    await c.login(user.email);
    expect((await c.get('/admin')).status).to.equal(200);
  });

  it('answers 400, not 500, to a login form it cannot parse', async () => {
    for (const [type, body] of [
      ['application/json', '{bad'],
      ['multipart/form-data; boundary=zzz', '--zzz\r\nbroken'],
      ['multipart/form-data', 'no boundary'],
    ]) {
      const res = await srv.client().request('POST', '/admin/login', { body, headers: { 'Content-Type': type } });
      expect(res.status, type).to.equal(400);
      expect(res.body.error).to.match(/Could not read the submitted form/);
    }
  });

  it('re-renders the login page with an error for wrong credentials and sets no user', async () => {
    const user = await makeUser();
    const c = srv.client();
    const res = await formLogin(c, user.email, 'wrong-password');
    expect(res.status).to.equal(200);
    expect(res.text).to.include('<html');
    expect((await c.get('/admin')).status).to.equal(302);
    expect((await c.get('/api/auth/me')).status).to.equal(401);
  });

  it('issues a fresh session id at form login (a cookie planted before login is not logged in)', async () => {
    const user = await makeUser();
    const c = srv.client();
    await c.get('/admin'); // stores redirectTo, so a session cookie exists before login
    const planted = c.cookieHeader;
    expect(planted).to.include('tt.sid=');
    await formLogin(c, user.email);
    expect(c.cookieHeader).not.to.equal(planted);
    const attacker = await srv.client().get('/api/auth/me', { headers: { Cookie: planted } });
    expect(attacker.status).to.equal(401);
  });

  it('after a form login, opens the panel page the user asked for', async () => {
    const user = await makeUser();
    const c = srv.client();
    expect((await c.get('/admin/resources/projects')).headers.get('location')).to.equal('/admin/login');
    const login = await formLogin(c, user.email);
    expect(login.status).to.equal(302);
    expect(login.headers.get('location')).to.equal('/admin/resources/projects');
  });

  it('never sends a form login outside the panel, whatever the session says', async () => {
    const user = await makeUser();
    for (const planted of ['//evil.example/admin', 'https://evil.example/admin', '/adminx/..', '/admin\\@evil.example']) {
      const c = srv.client();
      await c.get('/admin/resources/projects');
      const sid = /tt\.sid=([^;]+)/.exec(c.cookieHeader)![1];
      const { sequelize } = await testDb();
      await sequelize.query(`UPDATE sessions SET data = jsonb_set(data, '{redirectTo}', to_jsonb($2::text)) WHERE sid = $1`, { bind: [sid, planted] });
      const login = await formLogin(c, user.email);
      expect(login.headers.get('location'), planted).to.equal('/admin');
    }
  });

  it('the session is stored in full by the time the login answer arrives', async () => {
    const user = await makeUser();
    const c = srv.client();
    await formLogin(c, user.email);
    const sid = /tt\.sid=([^;]+)/.exec(c.cookieHeader)![1];
    const { sequelize } = await testDb();
    const [row] = await sequelize.query<{ data: { adminUser?: { id: string } } }>('SELECT data FROM sessions WHERE sid = $1', { bind: [sid], type: QueryTypes.SELECT });
    expect(row?.data.adminUser?.id).to.equal(String(user.id));
  });

  it('a deactivated user loses the panel with their session', async () => {
    const user = await makeUser();
    const c = srv.client();
    await formLogin(c, user.email);
    expect((await c.get('/admin')).status).to.equal(200);
    await User.update({ is_active: false }, { where: { id: user.id } });
    expect((await c.get('/admin')).status).to.equal(302);
    expect((await c.get('/admin/api/resources/time_entries/actions/list')).status).to.equal(302);
  });

  it('a demoted admin loses admin rights in the panel at once', async () => {
    const admin = await makeAdmin();
    const c = srv.client();
    await formLogin(c, admin.email);
    expect((await c.get('/admin/api/resources/users/actions/list')).status).to.equal(200);
    await StandaloneUser.update({ role: 'user' }, { where: { id: admin.id } });
    const res = await c.get('/admin/api/resources/users/actions/list');
    expect(res.body.records).to.deep.equal([]);
    expect(res.body.record.baseError.type).to.equal('ForbiddenError');
  });

  describe('row-level rules of the resource API', () => {
    it('a user lists only their own time entries', async () => {
      const me = await makeUser();
      const other = await makeUser();
      const project = await makeProject({ members: [me, other] });
      const mine = await makeEntry(me, project);
      await makeEntry(other, project);
      await makeEntry(other, project);
      const c = srv.client();
      await formLogin(c, me.email);
      const res = await c.get('/admin/api/resources/time_entries/actions/list?perPage=50');
      expect(res.status).to.equal(200);
      expect(res.body.records.map((r: { id: string }) => Number(r.id))).to.deep.equal([mine.id]);
      expect(res.body.meta.total).to.equal(1);
      // A filter in the query cannot widen the list.
      const widened = await c.get(`/admin/api/resources/time_entries/actions/list?filters.user_id=${other.id}`);
      expect(widened.body.records.every((r: { params: { user_id: number } }) => Number(r.params.user_id) === me.id)).to.equal(true);
    });

    it('an admin lists everyone\'s time entries', async () => {
      const admin = await makeAdmin();
      const u = await makeUser();
      const project = await makeProject({ members: [u] });
      await makeEntry(u, project);
      await makeEntry(admin, project);
      const c = srv.client();
      await formLogin(c, admin.email);
      const res = await c.get('/admin/api/resources/time_entries/actions/list');
      expect(res.body.meta.total).to.equal(2);
    });

    it('list filters narrow the scoped list and references are populated', async () => {
      const me = await makeUser();
      const a = await makeProject({ name: 'Alpha', members: [me] });
      const b = await makeProject({ name: 'Beta', members: [me] });
      const inA = await makeEntry(me, a);
      await makeEntry(me, b);
      const c = srv.client();
      await formLogin(c, me.email);
      const res = await c.get(`/admin/api/resources/time_entries/actions/list?filters.project_id=${a.id}`);
      expect(res.body.records.map((r: { id: string }) => Number(r.id))).to.deep.equal([inA.id]);
      expect(res.body.meta.total).to.equal(1);
      expect(res.body.records[0].populated.project_id.title).to.equal('Alpha');
      const projects = await c.get('/admin/api/resources/projects/actions/list?filters.name=Bet');
      expect(projects.body.records.map((r: { id: string }) => Number(r.id))).to.deep.equal([b.id]);
    });

    it('outbox messages: a user sees only their own, and "Retry now" requeues a failed one', async () => {
      const me = await makeUser();
      const other = await makeUser();
      const mine = await Integration.create({ name: 'Slack', provider: 'slack_connector', user_id: me.id, is_active: true, config: {}, last_sync_at: null, last_sync_status: null, last_error: null });
      const theirs = await Integration.create({ name: 'Slack', provider: 'slack_connector', user_id: other.id, is_active: true, config: {}, last_sync_at: null, last_sync_status: null, last_error: null });
      const base = { provider: 'slack_connector', kind: 'timer_started', channel: 'C1', payload: { text: 'hi' }, dedupe_key: null, locked_until: null, sent_at: null };
      const failed = await OutboxMessage.create({ ...base, integration_id: mine.id, status: 'failed', attempts: 12, last_error: 'channel_not_found' });
      const foreign = await OutboxMessage.create({ ...base, integration_id: theirs.id, status: 'failed', attempts: 12, last_error: 'x' });
      const c = srv.client();
      await formLogin(c, me.email);
      const list = await c.get('/admin/api/resources/outbox_messages/actions/list');
      expect(list.body.records.map((r: { id: string }) => Number(r.id))).to.deep.equal([Number(failed.id)]);
      expect(list.body.records[0].params.last_error).to.equal('channel_not_found');
      const denied = await c.post(`/admin/api/resources/outbox_messages/records/${foreign.id}/retryNow`, {});
      expect(denied.body.notice.type).to.equal('error');
      expect((await OutboxMessage.findByPk(foreign.id))!.status).to.equal('failed');
      const retried = await c.post(`/admin/api/resources/outbox_messages/records/${failed.id}/retryNow`, {});
      expect(retried.body.notice.type).to.equal('success');
      const after = (await OutboxMessage.findByPk(failed.id))!;
      expect(after.status).to.equal('pending');
      expect(after.attempts).to.equal(0);
    });

    it('a user cannot list users', async () => {
      const user = await makeUser();
      const c = srv.client();
      await formLogin(c, user.email);
      const res = await c.get('/admin/api/resources/users/actions/list');
      // AdminJS answers a forbidden action with 200 and an error notice, never with the rows.
      expect(res.body.records).to.deep.equal([]);
      expect(res.body.notice).to.deep.include({ type: 'error' });
      expect(res.body.record.baseError.type).to.equal('ForbiddenError');
      expect(res.text).not.to.include('password_hash');
      expect(res.text).not.to.include(user.email);
    });

    it('a user sees only their allowed projects', async () => {
      const user = await makeUser();
      const allowed = await makeProject({ members: [user] });
      await makeProject();
      const c = srv.client();
      await formLogin(c, user.email);
      const res = await c.get('/admin/api/resources/projects/actions/list');
      expect(res.body.records.map((r: { id: string }) => Number(r.id))).to.deep.equal([allowed.id]);
    });

    it('the integrations list never contains config secrets', async () => {
      const user = await makeUser();
      const sealed = keyring().encrypt('ghp_verysecrettokenvalue');
      await Integration.create({
        provider: 'github_connector',
        user_id: user.id,
        name: 'GitHub',
        is_active: true,
        config: { github_token: sealed, webhook_secret: keyring().encrypt('whsec-value'), repo_owner: 'acme', repo_name: 'app' },
        last_sync_at: null,
        last_sync_status: null,
        last_error: null,
      });
      const c = srv.client();
      await formLogin(c, user.email);
      const list = await c.get('/admin/api/resources/integrations/actions/list');
      expect(list.status).to.equal(200);
      expect(list.body.records).to.have.length(1);
      for (const text of [list.text, (await c.get(`/admin/api/resources/integrations/records/${list.body.records[0].id}/show`)).text]) {
        expect(text).not.to.include('nacl:v1:');
        expect(text).not.to.include('ghp_verysecret');
        expect(text).not.to.include('whsec-value');
        expect(text).not.to.include(sealed.slice(20, 40));
      }
    });
  });
});
