// Real server processes for the benchmark and the reliability suite: `node --import tsx src/main.ts`
// (the same code `npm start` runs, without npm/tsx wrapper processes, so the PID is the server's).
// Output is kept line by line; stop() is SIGTERM with a bounded wait, kill() is SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

import { freePort } from '../../src/db/embedded.js';

export { freePort };

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Children still running; SIGKILLed if this process exits first, so nothing is left behind. */
const live = new Map<number, boolean>();
process.on('exit', () => {
  for (const [pid, group] of live) {
    try {
      process.kill(group ? -pid : pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});

export interface Proc {
  pid: number;
  child: ChildProcess;
  /** stdout and stderr, one entry per line, in arrival order. */
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  kill(): Promise<void>;
  output(): string;
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    /* group gone */
  }
}

async function waitGroupGone(pgid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return true;
    }
    if (Date.now() > until) return false;
    await sleep(100);
  }
}

export function spawnProc(cmd: string, args: string[], opts: { env: Record<string, string>; cwd?: string; detached?: boolean }): Proc {
  const child = spawn(cmd, args, {
    cwd: opts.cwd ?? REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  const lines: string[] = [];
  let running = true;
  if (child.pid) live.set(child.pid, opts.detached ?? false);
  for (const stream of [child.stdout!, child.stderr!]) {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
      if (lines.length > 200_000) lines.splice(0, lines.length - 100_000);
    });
    stream.on('end', () => buf && lines.push(buf));
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      running = false;
      if (!opts.detached) live.delete(child.pid!);
      resolve({ code, signal });
    });
  });
  const signalAll = (sig: NodeJS.Signals) => {
    if (!running) return;
    try {
      if (opts.detached) process.kill(-child.pid!, sig);
      else child.kill(sig);
    } catch {
      /* already gone */
    }
  };
  const waitExit = (ms: number) => Promise.race([exited.then(() => true), sleep(ms).then(() => false)]);
  return {
    pid: child.pid!,
    child,
    lines,
    exited,
    isRunning: () => running,
    async stop(graceMs = 20_000) {
      if (opts.detached) {
        // npm does not wait for its script: signal the whole group and wait until all of it is gone.
        signalGroup(child.pid!, 'SIGTERM');
        if (!(await waitGroupGone(child.pid!, graceMs))) {
          signalGroup(child.pid!, 'SIGKILL');
          await waitGroupGone(child.pid!, 5_000);
        }
        live.delete(child.pid!);
        return;
      }
      if (!running) return;
      signalAll('SIGTERM');
      if (!(await waitExit(graceMs))) {
        signalAll('SIGKILL');
        await waitExit(5_000);
      }
    },
    async kill() {
      if (opts.detached) {
        signalGroup(child.pid!, 'SIGKILL');
        await waitGroupGone(child.pid!, 5_000);
        return;
      }
      signalAll('SIGKILL');
      await waitExit(5_000);
    },
    output: () => lines.join('\n'),
  };
}

export interface ServerOptions {
  /** Use this database (otherwise embedded PostgreSQL under dataDir). */
  databaseUrl?: string;
  dataDir: string;
  port?: number;
  env?: Record<string, string>;
  /** Ready timeout for /readyz (ms). */
  readyTimeoutMs?: number;
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] for a diagnosis. */
  nodeArgs?: string[];
}

export interface ServerProc extends Proc {
  url: string;
  port: number;
  waitReady(timeoutMs?: number): Promise<number>;
}

/** Polls GET url until it answers 200; returns the elapsed ms. Throws on timeout or exit. */
export async function waitHttp200(url: string, timeoutMs: number, proc?: Proc): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (proc && !proc.isRunning()) throw new Error(`process exited before ${url} was ready:\n${proc.output().slice(-3000)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return Date.now() - started;
    } catch {
      /* not up yet */
    }
    await sleep(50);
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms${proc ? `:\n${proc.output().slice(-3000)}` : ''}`);
}

/** Starts the real server (`src/main.ts`) as a child process. Call waitReady() before use. */
export async function spawnServer(opts: ServerOptions): Promise<ServerProc> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    NODE_ENV: 'development',
    PORT: String(port),
    BASE_URL: url,
    DATA_DIR: opts.dataDir,
    LOG_LEVEL: 'warn',
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...opts.env,
  };
  const proc = spawnProc(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', 'src/main.ts'], { env });
  return {
    ...proc,
    url,
    port,
    waitReady: (timeoutMs = opts.readyTimeoutMs ?? 60_000) => waitHttp200(`${url}/readyz`, timeoutMs, proc),
  };
}

/** Every descendant of a process (from /proc/<pid>/task/<tid>/children), depth-first. */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number) => {
    let tasks: string[] = [];
    try {
      tasks = fs.readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const t of tasks) {
      let children = '';
      try {
        children = fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const c of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
        out.push(c);
        walk(c);
      }
    }
  };
  walk(pid);
  return out;
}

export function cmdline(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** The node process that actually runs `script` under `npm start` (npm → sh → tsx → node). */
export function findScriptProcess(rootPid: number, script: string): number | null {
  const candidates = descendants(rootPid).filter((p) => cmdline(p).includes(script) && /node/.test(cmdline(p)));
  return candidates.length ? candidates[candidates.length - 1] : null;
}
