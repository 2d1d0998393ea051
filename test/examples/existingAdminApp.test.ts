// A second host proves the plugin: `npm pack` the project, install the tarball by its package name
// into a copy of examples/existing-admin-app (an AdminJS + Koa + Sequelize app with its own
// accounts, login and resource), start it with `node app.js` on a throwaway database, and drive
// it: the panel in headless Chromium, a signed GitHub `issues.opened`, a signed Slack `/tt status`
// and the host's own Accounts resource. docs/plugin.md is the guide the example follows.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { freePort, spawnProc, waitHttp200, type Proc } from '../../bench/lib/proc.js';
import { githubSignature, signedSlashCommand } from '../../bench/lib/signing.js';
import { removeTempDir, tempDir } from '../../bench/lib/tempDirs.js';
import { ConsoleWatcher, launchBrowser, requireChromium, screenshot } from '../browser/support/browser.js';
import { waitForBadge, waitForText } from '../browser/support/suite.js';
import { issuePayload } from '../integrations/github/helpers.js';
import { createFreshDb, type FreshDb } from '../support/freshDb.js';
import { TestClient } from '../support/client.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const EXAMPLE = path.join(ROOT, 'examples/existing-admin-app');
const run = promisify(execFile);
const HOST_ADMIN = { email: 'ops-admin@acme.test', password: 'acme-host-password-1' };
const SLACK_USER = 'U0ACMEOPS1';
const SLACK_SECRET = 'acme-slack-signing-secret-0123456789';

/** Lines of app.js between the `--- TimeTracker: begin/end` markers, and the code lines outside them. */
function timeTrackerLines(source: string): { inside: string[]; outside: string[] } {
  const inside: string[] = [];
  const outside: string[] = [];
  let open = false;
  for (const line of source.split('\n')) {
    if (line.includes('// --- TimeTracker: begin')) open = true;
    else if (line.includes('// --- TimeTracker: end')) open = false;
    else if (open) inside.push(line);
    else if (!/^\s*\/\//.test(line)) outside.push(line);
  }
  return { inside, outside };
}

describe('examples/existing-admin-app: TimeTracker packed, installed and mounted in another AdminJS app', function () {
  this.timeout(600_000);
  let work: string;
  let tarball: string;
  let db: FreshDb;
  let app: Proc;
  let base: string;
  let client: TestClient;
  let accountId: number;

  /** A JSON write to the plugin's API: the host session cookie and the same-origin header. */
  const write = (p: string, json: unknown) => client.post(p, json, { headers: { Origin: base } });

  before(async function () {
    this.timeout(600_000);
    work = tempDir('tt-example-');
    const packDir = path.join(work, 'pack');
    fs.mkdirSync(packDir);
    await run('npm', ['pack', '--pack-destination', packDir], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    tarball = path.join(packDir, fs.readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);

    const host = path.join(work, 'host');
    fs.cpSync(EXAMPLE, host, { recursive: true, filter: (src) => !/[\\/](node_modules|\.adminjs|package-lock\.json)$/.test(src) });
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: host, maxBuffer: 64 * 1024 * 1024 });

    db = await createFreshDb();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    app = spawnProc(process.execPath, ['app.js'], {
      cwd: host,
      env: {
        DATABASE_URL: db.url,
        PORT: String(port),
        BASE_URL: base,
        SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
        TT_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
        HOST_ADMIN_EMAIL: HOST_ADMIN.email,
        HOST_ADMIN_PASSWORD: HOST_ADMIN.password,
      },
    });
    await waitHttp200(`${base}/health`, 120_000, app);
    // AdminJS bundles the components (TimeTracker's .tsx files inside node_modules) on first request.
    const bundle = await fetch(`${base}/admin/frontend/assets/components.bundle.js`, { signal: AbortSignal.timeout(180_000) });
    expect(bundle.status, `${await bundle.text()}\n${app.output()}`).to.equal(200);

    [{ id: accountId }] = await db.sequelize.query<{ id: number }>('SELECT id FROM accounts WHERE email = $1', { bind: [HOST_ADMIN.email], type: QueryTypes.SELECT });
    client = new TestClient(base);
    const login = await client.request('POST', '/admin/login', {
      body: new URLSearchParams(HOST_ADMIN).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(login.status, login.text).to.equal(302);
    expect(login.headers.get('location')).to.equal('/admin');
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed' && app) process.stderr.write(`\n--- existing-admin-app output ---\n${app.output().slice(-5_000)}\n`);
  });

  after(async function () {
    this.timeout(120_000);
    await app?.stop();
    await db?.drop();
    if (work) removeTempDir(work);
  });

  it('the tarball ships the compiled plugin with its declarations, installed by package name', async () => {
    const { stdout } = await run('tar', ['-tzf', tarball], { maxBuffer: 64 * 1024 * 1024 });
    expect(stdout.split('\n')).to.include.members(['package/dist/src/plugin/index.js', 'package/dist/src/plugin/index.d.ts']);
    const installed = path.join(work, 'host/node_modules/timetracker');
    expect(fs.lstatSync(installed).isSymbolicLink(), 'installed from the tarball, not linked').to.equal(false);
    expect(fs.existsSync(path.join(installed, 'dist/src/plugin/index.js'))).to.equal(true);
    expect(fs.existsSync(path.join(installed, 'src')), 'no TypeScript sources in the package').to.equal(false);
  });

  it('mounts TimeTracker in under 40 lines of host code, importing it by name', () => {
    const source = fs.readFileSync(path.join(EXAMPLE, 'app.js'), 'utf8');
    const { inside, outside } = timeTrackerLines(source);
    expect(inside.length, inside.join('\n')).to.be.above(10).and.below(40);
    expect(inside.join('\n')).to.include("from 'timetracker/plugin'");
    expect(source, 'no relative import of the project').not.to.match(/from '\.\.?\//);
    expect(outside.filter((l) => /\btt\b|timetracker/i.test(l)), 'TimeTracker code outside the markers').to.deep.equal([]);
  });

  it('the host panel (headless Chromium) lists TimeTracker next to Accounts, renders Personal connectors, and Accounts still lists', async function () {
    requireChromium(this);
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      const watcher = new ConsoleWatcher(page);
      watcher.allow(/\/favicon\.ico$/); // the host has none: its own business
      await page.goto(`${base}/admin/login`, { waitUntil: 'domcontentloaded' });
      await page.locator('input[name=email]').fill(HOST_ADMIN.email);
      await page.locator('input[name=password]').fill(HOST_ADMIN.password);
      await Promise.all([page.waitForURL(`${base}/admin`), page.locator('form button').click()]);
      const sidebar = page.locator('[data-css="sidebar"]');
      // The host's group and TimeTracker's groups start folded: open them.
      for (const group of ['Acme', 'Time Tracking', 'Connectors']) await sidebar.getByText(group, { exact: true }).click();
      for (const label of ['Accounts', 'Time entries', 'Projects', 'Tasks', 'Integrations', 'Personal connectors']) await waitForText(sidebar, label, 30_000);

      await page.goto(`${base}/admin/pages/personal-connectors`, { waitUntil: 'domcontentloaded' });
      await page.getByTestId('personal-connectors').waitFor({ timeout: 30_000 });
      for (const [slug, title] of [['github', 'GitHub'], ['google', 'Google Calendar'], ['slack', 'Slack']]) {
        const card = page.getByTestId(`card-${slug}`);
        await waitForText(card.locator('h3'), title);
        // The badge comes from the plugin's JSON API, asked with the host's session.
        await waitForBadge(card.getByTestId(`card-${slug}-badge`), 'not_connected');
      }
      await screenshot(page.locator('body'), 'example-host-personal-connectors');

      await page.goto(`${base}/admin/resources/accounts`, { waitUntil: 'domcontentloaded' });
      await waitForText(page.locator('table'), HOST_ADMIN.email, 30_000);
      watcher.stop();
      expect(watcher.errors).to.deep.equal([]);
    } finally {
      await browser.close();
    }
  });

  it('the plugin knows the logged-in host account', async () => {
    const me = await client.get('/api/me');
    expect(me.status, me.text).to.equal(200);
    expect(me.body.user).to.include({ id: accountId, email: HOST_ADMIN.email });
  });

  it('a signed GitHub issues.opened creates a task for the host account', async () => {
    const project = await write('/api/projects', { name: 'Acme website' });
    expect(project.status, project.text).to.equal(201);
    const saved = await write('/api/integrations/github/config', {
      github_token: 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8',
      repo_owner: 'acme-ops',
      repo_name: 'website',
      default_project_id: project.body.project.id,
      auto_start_timer: false,
      label_filter: '',
    });
    expect(saved.status, saved.text).to.equal(200);
    const revealed = await write('/api/integrations/github/webhook-secret', {});
    expect(revealed.status, revealed.text).to.equal(200);
    expect(revealed.body.webhook_url).to.equal(`${base}/api/integrations/github/webhook`);

    const body = JSON.stringify(issuePayload('opened', { repo: 'acme-ops/website', number: 7 }));
    const delivered = await new TestClient(base).request('POST', '/api/integrations/github/webhook', {
      body,
      headers: {
        'Content-Type': 'application/json',
        'X-GitHub-Event': 'issues',
        'X-GitHub-Delivery': crypto.randomUUID(),
        'User-Agent': 'GitHub-Hookshot/test',
        'X-Hub-Signature-256': githubSignature(body, revealed.body.webhook_secret),
      },
    });
    expect(delivered.status, delivered.text).to.equal(200);
    expect(delivered.body.task_id, delivered.text).to.be.a('number');

    const tasks = await client.get('/api/tasks?external_ref=github_issue_7');
    expect(tasks.body.tasks).to.have.length(1);
    expect(tasks.body.tasks[0]).to.include({ id: delivered.body.task_id, project_id: project.body.project.id, created_by: accountId, name: 'Spelling error in the README file' });
    const rows = await db.sequelize.query('SELECT created_by FROM tasks WHERE external_ref = $1', { bind: ['github_issue_7'], type: QueryTypes.SELECT });
    expect(rows).to.deep.equal([{ created_by: accountId }]);
  });

  it('a signed Slack /tt status answers for the host account', async () => {
    const saved = await write('/api/integrations/slack/config', {
      bot_token: 'xoxb-1111-2222-acmeopstoken',
      signing_secret: SLACK_SECRET,
      channel_id: '#time',
      notify_on_start: false,
      notify_on_stop: false,
      linked_slack_user_id: SLACK_USER,
    });
    expect(saved.status, saved.text).to.equal(200);
    const project = await write('/api/projects', { name: 'Acme support' });
    const started = await write('/api/timer/start', { project_id: project.body.project.id });
    expect(started.status, started.text).to.equal(201);
    expect(started.body.entry.user_id).to.equal(accountId);

    const slash = signedSlashCommand({ text: 'status', userId: SLACK_USER }, SLACK_SECRET);
    const res = await new TestClient(base).request('POST', '/api/integrations/slack/events', slash);
    expect(res.status, res.text).to.equal(200);
    expect(res.body.response_type).to.equal('ephemeral');
    expect(res.body.text).to.match(/^:hourglass_flowing_sand: Active timer on \*Acme support\* \(running 00:00:\d\d\)\.$/);
  });

  it("the host's own resource still works: list and create accounts through its AdminJS API", async () => {
    const created = await client.request('POST', '/admin/api/resources/accounts/actions/new', {
      body: new URLSearchParams({ email: 'second@acme.test', name: 'Second Account', password_hash: 'not-a-login', is_admin: 'false' }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(created.status, created.text).to.equal(200);
    expect(created.body.record?.params, created.text).to.include({ email: 'second@acme.test' });
    const list = await client.get('/admin/api/resources/accounts/actions/list');
    expect(list.status, list.text).to.equal(200);
    expect(list.body.records.map((r: { params: { email: string } }) => r.params.email).sort()).to.deep.equal([HOST_ADMIN.email, 'second@acme.test']);
  });

  it('stops cleanly on SIGTERM', async () => {
    await app.stop();
    expect((await app.exited).code, app.output()).to.equal(0);
  });
});
