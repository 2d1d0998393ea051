// A fourth connector, defined in test/integrations/fourth/ through src/integrations/api.ts only,
// joins the app by being added to the connector list: no other file changes.
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { connectors } from '../../src/integrations/index.js';
import { coreJobs, Scheduler } from '../../src/jobs/scheduler.js';
import { Integration, TimeEntry } from '../../src/models/index.js';
import { makeAdmin, makeProject, makeUser } from '../factories.js';
import { testDb } from '../support/db.js';
import { loginAs, useTestServer } from '../support/server.js';
import { fourthConnector } from './fourth/index.js';
import { sign } from './fourth/verifySignature.js';

const all = [...connectors, fourthConnector];
const SECRET = 'fourth-webhook-secret-0123456789';

describe('a fourth connector added to the list', () => {
  const srv = useTestServer({ connectors: all });
  before(async () => {
    // Its own table, through the public API: applied after TimeTracker's, logged by slug.
    await srv.tt.migrate();
  });

  async function configured() {
    const user = await makeUser();
    const c = await loginAs(srv, user);
    const saved = await c.post('/api/integrations/fourth/config', { webhook_secret: SECRET, label: 'mine' });
    expect(saved.status, saved.text).to.equal(200);
    return { user, c };
  }

  describe('GET /api/integrations', () => {
    it('lists it after the built-in connectors, with its card component', async () => {
      const c = await loginAs(srv, await makeUser());
      const res = await c.get('/api/integrations');
      expect(res.status).to.equal(200);
      expect(res.body.connectors.map((x: { slug: string }) => x.slug)).to.deep.equal(['github', 'google', 'slack', 'fourth']);
      expect(res.body.connectors[3]).to.deep.equal({ slug: 'fourth', title: 'Fourth', provider: 'fourth_connector', card: 'FourthCard', test_label: 'Test connection' });
    });

    it('requires a login', async () => {
      expect((await srv.client().get('/api/integrations')).status).to.equal(401);
    });
  });

  describe('its uniform routes', () => {
    it('saves the config (secret sealed, shown only as set) and answers its status', async () => {
      const { user, c } = await configured();
      const status = await c.get('/api/integrations/fourth/status');
      expect(status.body).to.include({ ok: true, connected: true, has_webhook_secret: true, label: 'mine', state: 'not_verified' });
      expect(status.text).to.not.include(SECRET);
      const row = (await Integration.findOne({ where: { provider: 'fourth_connector', user_id: user.id } }))!;
      expect(row.name).to.equal('Fourth');
      expect(String(row.config.webhook_secret)).to.match(/^nacl:v1:/);
    });

    it('records its connection test on the row', async () => {
      const { user, c } = await configured();
      const test = await c.post('/api/integrations/fourth/test');
      expect(test.body).to.include({ ok: true, message: 'Fourth: the webhook secret is set' });
      const row = (await Integration.findOne({ where: { provider: 'fourth_connector', user_id: user.id } }))!;
      expect(row.last_success_at).to.be.instanceOf(Date);
      expect((await c.get('/api/integrations/fourth/status')).body.state).to.equal('connected');
    });
  });

  describe('POST /api/integrations/fourth/webhook', () => {
    it('accepts a correctly signed delivery and counts it as a use', async () => {
      const { user } = await configured();
      const body = JSON.stringify({ hello: 'fourth' });
      const res = await srv.client().post('/api/integrations/fourth/webhook', undefined, {
        body, headers: { 'Content-Type': 'application/json', 'X-Fourth-User': String(user.id), 'X-Fourth-Signature': sign(SECRET, body) },
      });
      expect(res.status, res.text).to.equal(200);
      expect(res.body).to.deep.equal({ ok: true, received: body.length });
      const row = (await Integration.findOne({ where: { provider: 'fourth_connector', user_id: user.id } }))!;
      expect(row.last_success_at).to.be.instanceOf(Date);
      const [stored] = await row.sequelize.query('SELECT integration_id, bytes FROM fourth_deliveries', { type: QueryTypes.SELECT });
      expect(stored).to.deep.equal({ integration_id: row.id, bytes: body.length });
      const logged = await row.sequelize.query("SELECT name FROM timetracker_migrations WHERE name LIKE 'fourth/%'", { type: QueryTypes.SELECT });
      expect(logged).to.deep.equal([{ name: 'fourth/0001-deliveries' }]);
    });

    it('rejects a wrongly signed delivery with 401', async () => {
      const { user } = await configured();
      const body = JSON.stringify({ hello: 'fourth' });
      const res = await srv.client().post('/api/integrations/fourth/webhook', undefined, {
        body, headers: { 'Content-Type': 'application/json', 'X-Fourth-User': String(user.id), 'X-Fourth-Signature': sign('another-secret', body) },
      });
      expect(res.status).to.equal(401);
      expect(res.body).to.deep.equal({ ok: false, error: 'Invalid signature' });
    });
  });

  describe('the rest of the app', () => {
    it('its job is registered with the scheduler next to the others', async () => {
      const { sequelize } = await testDb();
      const scheduler = new Scheduler(sequelize);
      const deps = { config: srv.config, sequelize };
      for (const job of coreJobs(sequelize)) scheduler.register(job);
      for (const c of all) for (const job of c.jobs?.(deps) ?? []) scheduler.register(job);
      expect(scheduler.jobNames).to.include('fourth_nightly').and.include('google_calendar_sync');
    });

    it('its rows are listed in the Integrations resource, and its admin-only test is refused to the owner', async () => {
      const { user, c } = await configured();
      const list = await c.get('/admin/api/resources/integrations/actions/list');
      expect(list.status).to.equal(200);
      const rec = list.body.records.find((r: { params: { provider: string } }) => r.params.provider === 'fourth_connector');
      expect(rec.params).to.include({ user_id: user.id, health: 'not_verified' });
      expect(rec.params.config_summary).to.include('Label: mine').and.include('Webhook secret: set');
      expect(rec.params.config_summary).to.not.include(SECRET);
      const action = await c.post(`/admin/api/resources/integrations/records/${rec.id}/testConnection`);
      // AdminJS answers a forbidden action with 200 and an error notice; nothing is recorded.
      expect(action.body.notice).to.deep.include({ type: 'error' });
      expect(action.body.record.baseError.type).to.equal('ForbiddenError');
      expect((await Integration.findByPk(rec.id))!.last_success_at).to.equal(null);

      const admin = await loginAs(srv, await makeAdmin());
      const byAdmin = await admin.post(`/admin/api/resources/integrations/records/${rec.id}/testConnection`);
      expect(byAdmin.status, byAdmin.text).to.equal(200);
      expect(byAdmin.body.notice).to.deep.equal({ message: 'Fourth: the webhook secret is set', type: 'success' });
    });

    it('its time-entry source is accepted by the model', async () => {
      const user = await makeUser();
      const project = await makeProject({ members: [user] });
      const entry = await TimeEntry.create({ user_id: user.id, project_id: project.id, task_id: null, start_time: new Date(Date.now() - 60_000), end_time: new Date(), duration_seconds: 60, notes: null, source: fourthConnector.source, external_ref: null });
      expect(entry.source).to.equal('fourth');
    });

    it('the Personal connectors page is served with its card in the panel bundle', async () => {
      const c = await loginAs(srv, await makeUser());
      expect((await c.get('/admin/pages/personal-connectors')).status).to.equal(200);
      const bundle = await c.get('/admin/frontend/assets/components.bundle.js');
      expect(bundle.status).to.equal(200);
      expect(bundle.text).to.include('FourthCard').and.include('fourth-card');
    });
  });
});
