// The real app, in-process, on a loopback port, with a cookie-keeping client.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { events } from '../../src/events.js';
import { connectors as allConnectors } from '../../src/integrations/index.js';
import type { ConnectorDescriptor } from '../../src/integrations/types.js';
import { testDb } from './db.js';

export const TEST_SESSION_SECRET = 'test-session-secret-that-is-long-enough-0123456789';

export interface TestServer {
  url: string;
  config: Readonly<Config>;
  server: http.Server;
  client(): TestClient;
  close(): Promise<void>;
}

/** Starts the app. `env` overrides environment variables (e.g. GOOGLE_CLIENT_ID). */
export async function startTestServer(opts: { env?: Record<string, string>; connectors?: readonly ConnectorDescriptor[] } = {}): Promise<TestServer> {
  const { sequelize } = await testDb();
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const config = loadConfig({ NODE_ENV: 'test', BASE_URL: `http://127.0.0.1:${port}`, JOBS_ENABLED: 'false', ...opts.env });
  const connectors = opts.connectors ?? allConnectors;
  events.clear();
  for (const c of connectors) c.subscribe?.(events, { config, sequelize });
  const { app } = await createApp({ config, sequelize, sessionSecret: TEST_SESSION_SECRET, connectors });
  server.on('request', app.callback());
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    config,
    server,
    client: () => new TestClient(url),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      events.clear();
    },
  };
}

export interface TestResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

export interface RequestOptions {
  json?: unknown;
  body?: string | Buffer;
  headers?: Record<string, string>;
  redirect?: 'manual' | 'follow';
}

/** fetch with a cookie jar. JSON bodies get Content-Type application/json. */
export class TestClient {
  private cookies = new Map<string, string>();
  constructor(readonly baseUrl: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.cookies.size) headers.Cookie = this.cookieHeader;
    let body: string | Buffer | undefined = opts.body;
    if (opts.json !== undefined) {
      headers['Content-Type'] ??= 'application/json';
      body = JSON.stringify(opts.json);
    }
    const res = await fetch(this.baseUrl + path, { method, headers, body: body as unknown as BodyInit | undefined, redirect: opts.redirect ?? 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed as T, text, headers: res.headers };
  }

  get<T = any>(path: string, opts?: RequestOptions) {
    return this.request<T>('GET', path, opts);
  }
  post<T = any>(path: string, json?: unknown, opts: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...opts, json: json ?? opts.json });
  }
  patch<T = any>(path: string, json?: unknown, opts: RequestOptions = {}) {
    return this.request<T>('PATCH', path, { ...opts, json });
  }
  delete<T = any>(path: string, opts?: RequestOptions) {
    return this.request<T>('DELETE', path, opts);
  }

  async login(email: string, password = 'password123'): Promise<TestResponse> {
    const res = await this.post('/api/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`login failed for ${email}: ${res.status} ${res.text}`);
    return res;
  }
}

/** A client of `srv` already logged in as `user` (password "password123"). */
export async function loginAs(srv: TestServer, user: { email: string }): Promise<TestClient> {
  const c = srv.client();
  await c.login(user.email);
  return c;
}
