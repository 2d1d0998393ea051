// The real app, in-process, on a loopback port, with a cookie-keeping client.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { events } from '../../src/events.js';
import { connectors as allConnectors } from '../../src/integrations/index.js';
import type { ConnectorDescriptor } from '../../src/integrations/types.js';
import type { TimeTrackerPlugin } from '../../src/plugin/index.js';
import { testDb } from './db.js';

export const TEST_SESSION_SECRET = 'test-session-secret-that-is-long-enough-0123456789';

export interface TestServer {
  url: string;
  config: Readonly<Config>;
  server: http.Server;
  /** The TimeTracker plugin the app mounted (its public API). */
  tt: TimeTrackerPlugin;
  client(): TestClient;
  close(): Promise<void>;
}

/** Starts the app. `env` overrides environment variables (e.g. GOOGLE_CLIENT_ID). */
export async function startTestServer(opts: { env?: Record<string, string>; connectors?: readonly ConnectorDescriptor[] } = {}): Promise<TestServer> {
  const { sequelize, encryptionKey } = await testDb();
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const config = loadConfig({ NODE_ENV: 'test', BASE_URL: `http://127.0.0.1:${port}`, JOBS_ENABLED: 'false', ...opts.env });
  const connectors = opts.connectors ?? allConnectors;
  events.clear();
  for (const c of connectors) c.subscribe?.(events, { config, sequelize });
  const { app, tt } = await createApp({ config, sequelize, sessionSecret: TEST_SESSION_SECRET, encryptionKeys: [encryptionKey], connectors });
  server.on('request', app.callback());
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    config,
    server,
    tt,
    client: () => new TestClient(url),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      events.clear();
    },
  };
}

/**
 * Starts the app before the tests of the enclosing describe block and closes it after them. The
 * returned object reads through to that server (use it inside hooks and tests, not at describe time).
 */
export function useTestServer(opts: Parameters<typeof startTestServer>[0] = {}): TestServer {
  let current: TestServer | undefined;
  before(async () => {
    current = await startTestServer(opts);
  });
  after(async () => {
    await current?.close();
    current = undefined;
  });
  const get = (): TestServer => {
    if (!current) throw new Error('useTestServer(): the server starts in before(); use it inside hooks and tests');
    return current;
  };
  return {
    get url() {
      return get().url;
    },
    get config() {
      return get().config;
    },
    get server() {
      return get().server;
    },
    get tt() {
      return get().tt;
    },
    client: () => get().client(),
    close: () => get().close(),
  };
}

import { TestClient } from './client.js';

export { TestClient };
export type { RequestOptions, TestResponse } from './client.js';

/** A client of `srv` already logged in as `user` (password "password123"). */
export async function loginAs(srv: TestServer, user: { email: string }): Promise<TestClient> {
  const c = srv.client();
  await c.login(user.email);
  return c;
}
