import { expect } from 'chai';
import { makeUser } from '../factories.js';
import { loginAs, startTestServer, type TestServer } from '../support/server.js';

describe('sessions across instances', () => {
  let one: TestServer;
  let two: TestServer;
  before(async () => {
    one = await startTestServer();
    two = await startTestServer();
  });
  after(async () => {
    await one.close();
    await two.close();
  });

  it('a session created on one instance works on another (PostgreSQL session store)', async () => {
    const user = await makeUser();
    const c1 = await loginAs(one, user);
    const me = await two.client().get('/api/auth/me', { headers: { Cookie: c1.cookieHeader } });
    expect(me.status).to.equal(200);
    expect(me.body.user.id).to.equal(user.id);
    expect((await two.client().get('/admin', { headers: { Cookie: c1.cookieHeader } })).status).to.equal(200);
  });

  it('a logout on one instance ends the session on the other', async () => {
    const user = await makeUser();
    const c1 = await loginAs(one, user);
    const cookie = c1.cookieHeader;
    await c1.post('/api/auth/logout');
    expect((await two.client().get('/api/auth/me', { headers: { Cookie: cookie } })).status).to.equal(401);
  });

  it('a forged (unsigned) session cookie is ignored', async () => {
    const user = await makeUser();
    const c1 = await loginAs(one, user);
    const sid = c1.cookieHeader.split('; ').find((p) => p.startsWith('tt.sid='))!;
    expect((await two.client().get('/api/auth/me', { headers: { Cookie: sid } })).status).to.equal(401);
  });
});
