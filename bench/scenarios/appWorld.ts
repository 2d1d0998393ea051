// The world shared by scenarios 1–4: one PostgreSQL cluster, one server process (jobs on, so the
// Slack outbox drains), an owner with GitHub and Slack configured through the API, and the
// baseline server (bench/baseline-server.ts) started on demand against the same database.
import type { AutocannonRequest } from 'autocannon';
import type { BenchContext } from '../lib/context.js';
import { runLoad, type LoadOptions, type LoadResult } from '../lib/load.js';
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

/** A load run while sampling the target process's memory; then waits for the target to settle. */
export async function measure(pid: number, opts: LoadOptions): Promise<{ load: LoadResult; rss: RssReport }> {
  const sampler = new RssSampler(pid).start();
  const load = await runLoad(opts);
  const rss = sampler.stop();
  await settle(opts.url);
  return { load, rss };
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
