// Runs bench/job-runner.ts as its own process against a world's database and fakes, the way a
// server instance runs a job, and returns its JSON line (plus memory figures).
import { REPO_ROOT, spawnProc } from './proc.js';
import { RssSampler } from './rss.js';
import type { World } from './world.js';

export interface JobRun {
  ms: number;
  result: unknown;
  hwmMb: number | null;
  peakMb: number | null;
}

export async function runJobProcess(world: World, args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<JobRun> {
  const proc = spawnProc(process.execPath, ['--import', 'tsx', 'bench/job-runner.ts', ...args], {
    env: { ...world.serverEnv(), DATABASE_URL: world.dbUrl, LOG_LEVEL: 'error', ...opts.env },
    cwd: REPO_ROOT,
  });
  const sampler = new RssSampler(proc.pid).start();
  const timeoutMs = opts.timeoutMs ?? 540_000;
  const exit = await Promise.race([proc.exited, new Promise<null>((r) => setTimeout(() => r(null), timeoutMs).unref())]);
  const rss = sampler.stop();
  if (!exit) {
    await proc.kill();
    throw new Error(`job runner did not finish within ${timeoutMs / 1000} s`);
  }
  const line = proc.lines.find((l) => l.startsWith('{"mode"'));
  if (exit.code !== 0 || !line) throw new Error(`job runner failed (${exit.code}): ${proc.output().slice(-1500).replace(/\s+/g, ' ')}`);
  const out = JSON.parse(line) as { ms: number; result: unknown };
  return { ...out, hwmMb: rss.hwmMb, peakMb: rss.peakRssMb };
}
