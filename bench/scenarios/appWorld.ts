// The world shared by scenarios 1–4: one PostgreSQL cluster, one server process (jobs on, so the
// Slack outbox drains), an owner with GitHub and Slack configured through the API, and the
// baseline server (bench/baseline-server.ts) started on demand against the same database.
import type { AutocannonRequest } from 'autocannon';
import type { BenchContext } from '../lib/context.js';
import { round, runLoad, type LoadOptions, type LoadResult } from '../lib/load.js';
import { REPO_ROOT, sleep, spawnProc, freePort, waitHttp200, type Proc } from '../lib/proc.js';
import { RssSampler, type RssReport } from '../lib/rss.js';
import { issuePayload, signedGithubDelivery, signedSlashCommand } from '../lib/signing.js';
import {
  configureGithub,
  configureSlack,
  createOwner,
  createWorld,
  type GithubSetup,
  type Owner,
  type SlackSetup,
  type World,
} from '../lib/world.js';
import type { ServerProc } from '../lib/proc.js';

export interface AppWorld {
  world: World;
  server: ServerProc;
  owner: Owner;
  gh: GithubSetup;
  slack: SlackSetup;
  /** Next unused issue number (every delivery of every run is a new issue). */
  nextIssue: number;
}

export const OWNER_SLACK_USER = 'U0BENCHOWNER';

export async function setupAppWorld(ctx: BenchContext): Promise<AppWorld> {
  ctx.log('starting PostgreSQL, fakes and the server (jobs on)');
  const world = await createWorld();
  const server = await world.startServer({ JOBS_ENABLED: 'true' });
  const admin = await world.admin(server);
  // BENCH_OWNER_ROLE=admin is a diagnostic: admins skip the project-membership query.
  const role = process.env.BENCH_OWNER_ROLE === 'admin' ? 'admin' : 'user';
  const owner = await createOwner(admin, 'owner', { github_username: 'octocat', role });
  const gh = await configureGithub(owner, 'acme/widgets');
  const slack = await configureSlack(owner, OWNER_SLACK_USER);
  return { world, server, owner, gh, slack, nextIssue: 1 };
}

export function webhookRequests(app: AppWorld): AutocannonRequest[] {
  return [
    {
      method: 'POST',
      path: '/api/integrations/github/webhook',
      setupRequest: (req) => {
        const d = signedGithubDelivery('issues', issuePayload({ number: app.nextIssue++, repo: app.gh.repo }), app.gh.webhookSecret);
        return { ...req, headers: d.headers, body: d.body };
      },
    },
  ];
}

export function slashStatusRequests(secret: string, userIds: () => string): AutocannonRequest[] {
  return [
    {
      method: 'POST',
      path: '/api/integrations/slack/events',
      setupRequest: (req) => {
        const d = signedSlashCommand({ text: 'status', userId: userIds() }, secret);
        return { ...req, headers: d.headers, body: d.body };
      },
    },
  ];
}

export interface MeasureOptions extends LoadOptions {
  /**
   * Seconds of the same load, not counted, before the measured run: JIT, pool connections and
   * PostgreSQL's plan and buffer caches warm up the same way for a baseline and a measured server.
   */
  warmupSec?: number;
  /** Runs after the warm-up, before the measured run (e.g. counting rows the measured run adds). */
  afterWarmup?: () => Promise<void>;
}

/** Warm-up for a run of `durationSec`: 15% of it, 1 to 3 s. */
export const warmupFor = (durationSec: number) => Math.min(3, Math.max(1, Math.round(durationSec * 0.15)));

async function warmUp(opts: MeasureOptions): Promise<void> {
  if (!opts.warmupSec) return;
  await runLoad({ ...opts, durationSec: opts.warmupSec });
  await settle(opts.url);
}

/** A load run while sampling the target process's memory; then waits for the target to settle. */
export async function measure(pid: number, opts: MeasureOptions): Promise<{ load: LoadResult; rss: RssReport }> {
  await warmUp(opts);
  await opts.afterWarmup?.();
  const sampler = new RssSampler(pid).start();
  const load = await runLoad(opts);
  const rss = sampler.stop();
  await settle(opts.url);
  return { load, rss };
}

/** One load result from several runs of equal length: sums, the median p50 and the worst p99 and max. */
export function combineLoads(runs: LoadResult[]): LoadResult {
  const sum = (f: (r: LoadResult) => number) => runs.reduce((n, r) => n + f(r), 0);
  const seconds = sum((r) => (r.rps > 0 ? r.requests / r.rps : 0));
  const p50s = runs.map((r) => r.p50).sort((a, b) => a - b);
  const status: Record<string, number> = {};
  for (const r of runs) for (const [code, n] of Object.entries(r.status)) status[code] = (status[code] ?? 0) + n;
  const requests = sum((r) => r.requests);
  return {
    requests,
    rps: round(requests / Math.max(seconds, 0.001), 1),
    p50: p50s[Math.floor((p50s.length - 1) / 2)],
    p99: Math.max(...runs.map((r) => r.p99)),
    mean: round(sum((r) => r.mean * r.requests) / Math.max(requests, 1), 2),
    max: Math.max(...runs.map((r) => r.max)),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    non2xx: sum((r) => r.non2xx),
    status,
  };
}

function combineRss(reports: RssReport[]): RssReport {
  const peaks = reports.map((r) => r.peakRssMb).filter((v): v is number => v !== null);
  const hwms = reports.map((r) => r.hwmMb).filter((v): v is number => v !== null);
  const cpus = reports.map((r) => r.cpuPct).filter((v): v is number => typeof v === 'number');
  return {
    peakRssMb: peaks.length ? Math.max(...peaks) : null,
    hwmMb: hwms.length ? Math.max(...hwms) : null,
    cpuPct: cpus.length ? round(cpus.reduce((a, b) => a + b, 0) / cpus.length, 1) : null,
  };
}

/**
 * A baseline and a measured target loaded in turns: each warms up, then `rounds` alternating runs
 * of durationSec / rounds each, so both see the same machine over the same minutes (a shared
 * machine's background load drifts; back-to-back blocks would charge it to one side). Results are
 * combined per target with combineLoads().
 */
export async function measureInterleaved(
  targets: Array<{ pid: number; opts: MeasureOptions }>,
  rounds: number,
): Promise<Array<{ load: LoadResult; rss: RssReport }>> {
  for (const t of targets) await warmUp(t.opts);
  for (const t of targets) await t.opts.afterWarmup?.();
  const runs = targets.map(() => [] as Array<{ load: LoadResult; rss: RssReport }>);
  for (let r = 0; r < rounds; r++) {
    for (const [i, t] of targets.entries()) {
      runs[i].push(await measure(t.pid, { ...t.opts, warmupSec: 0, afterWarmup: undefined, durationSec: t.opts.durationSec / rounds }));
    }
  }
  return runs.map((rs) => ({ load: combineLoads(rs.map((x) => x.load)), rss: combineRss(rs.map((x) => x.rss)) }));
}

/**
 * Requests still in flight when the load generator stopped keep running on the server; wait
 * until a readiness probe (one database query) answers quickly, so the next run starts clean.
 */
export async function settle(url: string, maxMs = 30_000): Promise<void> {
  await sleep(300);
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    const t = Date.now();
    const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ok && Date.now() - t < 100) return;
    await sleep(250);
  }
}

/** The bare-Koa baseline as its own process on the same database and pool settings. */
export async function startBaseline(dbUrl: string): Promise<{ proc: Proc; url: string }> {
  const port = await freePort();
  const proc = spawnProc(process.execPath, ['--import', 'tsx', 'bench/baseline-server.ts'], {
    env: { DATABASE_URL: dbUrl, PORT: String(port) },
    cwd: REPO_ROOT,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHttp200(`${url}/readyz`, 30_000, proc);
  return { proc, url };
}
