// Clients that hang up: every route family (AdminJS pages, the AdminJS login and actions, the JSON
// API, webhooks, OAuth callbacks) gets requests that are abandoned at many points: halfway through
// the headers, halfway through the body, and at a ladder of delays after the whole request was
// sent (while the password is hashed, while the session is written, while a webhook is processed,
// while the token exchange runs), closing with FIN or with RST, several at once. The server reaches
// PostgreSQL through a proxy that adds random latency, so writes finish in any order. The process
// must stay up, no error may escape a handler, and the same requests must then succeed.
import { expect } from 'chai';
import crypto from 'node:crypto';
import net from 'node:net';
import type { ApiClient } from '../../bench/lib/client.js';
import { sleep, type ServerProc } from '../../bench/lib/proc.js';
import { issuePayload, signedGithubDelivery, signedSlashCommand } from '../../bench/lib/signing.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, configureGithub, configureSlack, connectGoogle, createOwner, type World } from '../../bench/lib/world.js';
import { num, sharedWorld } from './support/helpers.js';
import { jitterProxy, type JitterProxy } from './support/jitterProxy.js';

interface RawRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Where the client hangs up: mid-headers, mid-body, this many ms after sending everything, or as
 * soon as the answer starts arriving (the server's work may go on after its answer).
 */
type HangUp = 'headers' | 'body' | 'answer' | number;

/** Delays that cover a request's whole life here, from parsing to the last database write. */
const DELAYS = [0, 1, 2, 3, 5, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192];
const POINTS: HangUp[] = ['headers', 'body', ...DELAYS, ...Array<HangUp>(8).fill('answer')];
const ROUNDS = 3;
const AT_ONCE = 4;

/** Sends `req` over a raw socket and hangs up at `at` (FIN or RST), whatever the server did. */
async function abandon(base: string, req: RawRequest, at: HangUp, reset: boolean): Promise<void> {
  const u = new URL(base);
  const body = Buffer.from(req.body ?? '');
  const lines = [`${req.method} ${req.path} HTTP/1.1`, `Host: ${u.host}`, 'Connection: keep-alive'];
  for (const [k, v] of Object.entries(req.headers)) lines.push(`${k}: ${v}`);
  if (req.method === 'POST') lines.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`);
  const socket = net.connect(Number(u.port), u.hostname);
  socket.on('error', () => undefined);
  const answered = new Promise<void>((resolve) => {
    socket.once('data', () => resolve());
    socket.once('close', () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  if (at === 'headers') socket.write(head.subarray(0, Math.floor(head.length / 2)));
  else if (at === 'body') socket.write(Buffer.concat([head, body.subarray(0, Math.floor(body.length / 2))]));
  else socket.write(Buffer.concat([head, body]));
  if (at === 'answer') await Promise.race([answered, sleep(10_000)]);
  else await sleep(typeof at === 'number' ? at : 5);
  if (reset) socket.resetAndDestroy();
  else socket.destroy();
}

describe('reliability: clients that hang up', function () {
  this.timeout(300_000);
  let world: World;
  let proxy: JitterProxy;
  let server: ServerProc;
  let admin: ApiClient;
  let owner: Awaited<ReturnType<typeof createOwner>>;
  let gh: Awaited<ReturnType<typeof configureGithub>>;
  let slack: Awaited<ReturnType<typeof configureSlack>>;
  let issue = 1000;

  before(async function () {
    this.timeout(120_000);
    world = await sharedWorld();
    proxy = await jitterProxy(world.dbUrl, 12);
    server = await world.startServer({ JOBS_ENABLED: 'false', DATABASE_URL: proxy.rewrite(world.dbUrl) });
  });

  // The mocha root hook empties every table before each test: set the accounts up again.
  beforeEach(async function () {
    this.timeout(60_000);
    admin = await world.admin(server);
    owner = await createOwner(admin, 'hangup');
    gh = await configureGithub(owner, 'acme/hangup');
    slack = await configureSlack(owner, 'U0HANGUP', { notify_on_start: false, notify_on_stop: false });
    await connectGoogle(owner);
  });

  after(async function () {
    this.timeout(60_000);
    await world?.close();
    await proxy?.close();
  });

  const cookie = (c: ApiClient) => ({ Cookie: c.cookieHeader });
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const FORM = 'application/x-www-form-urlencoded';

  /** One request builder per route family; each call makes a fresh request (new ids, new state). */
  const families: Record<string, () => Promise<RawRequest> | RawRequest> = {
    'AdminJS page': () => ({ method: 'GET', path: '/admin/resources/time_entries', headers: cookie(admin) }),
    'AdminJS custom page': () => ({ method: 'GET', path: '/admin/pages/personal-connectors', headers: cookie(owner.client) }),
    'AdminJS login': () => ({ method: 'POST', path: '/admin/login', headers: { 'Content-Type': FORM }, body: form({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }) }),
    'AdminJS list action': () => ({ method: 'GET', path: '/admin/api/resources/time_entries/actions/list?page=1', headers: cookie(admin) }),
    'AdminJS new action': () => ({
      method: 'POST',
      path: '/admin/api/resources/projects/actions/new',
      headers: { ...cookie(admin), 'Content-Type': FORM },
      body: form({ name: `Hang-up project ${crypto.randomBytes(4).toString('hex')}`, is_active: 'true' }),
    }),
    'JSON API login': () => ({ method: 'POST', path: '/api/auth/login', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: owner.email, password: 'password123' }) }),
    'JSON API timer start': () => ({ method: 'POST', path: '/api/timer/start', headers: { ...cookie(owner.client), 'Content-Type': 'application/json' }, body: JSON.stringify({ project_id: owner.projectId }) }),
    'JSON API timer stop': () => ({ method: 'POST', path: '/api/timer/stop', headers: { ...cookie(owner.client), 'Content-Type': 'application/json' }, body: '{}' }),
    'GitHub webhook': () => {
      const d = signedGithubDelivery('issues', issuePayload({ number: ++issue, repo: gh.repo }), gh.webhookSecret);
      return { method: 'POST', path: '/api/integrations/github/webhook', headers: d.headers, body: d.body };
    },
    'Slack slash command': () => {
      const c = signedSlashCommand({ text: 'status', userId: slack.slackUserId }, slack.signingSecret);
      return { method: 'POST', path: '/api/integrations/slack/events', headers: c.headers, body: c.body };
    },
    'Google OAuth connect': () => ({ method: 'GET', path: '/integrations/google/connect', headers: cookie(owner.client) }),
    'Google OAuth callback': async () => {
      const start = await owner.client.get('/integrations/google/connect');
      const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
      const scope = encodeURIComponent('openid email https://www.googleapis.com/auth/calendar.events');
      return { method: 'GET', path: `/integrations/google/callback?code=hangup-${crypto.randomBytes(4).toString('hex')}&state=${encodeURIComponent(state)}&scope=${scope}`, headers: cookie(owner.client) };
    },
  };

  async function expectAlive(after: string): Promise<void> {
    expect(server.isRunning(), `the server died after "${after}":\n${server.output().slice(-3000)}`).to.equal(true);
    const health = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    expect(health.status, `/healthz after "${after}"`).to.equal(200);
  }

  for (const [family, build] of Object.entries(families)) {
    it(`${family}: hanging up at ${POINTS.length} points × ${ROUNDS} never takes the process down`, async () => {
      const jobs: Array<{ at: HangUp; reset: boolean }> = [];
      for (let round = 0; round < ROUNDS; round++) for (const at of POINTS) jobs.push({ at, reset: (jobs.length + round) % 2 === 1 });
      for (let i = 0; i < jobs.length; i += AT_ONCE) {
        const batch = jobs.slice(i, i + AT_ONCE);
        const requests = await Promise.all(batch.map(() => build()));
        // A refused connection means the server is gone: say so rather than ECONNREFUSED.
        await Promise.all(batch.map((j, k) => abandon(server.url, requests[k], j.at, j.reset))).catch(async (err) => {
          await expectAlive(family);
          throw err;
        });
      }
      // Give work that outlived its client (a session write, a webhook transaction) time to finish.
      await sleep(500);
      await expectAlive(family);
    });
  }

  it('nothing escaped a handler, and every family works afterwards', async () => {
    const out = server.output();
    expect(out).not.to.match(/ERR_HTTP_HEADERS_SENT|failed outside its handler|uncaught exception|background work failed/i);

    // AdminJS login by form, then its pages and actions with that session.
    const browser = new (admin.constructor as new (base: string) => ApiClient)(server.url);
    await browser.get('/admin');
    const login = await browser.request('POST', '/admin/login', { body: form({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }), headers: { 'Content-Type': FORM } });
    expect(login.status, login.text.slice(0, 300)).to.equal(302);
    expect(login.headers.get('location')).to.equal('/admin');
    expect((await browser.get('/admin/resources/time_entries')).status).to.equal(200);
    expect((await browser.get('/admin/api/resources/time_entries/actions/list?page=1')).status).to.equal(200);

    // The JSON API.
    await owner.client.post('/api/timer/stop', {});
    const started = await owner.client.post('/api/timer/start', { project_id: owner.projectId });
    expect(started.status, started.text).to.equal(201);
    expect((await owner.client.post('/api/timer/stop', {})).status).to.equal(200);

    // Webhooks: a new issue becomes one task; a slash command answers.
    const d = signedGithubDelivery('issues', issuePayload({ number: 99_999, repo: gh.repo }), gh.webhookSecret);
    const hook = await fetch(`${server.url}/api/integrations/github/webhook`, { method: 'POST', headers: d.headers, body: d.body });
    expect(hook.status).to.equal(200);
    expect(await num(world.db, "SELECT count(*) AS n FROM tasks WHERE external_ref = 'github_issue_99999'")).to.equal(1);
    const c = signedSlashCommand({ text: 'status', userId: slack.slackUserId }, slack.signingSecret);
    const cmd = await fetch(`${server.url}/api/integrations/slack/events`, { method: 'POST', headers: c.headers, body: c.body });
    expect(cmd.status).to.equal(200);

    // The OAuth flow, end to end.
    await connectGoogle(owner);
    await expectAlive('the positive controls');
  });
});
