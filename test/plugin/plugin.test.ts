// createTimeTrackerPlugin() on its own, the way a host calls it: option checking, what it hands
// the host, and a router that answers only TimeTracker's paths.
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ComponentLoader } from 'adminjs';
import Koa from 'koa';
import { DataTypes, Model } from 'sequelize';
import { createTimeTrackerPlugin, PluginOptionsError, type TimeTrackerPluginOptions } from '../../src/plugin/index.js';
import { StandaloneUser } from '../../src/standalone/user.js';
import { makeUser } from '../factories.js';
import { testDb } from '../support/db.js';

async function baseOptions(): Promise<TimeTrackerPluginOptions> {
  const { sequelize, encryptionKey } = await testDb();
  return {
    sequelize,
    componentLoader: new ComponentLoader(),
    baseUrl: 'http://127.0.0.1:1',
    encryptionKeys: [encryptionKey],
    users: { model: StandaloneUser, name: 'full_name', username: 'username', isActive: 'is_active' },
    currentUserId: () => null,
    jobs: false,
  };
}

describe('createTimeTrackerPlugin()', () => {
  it('lists every invalid option at once', async () => {
    const opts = await baseOptions();
    class Uuid extends Model {}
    Uuid.init({ id: { type: DataTypes.UUID, primaryKey: true } }, { sequelize: opts.sequelize, tableName: 'uuid_users' });
    let caught: unknown;
    try {
      await createTimeTrackerPlugin({ ...opts, baseUrl: 'not a url', encryptionKeys: ['short'], users: { model: Uuid }, currentUserId: undefined as never, connectors: { google: { clientId: 'only-id' } } });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(PluginOptionsError);
    const problems = (caught as PluginOptionsError).problems.join('\n');
    expect(problems).to.include('baseUrl: must be an absolute URL');
    expect(problems).to.include('encryptionKeys: key 1 must be base64 of exactly 32 bytes');
    expect(problems).to.include('TimeTracker needs an integer primary key');
    expect(problems).to.include('currentUserId: must be a function');
    expect(problems).to.include('connectors.google.clientId: clientId and clientSecret must be given together');
  });

  it('hands the host resources, pages, dashboard, labels and its components on the host loader', async () => {
    const opts = await baseOptions();
    const tt = await createTimeTrackerPlugin(opts);
    const ids = tt.resources.map((r) => (r.resource as { tableName: string }).tableName);
    expect(ids).to.deep.equal(['time_entries', 'projects', 'tasks', 'integrations', 'outbox_messages', 'project_members']);
    expect(Object.keys(tt.pages)).to.deep.equal(['timesheet', 'personal-connectors', 'my-profile', 'reports']);
    expect(tt.dashboard.component).to.equal('TimeTrackerDashboard');
    expect((tt.locale.translations.en.labels as Record<string, string>).time_entries).to.equal('Time entries');
    const texts = (tt.locale.translations.en.resources as Record<string, { actions: Record<string, string>; properties: Record<string, string> }>).time_entries;
    expect(texts.actions.list, 'the list page is titled by its resource').to.equal('Time entries');
    expect(texts.properties).to.include({ user_id: 'User', start_time: 'Started', duration_seconds: 'Duration' });
    expect(Object.keys(opts.componentLoader.getComponents())).to.include.members([
      'TimeTrackerDashboard', 'TimeTrackerPersonalConnectors', 'TimeTrackerDuration', 'TimeTrackerDateTime', 'GitHubCard', 'GoogleCard', 'SlackCard',
    ]);
    expect(tt.connectors.map((c) => c.slug)).to.deep.equal(['github', 'google', 'slack']);
    expect(JSON.stringify(tt.config)).not.to.include(opts.encryptionKeys[0]);
  });

  it('switches built-in connectors off', async () => {
    const tt = await createTimeTrackerPlugin({ ...(await baseOptions()), connectors: { google: { enabled: false }, slack: { enabled: false } } });
    expect(tt.connectors.map((c) => c.slug)).to.deep.equal(['github']);
  });

  it('its router answers only its own paths, asks the host who is logged in, and passes everything else on', async () => {
    const user = await makeUser();
    const asked: string[] = [];
    const tt = await createTimeTrackerPlugin({
      ...(await baseOptions()),
      currentUserId: (ctx) => {
        asked.push(ctx.path);
        return ctx.get('x-host-user') || null;
      },
    });
    const app = new Koa();
    app.use(tt.router.routes());
    app.use((ctx) => {
      ctx.body = { host: true, path: ctx.path };
    });
    const server = http.createServer(app.callback());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const host = await fetch(`${base}/api/host-things`);
      expect(await host.json()).to.deep.equal({ host: true, path: '/api/host-things' });
      const anonymous = await fetch(`${base}/api/me`);
      expect(anonymous.status).to.equal(401);
      const me = await fetch(`${base}/api/me`, { headers: { 'x-host-user': String(user.id) } });
      expect(me.status).to.equal(200);
      expect((await me.json()).user).to.include({ id: user.id, email: user.email });
      const unsigned = await fetch(`${base}/api/integrations/github/webhook`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(unsigned.status).to.equal(401);
      // The webhook answered before anybody asked the host about a session.
      expect(asked).to.deep.equal(['/api/me', '/api/me']);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
