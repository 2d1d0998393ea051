// Scenario 6: cold start. `npm start` until GET /readyz answers 200, on a fresh data directory
// (initdb, migrations, first admin, AdminJS bundle) and on a warm one (cluster already there).
// Floor for comparison: the bare Koa baseline process (tsx + Koa + pool) to its first 200.
import fs from 'node:fs';
import type { BenchContext } from '../lib/context.js';
import { ratio } from '../lib/context.js';
import { startCluster, tempDir } from '../lib/cluster.js';
import { findScriptProcess, freePort, REPO_ROOT, spawnProc, waitHttp200 } from '../lib/proc.js';
import { RssSampler } from '../lib/rss.js';
import { startBaseline } from './appWorld.js';

export const meta = {
  id: 6,
  title: 'Cold start',
  measures: '`npm start` to the first 200 from GET /readyz with embedded PostgreSQL, on a fresh data directory and on a warm one (median of the runs).',
  baseline: 'the bare Koa baseline process (tsx + Koa + Sequelize pool, database already running) to its first 200.',
};

async function npmStart(dataDir: string): Promise<{ ms: number; hwmMb: number | null }> {
  const port = await freePort();
  const started = Date.now();
  const proc = spawnProc('npm', ['start', '--silent'], {
    env: {
      DATA_DIR: dataDir,
      PORT: String(port),
      BASE_URL: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
      ADMIN_EMAIL: 'admin@bench.test',
      ADMIN_PASSWORD: 'admin-password-123',
      JOBS_ENABLED: 'true',
    },
    cwd: REPO_ROOT,
    detached: true,
  });
  try {
    await waitHttp200(`http://127.0.0.1:${port}/readyz`, 120_000, proc);
    const ms = Date.now() - started;
    const pid = findScriptProcess(proc.pid, 'src/main.ts');
    const rss = pid ? new RssSampler(pid).start().stop() : null;
    return { ms, hwmMb: rss?.hwmMb ?? null };
  } finally {
    await proc.stop(30_000);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

export async function run(ctx: BenchContext): Promise<void> {
  const runs = ctx.quick ? 1 : 3;
  const fresh: number[] = [];
  const warm: number[] = [];
  let freshHwm: number | null = null;
  let warmHwm: number | null = null;
  const dirs: string[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const dir = tempDir('tt-bench-cold-');
      dirs.push(dir);
      ctx.log(`scenario 6: npm start on a fresh data directory (${i + 1}/${runs})`);
      const f = await npmStart(dir);
      fresh.push(f.ms);
      freshHwm = Math.max(freshHwm ?? 0, f.hwmMb ?? 0) || null;
      ctx.log(`scenario 6: npm start on a warm data directory (${i + 1}/${runs})`);
      const w = await npmStart(dir);
      warm.push(w.ms);
      warmHwm = Math.max(warmHwm ?? 0, w.hwmMb ?? 0) || null;
    }
  } finally {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
  const cluster = await startCluster();
  const floor: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const t = Date.now();
      const b = await startBaseline(cluster.url);
      floor.push(Date.now() - t);
      await b.proc.stop();
    }
  } finally {
    await cluster.destroy();
  }
  const f = median(fresh);
  const w = median(warm);
  const b = median(floor);
  ctx.runs.push({ scenario: 6, label: 'bare Koa process to first 200', kind: 'baseline', ms: b, extra: { all: floor } });
  ctx.runs.push({ scenario: 6, label: 'npm start → /readyz, fresh data dir', kind: 'measured', ms: f, rss: { peakRssMb: null, hwmMb: freshHwm }, extra: { all: fresh } });
  ctx.runs.push({ scenario: 6, label: 'npm start → /readyz, warm data dir', kind: 'measured', ms: w, rss: { peakRssMb: null, hwmMb: warmHwm }, extra: { all: warm } });
  ctx.targets.push({ scenario: 6, metric: 'fresh start (ms)', value: f, baseline: b, ratio: ratio(f, b), target: 'reported', pass: null });
  ctx.targets.push({ scenario: 6, metric: 'warm start (ms)', value: w, baseline: b, ratio: ratio(w, b), target: 'reported', pass: null });
}
