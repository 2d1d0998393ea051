import { expect } from 'chai';
import { User } from '../../../src/models/index.js';
import { makeAdmin, makeUser } from '../../factories.js';
import { loginAs, useTestServer } from '../../support/server.js';
import { refused } from '../../support/validation.js';

describe('POST /api/users', () => {
  const srv = useTestServer();

  it('lets an admin create a user who can then log in', async () => {
    const admin = await loginAs(srv, await makeAdmin());
    const res = await admin.post('/api/users', {
      username: 'NewPerson',
      email: 'New.Person@Example.test',
      password: 'a-long-password',
      timezone: 'America/New_York',
      github_username: 'newperson',
    });
    expect(res.status).to.equal(201);
    expect(res.body.user).to.include({ username: 'newperson', email: 'new.person@example.test', role: 'user', timezone: 'America/New_York', github_username: 'newperson' });
    expect(res.text).not.to.include('password');
    const login = await srv.client().post('/api/auth/login', { email: 'new.person@example.test', password: 'a-long-password' });
    expect(login.status).to.equal(200);
  });

  it('creates admins when asked', async () => {
    const admin = await loginAs(srv, await makeAdmin());
    const res = await admin.post('/api/users', { username: 'boss2', email: 'boss2@example.test', password: 'password123', role: 'admin' });
    expect(res.body.user.role).to.equal('admin');
  });

  it('rejects bad input with 400 "<field>: <reason>"', async () => {
    const admin = await loginAs(srv, await makeAdmin());
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ email: 'a@example.test', password: 'password123' }, 'username: is required'],
      [{ username: 'a', password: 'password123' }, 'email: is required'],
      [{ username: 'a', email: 'a@example.test' }, 'password: is required'],
      [{ username: 'a', email: 'not-an-email', password: 'password123' }, 'email: must be an email address'],
      [{ username: 'a', email: 'a@example.test', password: 'short' }, 'password: must be at least 8 characters'],
      [{ username: 'a b', email: 'a@example.test', password: 'password123' }, 'username: may contain letters, digits, dots, dashes and underscores'],
      [{ username: 'a', email: 'a@example.test', password: 'password123', timezone: 'Nowhere/Land' }, 'timezone: unknown time zone (use an IANA name such as Europe/Berlin)'],
    ];
    for (const [body, error] of cases) {
      const res = await admin.post('/api/users', body);
      expect(res.status, error).to.equal(400);
      expect(res.body).to.deep.equal(refused(error));
    }
    const role = await admin.post('/api/users', { username: 'a', email: 'a@example.test', password: 'password123', role: 'root' });
    expect(role.status).to.equal(400);
    expect(role.body.error).to.match(/^role: /);
    expect(await User.count()).to.equal(1);
  });

  it('answers 409 for a taken email or username', async () => {
    const admin = await loginAs(srv, await makeAdmin());
    await makeUser({ username: 'taken', email: 'taken@example.test' });
    const email = await admin.post('/api/users', { username: 'fresh', email: 'TAKEN@example.test', password: 'password123' });
    expect(email.status).to.equal(409);
    expect(email.body).to.deep.equal({ ok: false, error: 'email: already taken' });
    const username = await admin.post('/api/users', { username: 'taken', email: 'fresh@example.test', password: 'password123' });
    expect(username.status).to.equal(409);
    expect(username.body.error).to.equal('username: already taken');
  });

  it('is admin only', async () => {
    const user = await loginAs(srv, await makeUser());
    const res = await user.post('/api/users', { username: 'x', email: 'x@example.test', password: 'password123' });
    expect(res.status).to.equal(403);
    expect(res.body).to.deep.equal({ ok: false, error: 'Admin only' });
  });
});
