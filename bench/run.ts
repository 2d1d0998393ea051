// `npm run bench` [--quick | BENCH_QUICK=1] [--only=1,3]: the six scenarios of docs/performance.md
// against real server processes, embedded PostgreSQL and fake third parties, all on 127.0.0.1.
// Writes bench/results/latest.json and bench/results/latest.md. Every run is bounded in time.
// Scenario 7, the memory soak, is opt-in: --only=7 [--soak-minutes=N]; run alone it writes
// soak.{json,md}; scenario 8 (CSV export memory) run alone writes csv-export.{json,md}; scenario 9
// (notification latency) run alone writes notify-latency.{json,md}.
// --out=NAME writes NAME.{json,md} instead.
import path from 'node:path';
import type { BenchContext } from './lib/context.js';
import { modeFor } from './lib/context.js';
import { machineInfo, toMarkdown, writeReport, type BenchReport, type ScenarioMeta } from './lib/report.js';
import { REPO_ROOT } from './lib/proc.js';
import { configureLogger } from '../src/lib/logger.js';
import { setupAppWorld, type AppWorld } from './scenarios/appWorld.js';
import * as s1 from './scenarios/s1-webhook.js';
import * as s2 from './scenarios/s2-routing.js';
import * as s3 from './scenarios/s3-slack-status.js';
import * as s4 from './scenarios/s4-timer-slack.js';
import * as s5 from './scenarios/s5-google-sync.js';
import * as s6 from './scenarios/s6-cold-start.js';
import * as s7 from './scenarios/s7-soak.js';
import * as s8 from './scenarios/s8-csv-export.js';
import * as s9 from './scenarios/s9-notify-latency.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick') || ['1', 'true', 'yes'].includes(String(process.env.BENCH_QUICK ?? '').toLowerCase());
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice(7).split(',').map(Number)) : null;
/** Scenario 7 (the soak) runs only when asked for by --only. */
const selected = (id: number) => (only ? only.has(id) : id !== 7);
const soakArg = args.find((a) => a.startsWith('--soak-minutes='));
const soakMinutes = soakArg ? Number(soakArg.slice(15)) : quick ? 1 : 10;
const outArg = args.find((a) => a.startsWith('--out='))?.slice(6);
/** A scenario run on its own has its own results file, so it never replaces a complete run's latest.*. */
const OWN_RESULTS: Record<number, string> = { 7: 'soak', 8: 'csv-export', 9: 'notify-latency' };
const alone = only && only.size === 1 ? OWN_RESULTS[[...only][0]] : undefined;
const outName = outArg && /^[\w.-]+$/.test(outArg) ? outArg : alone ?? 'latest';
/** Hard limit per scenario (full mode: load runs + seeding + start-ups, with margin). */
const LIMIT_MS = quick ? 180_000 : 600_000;
const limitFor = (id: number) => (id === 7 ? soakMinutes * 60_000 * 1.5 + 120_000 : LIMIT_MS);

function withLimit<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} exceeded ${ms / 1000} s`)), ms);
    }),
  ]);
}

async function main(): Promise<void> {
  configureLogger({ level: 'warn' });
  const started = new Date();
  const t0 = Date.now();
  const ctx: BenchContext = {
    ...modeFor(quick),
    runs: [],
    targets: [],
    log: (m) => process.stdout.write(`[bench +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}\n`),
  };
  const report: BenchReport = {
    startedAt: started.toISOString(),
    finishedAt: '',
    mode: quick ? 'quick' : 'full',
    machine: machineInfo(),
    scenarios: [],
    runs: ctx.runs,
    targets: ctx.targets,
  };
  ctx.log(`mode ${report.mode}: ${ctx.durationSec} s per load run, ${ctx.connections} connections`);

  const scenario = async (m: Omit<ScenarioMeta, 'error' | 'seconds'>, fn: () => Promise<void>) => {
    const entry: ScenarioMeta = { ...m };
    report.scenarios.push(entry);
    const s = Date.now();
    try {
      await withLimit(fn(), limitFor(m.id), `scenario ${m.id}`);
    } catch (err) {
      entry.error = err instanceof Error ? err.message.split('\n')[0].slice(0, 500) : String(err);
      ctx.log(`scenario ${m.id} failed: ${entry.error}`);
    }
    entry.seconds = Math.round((Date.now() - s) / 1000);
  };

  if ([1, 2, 3, 4, 7].some(selected)) {
    let app: AppWorld | null = null;
    try {
      app = await withLimit(setupAppWorld(ctx), 120_000, 'setting up scenarios 1–4');
    } catch (err) {
      for (const m of [s1.meta, s3.meta, s2.meta, s4.meta, s7.meta].filter((x) => selected(x.id))) {
        report.scenarios.push({ ...m, error: `setup failed: ${String((err as Error).message).split('\n')[0].slice(0, 400)}` });
      }
      ctx.log(`setup for scenarios 1–4 failed: ${(err as Error).message}`);
    }
    if (app) {
      const a = app;
      try {
        if (selected(1)) await scenario(s1.meta, () => s1.run(ctx, a));
        if (selected(3)) await scenario(s3.meta, () => s3.run(ctx, a));
        if (selected(2)) await scenario(s2.meta, () => s2.run(ctx, a));
        if (selected(4)) await scenario(s4.meta, () => s4.run(ctx, a));
        if (selected(7)) await scenario(s7.meta, () => s7.run(ctx, a, soakMinutes));
      } finally {
        const serverLog = a.server.lines.filter((l) => /"level":(50|60)/.test(l)).slice(-5);
        if (serverLog.length) ctx.log(`server errors (last ${serverLog.length}):\n${serverLog.join('\n')}`);
        await a.world.close();
      }
    }
  }
  if (selected(5)) await scenario(s5.meta, () => s5.run(ctx));
  if (selected(6)) await scenario(s6.meta, () => s6.run(ctx));
  if (selected(8)) await scenario(s8.meta, () => s8.run(ctx));
  if (selected(9)) await scenario(s9.meta, () => s9.run(ctx));

  report.scenarios.sort((x, y) => x.id - y.id);
  report.runs.sort((x, y) => x.scenario - y.scenario);
  report.targets.sort((x, y) => x.scenario - y.scenario);
  report.finishedAt = new Date().toISOString();
  const out = writeReport(report, path.join(REPO_ROOT, 'bench/results'), outName);
  process.stdout.write(`\n${toMarkdown(report)}\nwrote ${path.relative(REPO_ROOT, out.json)} and ${path.relative(REPO_ROOT, out.md)}\n`);
  const failed = report.targets.filter((t) => t.pass === false).length;
  const broken = report.scenarios.filter((s) => s.error).length;
  process.stdout.write(`${report.targets.filter((t) => t.pass).length} targets met, ${failed} missed, ${broken} scenario(s) could not run\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
