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
        remind_after_hours: 4,
        auto_stop_after_hours: 10,
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

  describe('runaway-timer settings', () => {
    it('PATCH sets remind_after_hours and auto_stop_after_hours (0 = never) and GET shows them', async () => {
      const user = await makeUser();
      const c = await loginAs(srv, user);
      const res = await c.patch('/api/me', { remind_after_hours: 2, auto_stop_after_hours: 8 });
      expect(res.status).to.equal(200);
      expect(res.body.user).to.include({ remind_after_hours: 2, auto_stop_after_hours: 8 });
      expect((await User.findByPk(user.id))!).to.include({ remind_after_hours: 2, auto_stop_after_hours: 8 });
      const never = await c.patch('/api/me', { remind_after_hours: 30, auto_stop_after_hours: 0 });
      expect(never.status).to.equal(200);
      expect((await c.get('/api/me')).body.user).to.include({ remind_after_hours: 30, auto_stop_after_hours: 0 });
    });

    it('reports every invalid field at once (400) and changes nothing', async () => {
      const user = await makeUser();
      const c = await loginAs(srv, user);
      const res = await c.patch('/api/me', { remind_after_hours: 0, auto_stop_after_hours: 'ten', timezone: 'Mars/Olympus', full_name: 'Changed' });
      expect(res.status).to.equal(400);
      expect(res.body.fields).to.deep.equal({
        remind_after_hours: 'must be at least 1',
        auto_stop_after_hours: 'must be a number',
        timezone: 'unknown time zone (use an IANA name such as Europe/Berlin)',
      });
      expect((await c.patch('/api/me', { remind_after_hours: 1.5 })).body).to.deep.equal(refused('remind_after_hours: must be a whole number of hours'));
      expect((await c.patch('/api/me', { auto_stop_after_hours: 73 })).body).to.deep.equal(refused('auto_stop_after_hours: must be at most 72'));
      expect((await c.patch('/api/me', { auto_stop_after_hours: -1 })).body.fields).to.deep.equal({ auto_stop_after_hours: 'must be at least 0' });
      const fresh = (await User.findByPk(user.id))!;
      expect(fresh).to.include({ remind_after_hours: 4, auto_stop_after_hours: 10, full_name: null, timezone: 'UTC' });
    });

    it('refuses a reminder at or after the auto-stop, also against the stored value, unless auto-stop is 0', async () => {
      const user = await makeUser();
      const c = await loginAs(srv, user);
      const rule = refused('remind_after_hours: must be below auto_stop_after_hours (10), or set auto-stop to 0 (never)');
      expect((await c.patch('/api/me', { remind_after_hours: 10 })).body).to.deep.equal(rule);
      const lowered = await c.patch('/api/me', { auto_stop_after_hours: 3 });
      expect(lowered.status).to.equal(400);
      expect(lowered.body.error).to.equal('remind_after_hours: must be below auto_stop_after_hours (3), or set auto-stop to 0 (never)');
      expect((await User.findByPk(user.id))!).to.include({ remind_after_hours: 4, auto_stop_after_hours: 10 });
      expect((await c.patch('/api/me', { remind_after_hours: 2, auto_stop_after_hours: 3 })).status).to.equal(200);
    });
  });
});
