import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sequelize } from 'sequelize';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { freePort } from '../../src/db/embedded.js';
import { createSequelize } from '../../src/db/sequelize.js';
import { testDb } from '../support/db.js';
import { TEST_SESSION_SECRET, useTestServer } from '../support/server.js';

/** createApp() on its own database handle, served on a loopback port for the duration of `fn`. */
async function withApp(opts: { sequelize: Sequelize; isShuttingDown?: () => boolean }, fn: (base: string) => Promise<void>): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'test', JOBS_ENABLED: 'false' });
  const { app } = await createApp({ config, sessionSecret: TEST_SESSION_SECRET, encryptionKeys: [(await testDb()).encryptionKey], connectors: [], ...opts });
  const server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

describe('GET /healthz and /readyz', () => {
  const srv = useTestServer();

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
    const sequelize = createSequelize(`postgres://nobody:nothing@127.0.0.1:${await freePort()}/none`);
    try {
      await withApp({ sequelize }, async (base) => {
        const ready = await fetch(`${base}/readyz`);
        expect(ready.status).to.equal(503);
        expect(await ready.json()).to.deep.equal({ ok: false, error: 'Database unavailable' });
        expect((await fetch(`${base}/healthz`)).status).to.equal(200);
      });
    } finally {
      await sequelize.close();
    }
  });

  it('/readyz answers 503 while shutting down', async () => {
    await withApp({ sequelize: (await testDb()).sequelize, isShuttingDown: () => true }, async (base) => {
      const res = await fetch(`${base}/readyz`);
      expect(res.status).to.equal(503);
      expect(await res.json()).to.deep.equal({ ok: false, error: 'Shutting down' });
    });
  });
});
