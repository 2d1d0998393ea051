// `npm start` end to end, as a child process: first start prints the admin login, the server
// answers, SIGTERM shuts down cleanly; a failed start (port in use) exits 1 and stops the embedded
// database; a start after a crash (SIGKILL) recovers the embedded database.
import { expect } from 'chai';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../src/db/embedded.js';
import { spawnTsx, type Child } from './support/child.js';
import { createFreshDb, type FreshDb } from './support/freshDb.js';

type Started = Child;
const start = (env: Record<string, string>): Started => spawnTsx('src/main.ts', [], { LOG_LEVEL: 'warn', ...env });

async function waitFor(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start (src/main.ts)', function () {
  this.timeout(120_000);
  let tmp: string;
  let children: Started[];
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-main-'));
    fs.chmodSync(tmp, 0o755);
    children = [];
  });
  afterEach(async () => {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  describe('with DATABASE_URL', () => {
    let db: FreshDb;
    beforeEach(async () => {
      db = await createFreshDb();
    });
    afterEach(async () => db.drop());

    it('prints the first admin login, serves the API and /admin, and stops on SIGTERM', async () => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const s = start({ DATABASE_URL: db.url, PORT: String(port), BASE_URL: base, DATA_DIR: path.join(tmp, 'data') });
      children.push(s);
      await waitFor(() => s.out().includes('password:') || s.child.exitCode !== null, 'the admin login');
      expect(s.out()).to.include(`TimeTracker is running at ${base}`).and.include('email:    admin@localhost');
      const password = /password: (\S+)/.exec(s.out())![1];
      const file = path.join(tmp, 'data', 'admin-password');
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      expect(fs.readFileSync(file, 'utf8')).to.include(password);

      expect((await fetch(`${base}/readyz`)).status).to.equal(200);
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'admin@localhost', password }),
      });
      expect(login.status).to.equal(200);
      expect((await login.json()).user.role).to.equal('admin');
      const adminPage = await fetch(`${base}/admin/login`);
      expect(adminPage.status).to.equal(200);

      s.child.kill('SIGTERM');
      expect(await s.exited).to.equal(0);

      // Second start: nothing new to print about the admin.
      const again = start({ DATABASE_URL: db.url, PORT: String(port), BASE_URL: base, DATA_DIR: path.join(tmp, 'data'), JOBS_ENABLED: 'false' });
      children.push(again);
      await waitFor(() => again.out().includes('TimeTracker is running') || again.child.exitCode !== null, 'the second start');
      expect(again.out()).not.to.include('password:');
      again.child.kill('SIGINT');
      expect(await again.exited).to.equal(0);
    });

    it('exits 1 with every configuration problem listed', async () => {
      const s = start({ DATABASE_URL: db.url, PORT: 'abc', NODE_ENV: 'production' });
      children.push(s);
      expect(await s.exited).to.equal(1);
      expect(s.err()).to.include('Invalid configuration').and.include('PORT').and.include('SESSION_SECRET').and.include('SETTINGS_ENCRYPTION_KEY');
    });
  });

  describe('with the embedded database', () => {
    it('a failed start (port in use) exits 1 and leaves no PostgreSQL running', async () => {
      const blocker = net.createServer();
      await new Promise<void>((r) => blocker.listen(0, '0.0.0.0', () => r()));
      const port = (blocker.address() as net.AddressInfo).port;
      try {
        const s = start({ PORT: String(port), DATA_DIR: path.join(tmp, 'data') });
        children.push(s);
        expect(await s.exited).to.equal(1);
        expect(s.err()).to.include('TimeTracker failed to start').and.include('EADDRINUSE');
        expect(fs.existsSync(path.join(tmp, 'data', 'postgres', 'pg', 'postmaster.pid'))).to.equal(false);
      } finally {
        blocker.close();
      }
    });

    it('refuses a second server on the same data directory, and starts again after a crash (stale postmaster)', async () => {
      const port = await freePort();
      const env = { PORT: String(port), BASE_URL: `http://127.0.0.1:${port}`, DATA_DIR: path.join(tmp, 'data'), JOBS_ENABLED: 'false' };
      const first = start(env);
      children.push(first);
      await waitFor(() => first.out().includes('TimeTracker is running') || first.child.exitCode !== null, 'the first start');

      // A second process on the same data directory is refused and leaves the running one alone.
      const cli = start({ DATA_DIR: env.DATA_DIR, PORT: String(await freePort()) });
      children.push(cli);
      expect(await cli.exited).to.equal(1);
      expect(cli.err()).to.include('is in use by another running process');
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).to.equal(200);

      first.child.kill('SIGKILL');
      await first.exited;
      expect(fs.existsSync(path.join(tmp, 'data', 'postgres', 'pg', 'postmaster.pid'))).to.equal(true);

      const second = start(env);
      children.push(second);
      await waitFor(() => second.out().includes('TimeTracker is running') || second.child.exitCode !== null, 'the restart');
      expect(second.out(), second.err()).to.include('TimeTracker is running');
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).to.equal(200);
      second.child.kill('SIGTERM');
      expect(await second.exited).to.equal(0);
      expect(fs.existsSync(path.join(tmp, 'data', 'postgres', 'pg', 'postmaster.pid'))).to.equal(false);
    });
  });
});
