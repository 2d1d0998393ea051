import { expect } from 'chai';
import { makeAdmin, makeProject } from '../factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('smoke: the app in-process', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => srv.close());

  it('logs in and runs a timer through the API', async () => {
    const admin = await makeAdmin();
    const project = await makeProject();
    const c = srv.client();
    await c.login(admin.email);
    const start = await c.post('/api/timer/start', { project_id: project.id });
    expect(start.status).to.equal(201);
    const status = await c.get('/api/timer/status');
    expect(status.body).to.include({ ok: true, active: true });
  });
});
