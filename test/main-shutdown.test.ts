// How `npm start` ends: SIGTERM/SIGINT sent to npm (what systemd, Docker and process managers
// signal) stop the server and its embedded PostgreSQL within 10 s after finishing in-flight
// requests; a server whose parent died stops too; an exception outside any request stops the
// server gracefully with exit code 1, while a stray promise rejection is only logged.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { descendants, cmdline, REPO_ROOT } from '../bench/lib/proc.js';
import { freePort } from '../src/db/embedded.js';
import { spawnTsx } from './support/child.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitFor(cond: () => boolean, what: string, ms: number): Promise<number> {
  const started = Date.now();
  while (!cond()) {
    if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
}

interface Started {
  child: ChildProcess;
  out: () => string;
  port: number;
  dataDir: string;
}

function postmasterPid(dataDir: string): number {
  return Number(fs.readFileSync(path.join(dataDir, 'postgres', 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/** The server's own node process below npm (npm → node, as `exec` in the start script leaves it). */
function serverPid(npmPid: number): number {
  const pid = descendants(npmPid).find((p) => cmdline(p).includes('src/main.ts'));
  if (!pid) throw new Error(`no server process below npm (${npmPid})`);
  return pid;
}

describe('stopping the server (npm start, src/main.ts)', function () {
  this.timeout(120_000);
  let tmp: string;
  const children: ChildProcess[] = [];
  const pids: number[] = [];

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-stop-'));
    fs.chmodSync(tmp, 0o755);
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const p of pids.splice(0)) if (alive(p)) process.kill(p, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 200));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function npmStart(): Promise<Started> {
    const port = await freePort();
    const dataDir = path.join(tmp, 'data');
    const child = spawn('npm', ['start'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), NODE_ENV: 'development', PORT: String(port), BASE_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir, LOG_LEVEL: 'warn', JOBS_ENABLED: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    await waitFor(() => out.includes('TimeTracker is running') || child.exitCode !== null, 'npm start', 90_000);
    expect(out, out).to.include('TimeTracker is running');
    return { child, out: () => out, port, dataDir };
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} to npm finishes an in-flight request, then stops the server and its PostgreSQL within 10 s`, async () => {
      const s = await npmStart();
      const node = serverPid(s.child.pid!);
      const pg = postmasterPid(s.dataDir);
      pids.push(node, pg);

      // A request whose body is still arriving when the signal comes.
      const body = JSON.stringify({ email: 'nobody@example.test', password: 'not-the-password' });
      const socket = net.connect(s.port, '127.0.0.1');
      let answer = '';
      socket.on('data', (d) => (answer += d));
      await new Promise((r) => socket.once('connect', r));
      socket.write(`POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
      await new Promise((r) => setTimeout(r, 200));

      const signalled = Date.now();
      s.child.kill(signal);
      await new Promise((r) => setTimeout(r, 500));
      socket.write(body.slice(10)); // no FIN: a half-closed client has hung up for Node's HTTP server
      await new Promise((r) => socket.once('close', r));
      expect(answer, 'the in-flight request got its answer').to.match(/^HTTP\/1\.1 401 /);

      await waitFor(() => !alive(node) && !alive(pg) && s.child.exitCode !== null, 'npm, the server and PostgreSQL to exit', 10_000);
      expect(Date.now() - signalled).to.be.below(10_000);
      expect(fs.existsSync(path.join(s.dataDir, 'postgres', 'pg', 'postmaster.pid'))).to.equal(false);
    });
  }

  it('a server whose parent is killed outright (SIGKILL to npm) stops and leaves no PostgreSQL behind', async () => {
    const s = await npmStart();
    const node = serverPid(s.child.pid!);
    const pg = postmasterPid(s.dataDir);
    pids.push(node, pg);
    s.child.kill('SIGKILL');
    const ms = await waitFor(() => !alive(node) && !alive(pg), 'the orphaned server and PostgreSQL to exit', 10_000);
    expect(ms).to.be.below(10_000);
    await fetch(`http://127.0.0.1:${s.port}/healthz`).then(
      () => expect.fail('an orphan still answers'),
      () => undefined,
    );
  });

  describe('errors that escape every handler', () => {
    async function startEscape(mode: 'exception' | 'rejection') {
      const port = await freePort();
      const dataDir = path.join(tmp, 'data');
      const c = spawnTsx('test/fixtures/escape.ts', [], { PORT: String(port), BASE_URL: `http://127.0.0.1:${port}`, DATA_DIR: dataDir, LOG_LEVEL: 'warn', JOBS_ENABLED: 'false', ESCAPE: mode });
      children.push(c.child);
      await waitFor(() => c.out().includes('TimeTracker is running') || c.child.exitCode !== null, 'the server', 90_000);
      const pg = postmasterPid(dataDir);
      pids.push(pg);
      return { ...c, port, dataDir, pg };
    }

    it('an exception outside any request is fatal: logged, graceful stop, exit 1, PostgreSQL stopped', async () => {
      const s = await startEscape('exception');
      s.child.kill('SIGUSR2');
      expect(await s.exited).to.equal(1);
      const log = s.out() + s.err();
      expect(log).to.include('uncaught exception outside any request').and.include('escaped exception (test)');
      await waitFor(() => !alive(s.pg), 'PostgreSQL to stop', 10_000);
      expect(fs.existsSync(path.join(s.dataDir, 'postgres', 'pg', 'postmaster.pid')), 'PostgreSQL was stopped, not killed').to.equal(false);
    });

    it('a promise rejection outside any request is logged and the server keeps serving', async () => {
      const s = await startEscape('rejection');
      s.child.kill('SIGUSR2');
      await waitFor(() => (s.out() + s.err()).includes('escaped rejection (test)'), 'the log line', 10_000);
      expect(s.out() + s.err()).to.include('background work failed');
      expect((await fetch(`http://127.0.0.1:${s.port}/healthz`)).status).to.equal(200);
      expect(s.child.exitCode).to.equal(null);
      s.child.kill('SIGTERM');
      expect(await s.exited).to.equal(0);
    });
  });
});
