import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { freePort } from '../../src/db/embedded.js';
import { createSequelize } from '../../src/db/sequelize.js';
import { startTestServer, TEST_SESSION_SECRET, type TestServer } from '../support/server.js';

describe('GET /healthz and /readyz', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer();
  });
  after(async () => srv.close());

  it('/healthz answers {ok:true} without login', async () => {
    const res = await srv.client().get('/healthz');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ ok: true });
  });

  it('/readyz answers 200 when the database answers', async () => {
    const res = await srv.client().get('/readyz');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ ok: true });
  });

  it('/readyz answers 503 when the database is unreachable', async () => {
    const port = await freePort();
    const sequelize = createSequelize(`postgres://nobody:nothing@127.0.0.1:${port}/none`);
    const config = loadConfig({ NODE_ENV: 'test', JOBS_ENABLED: 'false' });
    const { app } = await createApp({ config, sequelize, sessionSecret: TEST_SESSION_SECRET, connectors: [] });
    const server = http.createServer(app.callback());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).to.equal(503);
      expect(await ready.json()).to.deep.equal({ ok: false, error: 'Database unavailable' });
      expect((await fetch(`${base}/healthz`)).status).to.equal(200);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await sequelize.close();
    }
  });

  it('/readyz answers 503 while shutting down', async () => {
    const { sequelize } = await import('../support/db.js').then((m) => m.testDb());
    const config = loadConfig({ NODE_ENV: 'test', JOBS_ENABLED: 'false' });
    const { app } = await createApp({ config, sequelize, sessionSecret: TEST_SESSION_SECRET, connectors: [], isShuttingDown: () => true });
    const server = http.createServer(app.callback());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
      expect(res.status).to.equal(503);
      expect(await res.json()).to.deep.equal({ ok: false, error: 'Shutting down' });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
