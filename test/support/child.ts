// Runs a TypeScript entry point (src/main.ts, src/cli/*.ts) as a child process, the way a user
// would, with a minimal environment: only PATH, HOME and NODE_ENV=development plus `env`.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';

export interface Child {
  child: ChildProcess;
  out(): string;
  err(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

export function spawnTsx(script: string, args: string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exited };
}

/** Runs to completion (killed after `timeoutMs`) and returns exit code and output. */
export async function runTsx(script: string, args: string[], env: Record<string, string>, timeoutMs = 60_000) {
  const c = spawnTsx(script, args, env);
  const timer = setTimeout(() => c.child.kill('SIGKILL'), timeoutMs);
  const code = await c.exited.finally(() => clearTimeout(timer));
  return { code: code ?? 1, stdout: c.out(), stderr: c.err() };
}
