import { expect } from 'chai';
import { User } from '../../../src/models/index.js';
import { makeUser } from '../../factories.js';
import { loginAs, useTestServer } from '../../support/server.js';
import { refused } from '../../support/validation.js';

describe('GET/PATCH /api/me', () => {
  const srv = useTestServer();

  it('GET returns the own profile without secrets', async () => {
    const user = await makeUser({ username: 'erin', full_name: null, timezone: 'Europe/Berlin' });
    const c = await loginAs(srv, user);
    const res = await c.get('/api/me');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      ok: true,
      user: {
        id: user.id,
        username: 'erin',
        email: user.email,
        full_name: null,
        display_name: 'erin',
        role: 'user',
        is_active: true,
        timezone: 'Europe/Berlin',
        github_username: null,
      },
    });
  });

  it('PATCH updates full_name, timezone and github_username', async () => {
    const user = await makeUser();
    const c = await loginAs(srv, user);
    const res = await c.patch('/api/me', { full_name: 'Erin Example', timezone: 'Asia/Tokyo', github_username: 'Erin-Ex' });
    expect(res.status).to.equal(200);
    expect(res.body.user).to.include({ full_name: 'Erin Example', display_name: 'Erin Example', timezone: 'Asia/Tokyo', github_username: 'Erin-Ex' });
    await user.reload();
    expect(user).to.include({ full_name: 'Erin Example', timezone: 'Asia/Tokyo', github_username: 'Erin-Ex' });
  });

  it('PATCH with an empty github_username or null full_name clears them', async () => {
    const user = await makeUser({ github_username: 'someone', full_name: 'Some One' });
    const c = await loginAs(srv, user);
    const res = await c.patch('/api/me', { github_username: '', full_name: null });
    expect(res.body.user).to.include({ github_username: null, full_name: null });
  });

  it('PATCH rejects bad input with 400 "<field>: <reason>" and changes nothing', async () => {
    const user = await makeUser();
    const c = await loginAs(srv, user);
    const tz = await c.patch('/api/me', { timezone: 'Mars/Olympus' });
    expect(tz.status).to.equal(400);
    expect(tz.body).to.deep.equal(refused('timezone: unknown time zone (use an IANA name such as Europe/Berlin)'));
    const gh = await c.patch('/api/me', { github_username: 'not a login!' });
    expect(gh.status).to.equal(400);
    expect(gh.body.error).to.match(/^github_username: /);
    const long = await c.patch('/api/me', { full_name: 'x'.repeat(201) });
    expect(long.body.error).to.equal('full_name: must be at most 200 characters');
    const role = await c.patch('/api/me', { role: 'admin' });
    expect(role.status).to.equal(400);
    expect(role.body.error).to.equal('role: is not a known field');
    expect((await User.findByPk(user.id))!.role).to.equal('user');
    expect((await User.findByPk(user.id))!.timezone).to.equal('UTC');
  });
});
