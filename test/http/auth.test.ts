import { expect } from 'chai';
import { TimeEntry, User } from '../../src/models/index.js';
import { StandaloneUser } from '../../src/standalone/user.js';
import { makeAdmin, makeProject, makeUser } from '../factories.js';
import { startTestServer, type TestServer, useTestServer } from '../support/server.js';
import { refused } from '../support/validation.js';

describe('authentication and authorization (HTTP)', () => {
  const srv = useTestServer();

  describe('POST /api/auth/login', () => {
    it('logs in with email and sets an HttpOnly, SameSite=Lax session cookie', async () => {
      const user = await makeUser({ username: 'alice', email: 'alice@example.test' });
      const c = srv.client();
      const res = await c.post('/api/auth/login', { email: 'Alice@Example.test', password: 'password123' });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ ok: true, user: { id: user.id, username: 'alice', role: 'user' } });
      const cookie = res.headers.getSetCookie().find((h) => h.startsWith('tt.sid='));
      expect(cookie).to.match(/httponly/i).and.match(/samesite=lax/i);
      expect(cookie).not.to.match(/;\s*secure/i);
      expect(res.text).not.to.include('password');
    });

    it('logs in with the username too', async () => {
      await makeUser({ username: 'bob' });
      const res = await srv.client().post('/api/auth/login', { username: 'bob', password: 'password123' });
      expect(res.status).to.equal(200);
      const byEmailField = await srv.client().post('/api/auth/login', { email: 'bob', password: 'password123' });
      expect(byEmailField.status).to.equal(200);
    });

    it('answers unknown user and wrong password with the same 401', async () => {
      await makeUser({ email: 'carol@example.test' });
      const wrong = await srv.client().post('/api/auth/login', { email: 'carol@example.test', password: 'nope-nope' });
      const unknown = await srv.client().post('/api/auth/login', { email: 'nobody@example.test', password: 'nope-nope' });
      expect(wrong.status).to.equal(401);
      expect(unknown.status).to.equal(401);
      expect(wrong.body).to.deep.equal({ ok: false, error: 'Invalid credentials' });
      expect(unknown.body).to.deep.equal(wrong.body);
      expect(wrong.headers.getSetCookie()).to.deep.equal([]);
    });

    it('refuses a deactivated account with the same 401', async () => {
      await makeUser({ email: 'gone@example.test', is_active: false });
      const res = await srv.client().post('/api/auth/login', { email: 'gone@example.test', password: 'password123' });
      expect(res.status).to.equal(401);
      expect(res.body.error).to.equal('Invalid credentials');
    });

    it('validates the body: 400 "<field>: <reason>"', async () => {
      const noPassword = await srv.client().post('/api/auth/login', { email: 'a@example.test' });
      expect(noPassword.status).to.equal(400);
      expect(noPassword.body).to.deep.equal(refused('password: is required'));
      const noEmail = await srv.client().post('/api/auth/login', { password: 'x' });
      expect(noEmail.body.error).to.equal('email: is required');
      const malformed = await srv.client().request('POST', '/api/auth/login', { body: '{"email":', headers: { 'Content-Type': 'application/json' } });
      expect(malformed.status).to.equal(400);
      expect(malformed.body.error).to.equal('Malformed JSON body');
    });

    it('rate-limits repeated failures with 429 and Retry-After, even for the right password', async () => {
      await makeUser({ email: 'target@example.test' });
      const c = srv.client();
      for (let i = 0; i < 10; i += 1) {
        const r = await c.post('/api/auth/login', { email: 'target@example.test', password: `wrong-${i}` });
        expect(r.status).to.equal(401);
      }
      const blocked = await c.post('/api/auth/login', { email: 'target@example.test', password: 'wrong-again' });
      expect(blocked.status).to.equal(429);
      expect(blocked.body.error).to.match(/^Too many failed login attempts\. Try again in \d+ minute\(s\)\.$/);
      expect(Number(blocked.headers.get('retry-after'))).to.be.greaterThan(0);
      const right = await c.post('/api/auth/login', { email: 'target@example.test', password: 'password123' });
      expect(right.status).to.equal(429);
      // Another account from the same address is not locked out by this one.
      await makeUser({ email: 'other@example.test' });
      expect((await c.post('/api/auth/login', { email: 'other@example.test', password: 'password123' })).status).to.equal(200);
    });

    it('issues a fresh session id at login (no session fixation)', async () => {
      const a = await makeUser();
      const b = await makeUser();
      const c = srv.client();
      const first = await c.login(a.email);
      const firstSid = first.headers.getSetCookie().find((h) => h.startsWith('tt.sid='))!.split(';')[0];
      const second = await c.login(b.email);
      const secondSid = second.headers.getSetCookie().find((h) => h.startsWith('tt.sid='))!.split(';')[0];
      expect(secondSid).not.to.equal(firstSid);
      // The old id no longer opens any session.
      const stale = srv.client();
      const sig = first.headers.getSetCookie().find((h) => h.startsWith('tt.sid.sig='))!.split(';')[0];
      const res = await stale.get('/api/auth/me', { headers: { Cookie: `${firstSid}; ${sig}` } });
      expect(res.status).to.equal(401);
    });
  });

  describe('sessions', () => {
    it('reuses the session across requests (GET /api/auth/me, GET /api/me)', async () => {
      const user = await makeUser({ full_name: 'Dora D' });
      const c = srv.client();
      await c.login(user.email);
      const me = await c.get('/api/auth/me');
      expect(me.status).to.equal(200);
      expect(me.body.user).to.include({ id: user.id, email: user.email, display_name: 'Dora D', role: 'user' });
      expect(me.body.user).not.to.have.property('password_hash');
      expect((await c.get('/api/me')).body.user.id).to.equal(user.id);
    });

    it('POST /api/auth/logout ends the session', async () => {
      const user = await makeUser();
      const c = srv.client();
      await c.login(user.email);
      const cookie = c.cookieHeader;
      const out = await c.post('/api/auth/logout');
      expect(out.body).to.deep.equal({ ok: true });
      expect((await c.get('/api/auth/me')).status).to.equal(401);
      // Replaying the old cookie does not bring the session back.
      const replay = await srv.client().get('/api/me', { headers: { Cookie: cookie } });
      expect(replay.status).to.equal(401);
    });

    it('a deactivated user cannot use an existing session', async () => {
      const user = await makeUser();
      const c = srv.client();
      await c.login(user.email);
      await User.update({ is_active: false }, { where: { id: user.id } });
      const res = await c.get('/api/me');
      expect(res.status).to.equal(401);
      expect(res.body).to.deep.equal({ ok: false, error: 'Authentication required' });
    });

    it('a role change takes effect on the next request', async () => {
      const admin = await makeAdmin();
      const c = srv.client();
      await c.login(admin.email);
      await StandaloneUser.update({ role: 'user' }, { where: { id: admin.id } });
      const res = await c.post('/api/users', { username: 'x1', email: 'x1@example.test', password: 'password123' });
      expect(res.status).to.equal(403);
    });
  });

  describe('401 and 403', () => {
    it('answers 401 "Authentication required" without a session', async () => {
      for (const [method, path] of [
        ['GET', '/api/me'],
        ['GET', '/api/auth/me'],
        ['GET', '/api/projects'],
        ['GET', '/api/tasks'],
        ['POST', '/api/timer/start'],
        ['GET', '/api/timer/status'],
        ['GET', '/api/time-entries'],
        ['GET', '/api/summary/today'],
        ['POST', '/api/users'],
      ] as const) {
        const res = await srv.client().request(method, path, method === 'POST' ? { json: {} } : {});
        expect(res.status, `${method} ${path}`).to.equal(401);
        expect(res.body).to.deep.equal({ ok: false, error: 'Authentication required' });
      }
    });

    it('answers 403 "Admin only" when a user calls POST /api/users', async () => {
      const user = await makeUser();
      const c = srv.client();
      await c.login(user.email);
      const res = await c.post('/api/users', { username: 'mallory', email: 'm@example.test', password: 'password123', role: 'admin' });
      expect(res.status).to.equal(403);
      expect(res.body).to.deep.equal({ ok: false, error: 'Admin only' });
      expect(await User.count({ where: { username: 'mallory' } })).to.equal(0);
    });
  });

  describe('cross-site request forgery', () => {
    async function loggedInMember() {
      const user = await makeUser();
      const project = await makeProject({ members: [user] });
      const c = srv.client();
      await c.login(user.email);
      return { user, project, c };
    }

    it('refuses a form body (application/x-www-form-urlencoded) with 415 and changes nothing', async () => {
      const { project, c } = await loggedInMember();
      const res = await c.request('POST', '/api/timer/start', {
        body: `project_id=${project.id}`,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status).to.equal(415);
      expect(res.body.error).to.match(/JSON/);
      expect(await TimeEntry.count()).to.equal(0);
    });

    it('refuses text/plain and multipart bodies with 415 and changes nothing', async () => {
      const { project, c } = await loggedInMember();
      const plain = await c.request('POST', '/api/timer/start', {
        body: JSON.stringify({ project_id: project.id }),
        headers: { 'Content-Type': 'text/plain' },
      });
      expect(plain.status).to.equal(415);
      const multipart = await c.request('POST', '/api/timer/start', {
        body: `--x\r\nContent-Disposition: form-data; name="project_id"\r\n\r\n${project.id}\r\n--x--\r\n`,
        headers: { 'Content-Type': 'multipart/form-data; boundary=x' },
      });
      expect(multipart.status).to.equal(415);
      expect(await TimeEntry.count()).to.equal(0);
    });

    it('refuses a foreign Origin with 403 and changes nothing', async () => {
      const { project, c } = await loggedInMember();
      const res = await c.post('/api/timer/start', { project_id: project.id }, { headers: { Origin: 'https://evil.example' } });
      expect(res.status).to.equal(403);
      expect(res.body).to.deep.equal({ ok: false, error: 'Cross-origin request refused' });
      const site = await c.post('/api/timer/start', { project_id: project.id }, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
      expect(site.status).to.equal(403);
      expect(await TimeEntry.count()).to.equal(0);
      const logout = await c.post('/api/auth/logout', {}, { headers: { Origin: 'https://evil.example' } });
      expect(logout.status).to.equal(403);
      expect((await c.get('/api/me')).status).to.equal(200);
    });

    it('accepts the same origin, and a body-less POST', async () => {
      const { project, c } = await loggedInMember();
      const start = await c.post('/api/timer/start', { project_id: project.id }, { headers: { Origin: srv.url } });
      expect(start.status).to.equal(201);
      const stop = await c.request('POST', '/api/timer/stop', { headers: { Origin: srv.url } });
      expect(stop.status).to.equal(200);
    });

    it('also guards login: a cross-site form cannot log a victim in', async () => {
      const user = await makeUser();
      const form = await srv.client().request('POST', '/api/auth/login', {
        body: `email=${encodeURIComponent(user.email)}&password=password123`,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status).to.equal(415);
      const foreign = await srv.client().post('/api/auth/login', { email: user.email, password: 'password123' }, { headers: { Origin: 'https://evil.example' } });
      expect(foreign.status).to.equal(403);
    });
  });

  describe('behind https (BASE_URL https://…)', () => {
    let https: TestServer;
    before(async () => {
      https = await startTestServer({ env: { BASE_URL: 'https://tt.example.com' } });
    });
    after(async () => https.close());

    it('marks the session cookie Secure when the proxy reports https', async () => {
      const user = await makeUser();
      const res = await https.client().post(
        '/api/auth/login',
        { email: user.email, password: 'password123' },
        { headers: { 'X-Forwarded-Proto': 'https', Origin: 'https://tt.example.com' } },
      );
      expect(res.status).to.equal(200);
      expect(res.headers.getSetCookie().find((h) => h.startsWith('tt.sid='))).to.match(/;\s*secure/i);
    });
  });
});
