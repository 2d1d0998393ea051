// A few thousand generated bad requests against every unauthenticated endpoint of a real server
// process: never a 5xx, never a hang, and nothing written without a valid signature.
import { expect } from 'chai';
import crypto from 'node:crypto';
import http from 'node:http';
import type { ServerProc } from '../../bench/lib/proc.js';
import { issuePayload, signedGithubDelivery, signedSlashCommand } from '../../bench/lib/signing.js';
import { configureGithub, configureSlack, createOwner, type World } from '../../bench/lib/world.js';
import { Fuzzer, prng, signedInteraction, type FuzzRequest } from './support/fuzz.js';
import { num, rows, sharedWorld, writeCounts } from './support/helpers.js';

const REQUESTS = 3_000;
const CONCURRENCY = 8;

/**
 * Oversized bodies go on a connection of their own: the server answers 413 before reading the
 * whole body, and a client that then reuses the connection (undici does) desynchronises it.
 */
function sendAlone(base: string, req: FuzzRequest): Promise<number> {
  return new Promise((resolve) => {
    const u = new URL(base + req.path);
    const r = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: req.method, headers: req.headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? -1));
    });
    r.on('error', () => resolve(413)); // the server may close while we are still sending; it answered first
    r.end(req.body);
  });
}

describe('reliability: bad input fuzz', function () {
  this.timeout(240_000);
  let world: World;
  let server: ServerProc;

  before(async function () {
    this.timeout(120_000);
    world = await sharedWorld();
    server = await world.startServer({ JOBS_ENABLED: 'false' });
  });

  after(async function () {
    this.timeout(60_000);
    await world?.close();
  });

  it(`answers ${REQUESTS} generated requests without a 5xx and writes nothing unsigned`, async () => {
    const owner = await createOwner(await world.admin(server), 'fuzzowner');
    const gh = await configureGithub(owner, 'acme/fuzz');
    const slack = await configureSlack(owner, 'U0FUZZOWNER');
    const integrationsBefore = JSON.stringify(await rows(world.db, 'SELECT id, is_active, config, last_error FROM integrations ORDER BY id'));
    const before = await writeCounts(world.db);
    const seed = Number(process.env.FUZZ_SEED ?? crypto.randomInt(1, 2 ** 31));
    const fuzz = new Fuzzer(prng(seed), { repo: gh.repo, slackUser: slack.slackUserId, wrongSecret: crypto.randomBytes(16).toString('hex'), slackSecret: slack.signingSecret, webhookSecret: gh.webhookSecret });
    const statuses = new Map<string, number>();
    const bad: string[] = [];
    let slowest = 0;
    let next = 0;
    const send = async (req: FuzzRequest) => {
      const started = Date.now();
      let status: number;
      try {
        if (req.label.endsWith('oversized')) {
          status = await sendAlone(server.url, req);
          throw Object.assign(new Error('done'), { status });
        }
        const res = await fetch(server.url + req.path, { method: req.method, headers: req.headers, body: req.body as BodyInit | undefined, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
        await res.arrayBuffer();
        status = res.status;
      } catch (err) {
        status = (err as { status?: number }).status ?? -1;
        if (status === -1) bad.push(`${req.label} ${req.method} ${req.path}: no answer after ${Date.now() - started} ms (${String(err)}: ${String((err as { cause?: unknown }).cause)}) body ${String(req.body ?? '').length} B ${JSON.stringify(req.headers).slice(0, 200)}`);
      }
      const key = `${req.label} ${status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (status >= 500) bad.push(`${req.label} ${req.method} ${req.path} → ${status} (headers ${JSON.stringify(req.headers).slice(0, 300)})`);
      slowest = Math.max(slowest, Date.now() - started);
      if (Date.now() - started > 5_000) bad.push(`${req.label} took ${Date.now() - started} ms`);
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) await send(fuzz.next(next++));
    }));

    expect(bad, `seed ${seed}:\n${bad.slice(0, 10).join('\n')}`).to.have.length(0);
    expect(server.isRunning()).to.equal(true);
    const after = await writeCounts(world.db);
    expect(after, `seed ${seed}`).to.deep.equal(before);
    expect(JSON.stringify(await rows(world.db, 'SELECT id, is_active, config, last_error FROM integrations ORDER BY id'))).to.equal(integrationsBefore);
    const accepted = [...statuses].filter(([k]) => /^(github|slack) 2\d\d$/.test(k));
    // Nothing validly signed was sent, so no signature endpoint may accept anything (Slack's
    // ssl_check probe, answered before verification and writing nothing, is labelled apart).
    expect(accepted, `seed ${seed}: ${JSON.stringify(accepted)}`).to.deep.equal([]);

    // Positive controls: the same endpoints accept correctly signed requests.
    const d = signedGithubDelivery('issues', issuePayload({ number: 4242, repo: gh.repo }), gh.webhookSecret);
    const ok = await fetch(`${server.url}/api/integrations/github/webhook`, { method: 'POST', headers: d.headers, body: d.body });
    expect(ok.status).to.equal(200);
    const cmd = signedSlashCommand({ text: 'status', userId: slack.slackUserId }, slack.signingSecret);
    const okSlack = await fetch(`${server.url}/api/integrations/slack/events`, { method: 'POST', headers: cmd.headers, body: cmd.body });
    expect(okSlack.status).to.equal(200);
    const click = signedInteraction({ userId: slack.slackUserId, actionId: 'tt_unknown' }, slack.signingSecret);
    const okClick = await fetch(`${server.url}/api/integrations/slack/interactions`, { method: 'POST', headers: click.headers, body: click.body });
    expect(okClick.status).to.equal(200);
    expect(await okClick.json()).to.deep.equal({ response_type: 'ephemeral', text: ':x: TimeTracker does not know that button. Nothing was changed.' });
    expect(await num(world.db, "SELECT count(*) AS n FROM tasks WHERE external_ref = 'github_issue_4242'")).to.equal(1);
    console.log(`      fuzz seed ${seed}, slowest ${slowest} ms: ${[...statuses].sort().map(([k, v]) => `${k}×${v}`).join(', ')}`);
  });
});
