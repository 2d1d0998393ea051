// The one error middleware: 4xx messages are shown, anything else is a generic 500 (or 503 when the
// database is down) with a reference id; no stack trace, SQL or secret ever reaches a response.
import Router from '@koa/router';
import { expect } from 'chai';
import { freePort } from '../../src/db/embedded.js';
import { createSequelize } from '../../src/db/sequelize.js';
import type { AppContextExtras, AppState } from '../../src/web/types.js';
import { githubConnector } from '../../src/integrations/github/index.js';
import type { ConnectorDescriptor } from '../../src/integrations/types.js';
import { configureLogger } from '../../src/lib/logger.js';
import { User } from '../../src/models/index.js';
import { testDb } from '../support/db.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { ConnectionError, DatabaseError } from 'sequelize';
import { isDatabaseDown } from '../../src/web/errorHandler.js';

describe('error handling', () => {
  let srv: TestServer;
  let closedDb: ReturnType<typeof createSequelize>;
  before(async () => {
    closedDb = createSequelize(`postgres://nobody:nothing@127.0.0.1:${await freePort()}/none`);
    const router = new Router<AppState, AppContextExtras>({ prefix: '/api/boom' });
    router.get('/throw', () => {
      throw new Error('SELECT password_hash FROM users WHERE token = ghp_abcdefghijklmnop');
    });
    router.get('/sql', async () => {
      await (await testDb()).sequelize.query('SELEC broken syntax FROM users');
    });
    router.get('/constraint', async () => {
      await User.create({ username: 'x', email: 'no-at-sign', password_hash: 'secret-hash-value' } as never);
    });
    router.get('/db-down', async () => {
      await closedDb.query('SELECT 1');
    });
    const boom: ConnectorDescriptor = {
      provider: 'boom_connector', slug: 'boom', title: 'Boom', secretKeys: [], source: 'boom', adminOnlyActions: [],
      card: { ...githubConnector.card, name: 'BoomCard' }, routers: () => [router],
    };
    srv = await startTestServer({ connectors: [boom] });
  });
  after(async () => {
    await srv.close();
    await closedDb.close();
  });
  afterEach(() => configureLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));

  for (const path of ['/api/boom/throw', '/api/boom/sql', '/api/boom/constraint']) {
    it(`answers a generic 500 without stack, SQL or secrets (${path})`, async () => {
      const res = await srv.client().get(path);
      expect(res.status).to.equal(500);
      expect(res.body.ok).to.equal(false);
      expect(res.body.error).to.match(/^Internal error \(reference [0-9a-f-]{36}\)$/);
      expect(Object.keys(res.body)).to.deep.equal(['ok', 'error']);
      for (const leak of ['SELECT', 'SELEC', 'INSERT', 'password_hash', 'ghp_', 'secret-hash', 'at ', '.ts:', 'users']) {
        expect(res.text).not.to.include(leak);
      }
    });
  }

  it('logs the 500 in full (with the reference id) for the operator', async () => {
    const lines: string[] = [];
    configureLogger({ level: 'error', destination: { write: (s: string) => void lines.push(s) } });
    const res = await srv.client().get('/api/boom/throw');
    const ref = /reference ([0-9a-f-]+)/.exec(res.body.error)![1];
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.requestId === ref);
    expect(logged).to.include({ msg: 'unhandled error', path: '/api/boom/throw' });
    expect(logged.err.stack).to.include('errors.test.ts');
    // Tokens are scrubbed even from the operator's log.
    expect(JSON.stringify(logged)).not.to.include('ghp_abcdefghijklmnop');
  });

  it('answers 503 with Retry-After when the database is down', async () => {
    const res = await srv.client().get('/api/boom/db-down');
    expect(res.status).to.equal(503);
    expect(res.headers.get('retry-after')).to.equal('5');
    expect(res.body).to.deep.equal({ ok: false, error: 'Service temporarily unavailable, try again shortly' });
    expect(res.text).not.to.include('127.0.0.1');
  });

  it('answers JSON 404 for an unknown API path and redirects / to /admin', async () => {
    const res = await srv.client().get('/api/nope');
    expect(res.status).to.equal(404);
    expect(res.body).to.deep.equal({ ok: false, error: 'No such endpoint: GET /api/nope' });
    const root = await srv.client().get('/');
    expect(root.status).to.equal(302);
    expect(root.headers.get('location')).to.equal('/admin');
  });

  it('answers 413 for a JSON body over 1 MB', async () => {
    const res = await srv.client().request('POST', '/api/auth/login', {
      body: JSON.stringify({ email: 'a@example.test', password: 'x'.repeat(1024 * 1024 + 10) }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).to.equal(413);
    expect(res.body.ok).to.equal(false);
    // The unread rest of the body makes the connection unusable: the server says so.
    expect(res.headers.get('connection')).to.equal('close');
  });
});

describe('isDatabaseDown: which failures answer 503 instead of 500', () => {
  const dbError = (message: string, code?: string) =>
    new DatabaseError(Object.assign(new Error(message), { sql: 'SELECT 1', parameters: {}, ...(code ? { code } : {}) }) as never);

  const cases: Array<[string, unknown, boolean]> = [
    ['a Sequelize connection error', new ConnectionError(new Error('connect ECONNREFUSED 127.0.0.1:1')), true],
    ['shutdown in progress (57P01)', dbError('terminating connection due to administrator command', '57P01'), true],
    ['starting up (57P03)', dbError('the database system is starting up', '57P03'), true],
    ['connection exception class 08', dbError('connection failure', '08006'), true],
    ['a connection dropped mid-query (no SQLSTATE)', dbError('Connection terminated unexpectedly'), true],
    ['a raw socket error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), true],
    ['a unique violation is a bug, not an outage', dbError('duplicate key value violates unique constraint', '23505'), false],
    ['an SQL error that merely mentions a connection', dbError('column "connection refused" does not exist', '42703'), false],
    ['a plain programming error', new TypeError('x is undefined'), false],
  ];
  for (const [name, err, expected] of cases) {
    it(`${expected ? '503' : '500'}: ${name}`, () => {
      expect(isDatabaseDown(err)).to.equal(expected);
    });
  }
});
