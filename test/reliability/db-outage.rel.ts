// PostgreSQL stops in the middle of a load (webhooks + API) and comes back: the server answers 503
// quickly while the database is gone, never hangs or crashes, and recovers by itself.
import { expect } from 'chai';
import crypto from 'node:crypto';
import type { ServerProc } from '../../bench/lib/proc.js';
import { sleep } from '../../bench/lib/proc.js';
import { issuePayload, signedGithubDelivery } from '../../bench/lib/signing.js';
import { configureGithub, createOwner, createWorld, type GithubSetup, type Owner, type World } from '../../bench/lib/world.js';
import { loadLoop, num, waitFor } from './support/helpers.js';

interface Answer {
  kind: 'webhook' | 'status' | 'start';
  at: number;
  ms: number;
  status: number;
  issue?: number;
  delivery?: string;
}

describe('reliability: database outage', function () {
  this.timeout(180_000);
  let world: World;
  let server: ServerProc;
  let owner: Owner;
  let gh: GithubSetup;

  before(async function () {
    this.timeout(120_000);
    world = await createWorld(); // its own cluster, which this test stops and starts
    server = await world.startServer({ JOBS_ENABLED: 'true' });
    owner = await createOwner(await world.admin(server), 'outage');
    gh = await configureGithub(owner, 'acme/outage');
  });

  after(async function () {
    this.timeout(60_000);
    await world?.close();
  });

  it('answers 503 quickly while PostgreSQL is down and recovers without a restart', async () => {
    const answers: Answer[] = [];
    let issue = 0;
    const cookie = owner.client.cookieHeader;
    const call = async (kind: Answer['kind'], path: string, init: RequestInit, extra: Partial<Answer> = {}) => {
      const at = Date.now();
      let status = 0;
      try {
        const res = await fetch(server.url + path, { ...init, signal: AbortSignal.timeout(15_000) });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        status = -1; // no answer at all (hang or connection refused)
      }
      answers.push({ kind, at, ms: Date.now() - at, status, ...extra });
    };
    const webhook = (n: number, delivery: string) => {
      const d = signedGithubDelivery('issues', issuePayload({ number: n, repo: gh.repo }), gh.webhookSecret, delivery);
      return call('webhook', '/api/integrations/github/webhook', { method: 'POST', headers: d.headers, body: d.body }, { issue: n, delivery });
    };
    let stop = false;
    const load = loadLoop(4, 60_000, async (w) => {
      if (w < 2) await webhook(++issue, crypto.randomUUID());
      else if (w === 2) await call('status', '/api/timer/status', { headers: { cookie } });
      else await call('start', '/api/timer/start', { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ project_id: owner.projectId }) });
      await sleep(20);
    }, () => stop);

    await sleep(2_000);
    await world.cluster!.stop();
    const stoppedAt = Date.now();
    await sleep(5_000);
    // The outage lasts 5 s and until enough requests have been answered during it (a loaded machine sends fewer).
    await waitFor(() => answers.filter((x) => x.at > stoppedAt + 500).length > 20, 30_000, 'requests answered during the outage');
    expect(server.isRunning(), `the server died while the database was down:\n${server.output().slice(-1500)}`).to.equal(true);
    const readyDown = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(5_000) });
    const healthDown = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
    const upAt = Date.now();
    await world.cluster!.start();
    const recoveredMs = await waitFor(async () => {
      const r = await fetch(`${server.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      return r.status === 200 ? Date.now() - upAt : 0;
    }, 30_000, '/readyz to answer 200 after PostgreSQL is back');
    const recoveredAt = upAt + recoveredMs;
    await sleep(3_000);
    await waitFor(() => answers.filter((x) => x.at > recoveredAt + 500).length > 10, 30_000, 'requests answered after the recovery');
    stop = true;
    await load;

    expect(server.isRunning(), 'the server process is still the same and alive').to.equal(true);
    expect(readyDown.status).to.equal(503);
    expect(healthDown.status).to.equal(200);
    const during = answers.filter((x) => x.at > stoppedAt + 500 && x.at + x.ms < upAt);
    expect(during.length, 'requests were made during the outage').to.be.greaterThan(20);
    const wrong = during.filter((x) => x.status !== 503);
    expect(wrong, JSON.stringify(wrong.slice(0, 5))).to.have.length(0);
    const slowest = Math.max(...during.map((x) => x.ms));
    expect(slowest, 'no request hangs while the database is down').to.be.lessThan(3_000);
    expect(answers.filter((x) => x.status === -1 || x.status === 500)).to.have.length(0);
    const after = answers.filter((x) => x.at > recoveredAt + 500);
    expect(after.length).to.be.greaterThan(10);
    const afterWrong = after.filter((x) => x.kind !== 'start' && x.status !== 200);
    expect(afterWrong, JSON.stringify(afterWrong.slice(0, 5))).to.have.length(0);
    expect(after.filter((x) => x.kind === 'start').every((x) => x.status === 201 || x.status === 409)).to.equal(true);

    // GitHub redelivers what was refused with 503: every issue ends up as exactly one task.
    const refused = answers.filter((x) => x.kind === 'webhook' && x.status !== 200);
    for (const r of refused) await webhook(r.issue!, r.delivery!);
    const again = answers.slice(-refused.length);
    expect(again.every((x) => x.status === 200), JSON.stringify(again.find((x) => x.status !== 200))).to.equal(true);
    expect(await num(world.db, 'SELECT count(*) AS n FROM tasks WHERE project_id = $1', [owner.projectId])).to.equal(issue);
    console.log(`      outage: ${during.length} requests while down, slowest ${slowest} ms, ready ${recoveredMs} ms after PostgreSQL restarted, ${refused.length} deliveries redelivered`);
  });
});
