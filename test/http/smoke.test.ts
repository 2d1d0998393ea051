import { expect } from 'chai';
import { makeAdmin, makeProject } from '../factories.js';
import { useTestServer } from '../support/server.js';

describe('smoke: the app in-process', () => {
  const srv = useTestServer();

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
