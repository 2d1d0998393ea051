import { Writable } from 'node:stream';
import { expect } from 'chai';
import nock from 'nock';
import { githubConnector } from '../../../src/integrations/github/index.js';
import { configureLogger } from '../../../src/lib/logger.js';
import { Integration, Task, type Project, type User } from '../../../src/models/index.js';
import { makeAdmin, makeProject, makeUser } from '../../factories.js';
import { useTestServer } from '../../support/server.js';
import { connectGithub, deliver, issuePayload, TOKEN, type Connected } from './helpers.js';

const API = 'https://ghe.example.test/api/v3';
const ISSUES = '/repos/Codertocat/Hello-World/issues';
const SYNC = '/api/integrations/github/sync';

const issue = (number: number, labels: string[], extra: Record<string, unknown> = {}) => ({
  number,
  title: `Issue ${number}`,
  body: `Body ${number}`,
  html_url: `https://github.com/Codertocat/Hello-World/issues/${number}`,
  state: 'open',
  labels: labels.map((name) => ({ name })),
  ...extra,
});

const PAGE_1 = [
  issue(1, ['tt', 'bug']),
  issue(2, ['tt'], { pull_request: { url: `${API}/repos/Codertocat/Hello-World/pulls/2` } }),
  issue(3, ['wontfix']),
];
const PAGE_2 = [issue(4, ['enhancement', 'TT']), issue(5, [])];

/** Two pages joined by `Link: rel="next"`, answered for the query the spec names. */
function twoPages(times = 1): nock.Scope {
  const next = `${API}${ISSUES}?state=open&per_page=50&page=2`;
  return nock(API, { reqheaders: { authorization: `Bearer ${TOKEN}`, accept: 'application/vnd.github+json' } })
    .get(ISSUES)
    .query({ state: 'open', per_page: '50' })
    .times(times)
    .reply(200, PAGE_1, { Link: `<${next}>; rel="next", <${next}>; rel="last"` })
    .get(ISSUES)
    .query({ state: 'open', per_page: '50', page: '2' })
    .times(times)
    .reply(200, PAGE_2, { Link: `<${API}${ISSUES}?state=open&per_page=50&page=1>; rel="first", <${API}${ISSUES}?state=open&per_page=50&page=1>; rel="prev"` });
}

describe('POST /api/integrations/github/sync', () => {
  const srv = useTestServer({ env: { GITHUB_API_URL: API } });

  interface Setup extends Connected {
    admin: User;
    project: Project;
  }

  async function adminSetup(opts: Parameters<typeof connectGithub>[3] = { label_filter: 'tt' }): Promise<Setup> {
    const admin = await makeAdmin();
    const project = await makeProject();
    return { admin, project, ...(await connectGithub(srv, admin, project, opts)) };
  }

  it('pulls every page, skips pull requests and filtered labels, and records success', async () => {
    const s = await adminSetup();
    const scope = twoPages();
    const res = await s.client.post(SYNC, {});
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({ ok: true, synced: 2, skipped: 3, errors: [], created: 2, updated: 0 });
    expect(scope.isDone()).to.equal(true);
    const tasks = await Task.findAll({ order: [['external_ref', 'ASC']] });
    expect(tasks.map((t) => [t.external_ref, t.priority, t.project_id, t.created_by])).to.deep.equal([
      ['github_issue_1', 'high', s.project.id, s.admin.id],
      ['github_issue_4', 'medium', s.project.id, s.admin.id],
    ]);
    const status = (await s.client.get('/api/integrations/github/status')).body;
    expect(status).to.include({ last_sync_status: 'success', last_error: null });
    expect(Date.now() - Date.parse(status.last_sync_at)).to.be.lessThan(60_000);
  });

  it('is idempotent: a second run creates nothing and keeps local status changes', async () => {
    const s = await adminSetup();
    twoPages(2);
    await s.client.post(SYNC, {});
    await Task.update({ status: 'in_progress' }, { where: { external_ref: 'github_issue_1' } });
    const again = await s.client.post(SYNC, {});
    expect(again.body).to.deep.include({ ok: true, synced: 2, skipped: 3, created: 0, updated: 0 });
    expect(await Task.count()).to.equal(2);
    expect((await Task.findOne({ where: { external_ref: 'github_issue_1' } }))!.status).to.equal('in_progress');
  });

  it('upserts a task that a webhook created, and a webhook after a sync finds the synced task', async () => {
    const s = await adminSetup({});
    const hooked = await deliver(srv, issuePayload('opened', { number: 4, title: 'Old title' }), { secret: s.secret });
    twoPages();
    const res = await s.client.post(SYNC, {});
    expect(res.body).to.deep.include({ synced: 4, skipped: 1, created: 3, updated: 1 });
    expect((await Task.findByPk(hooked.body.task_id))!.name).to.equal('Issue 4');
    const again = await deliver(srv, issuePayload('opened', { number: 1 }), { secret: s.secret });
    expect(again.body.created).to.equal(false);
    expect(await Task.count()).to.equal(4);
  });

  it('racing webhook deliveries of the same issues never creates a second task', async () => {
    const s = await adminSetup({});
    twoPages();
    const [synced] = await Promise.all([
      s.client.post(SYNC, {}),
      ...[1, 4, 5, 1, 4, 5].map((number) => deliver(srv, issuePayload('opened', { number }), { secret: s.secret })),
    ]);
    expect(synced.body.ok).to.equal(true);
    expect((await Task.findAll()).map((t) => t.external_ref).sort()).to.deep.equal(['github_issue_1', 'github_issue_3', 'github_issue_4', 'github_issue_5']);
  });

  it('stops on 401 with a clear error and status "error"', async () => {
    const s = await adminSetup();
    nock(API).get(ISSUES).query(true).reply(401, { message: 'Bad credentials' });
    const res = await s.client.post(SYNC, {});
    expect(res.status).to.equal(200);
    expect(res.body.ok).to.equal(false);
    expect(res.body.error).to.match(/rejected the token \(invalid or expired\)/);
    const row = (await Integration.findOne())!;
    expect(row.last_sync_status).to.equal('error');
    expect(row.last_error).to.equal(res.body.error);
    expect(await Task.count()).to.equal(0);
  });

  it('keeps the token out of the answer and last_error when GitHub echoes it in an error body', async () => {
    const s = await adminSetup();
    nock(API).get(ISSUES).query(true).reply(500, (_uri) => ({ message: `upstream failed for Bearer ${TOKEN} / ${Buffer.from(TOKEN).toString('base64')}` }));
    const res = await s.client.post(SYNC, {});
    expect(res.body.ok).to.equal(false);
    expect(res.body.error).to.match(/^GitHub answered HTTP 500: upstream failed for Bearer ghp_\.\.\./);
    const row = (await Integration.findOne())!;
    expect(row.last_error).to.equal(res.body.error);
    for (const text of [res.text, String(row.last_error)]) {
      expect(text).to.not.include(TOKEN.slice(4, 14));
      expect(text).to.not.include(Buffer.from(TOKEN).toString('base64').slice(4, 20));
    }
  });

  it('stops on a rate limit (403, x-ratelimit-remaining: 0) after page one with status "partial"', async () => {
    const s = await adminSetup();
    const reset = Math.floor(Date.now() / 1000) + 120;
    nock(API)
      .get(ISSUES)
      .query({ state: 'open', per_page: '50' })
      .reply(200, PAGE_1, { Link: `<${API}${ISSUES}?state=open&per_page=50&page=2>; rel="next"` })
      .get(ISSUES)
      .query(true)
      .reply(403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    const res = await s.client.post(SYNC, {});
    expect(res.body).to.deep.include({ ok: false, synced: 1, skipped: 2 });
    expect(res.body.error).to.match(/GitHub rate limit reached; try again in 1[12]\d s/);
    expect(res.body.errors).to.include(res.body.error);
    expect((await Integration.findOne())!.last_sync_status).to.equal('partial');
    expect(await Task.count()).to.equal(1);
  });

  it('stops on 429 with Retry-After', async () => {
    const s = await adminSetup();
    nock(API).get(ISSUES).query(true).reply(429, { message: 'slow down' }, { 'Retry-After': '30' });
    const res = await s.client.post(SYNC, {});
    expect(res.body).to.include({ ok: false, error: 'GitHub rate limit reached; try again in 30 s' });
    expect((await Integration.findOne())!.last_sync_status).to.equal('error');
  });

  it('refuses a pagination link to another host and never sends the token there', async () => {
    const s = await adminSetup({});
    nock(API).get(ISSUES).query(true).reply(200, [issue(1, [])], { Link: '<https://evil.test/steal?page=2>; rel="next"' });
    const evil = nock('https://evil.test').get(/.*/).reply(200, []);
    const res = await s.client.post(SYNC, {});
    expect(res.body).to.include({ ok: false, synced: 1 });
    expect(res.body.error).to.match(/another host/);
    expect(evil.isDone()).to.equal(false);
  });

  it('is admin only: 403 "Admin only" for users, 401 without login', async () => {
    const user = await makeUser();
    const project = await makeProject({ members: [user] });
    const { client } = await connectGithub(srv, user, project);
    const res = await client.post(SYNC, {});
    expect(res.status).to.equal(403);
    expect(res.body).to.deep.equal({ ok: false, error: 'Admin only' });
    expect((await srv.client().post(SYNC, {})).status).to.equal(401);
  });

  it("lets an admin sync another user's integration by integration_id (tasks belong to the owner)", async () => {
    const owner = await makeUser();
    const project = await makeProject({ members: [owner] });
    const { integrationId } = await connectGithub(srv, owner, project, { label_filter: 'tt' });
    const admin = await makeAdmin();
    const client = srv.client();
    await client.login(admin.email);
    twoPages();
    const res = await client.post(SYNC, { integration_id: integrationId });
    expect(res.body).to.include({ ok: true, synced: 2 });
    expect((await Task.findAll()).every((t) => t.created_by === owner.id)).to.equal(true);
    expect((await client.post(SYNC, { integration_id: 999_999 })).status).to.equal(404);
  });

  it('answers 404 "Integration not configured" when the admin has no row, and not configured for an inactive one', async () => {
    const admin = await makeAdmin();
    const client = srv.client();
    await client.login(admin.email);
    const none = await client.post(SYNC, {});
    expect(none.status).to.equal(404);
    expect(none.body).to.deep.equal({ ok: false, error: 'Integration not configured' });
    const s = await adminSetup();
    await s.client.post('/api/integrations/github/config', { github_token: null });
    expect((await s.client.post(SYNC, {})).body).to.deep.equal({ ok: false, error: 'Integration not configured' });
  });

  it('never writes the token to the logs', async () => {
    const lines: string[] = [];
    configureLogger({ level: 'trace', destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
    try {
      const s = await adminSetup();
      twoPages();
      await s.client.post(SYNC, {});
      nock(API).get(ISSUES).query(true).reply(401, { message: `Bad credentials ${TOKEN}` });
      await s.client.post(SYNC, {});
    } finally {
      configureLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', destination: process.stdout });
    }
    expect(lines.join('')).to.include('github sync finished');
    expect(lines.join('')).to.not.include(TOKEN.slice(4));
  });

  describe('descriptor hooks for the admin panel', () => {
    it('syncNow refuses non-admins and reports counts for admins; testConnection answers like /test', async () => {
      const s = await adminSetup();
      const row = (await Integration.findOne())!;
      const deps = { config: srv.config, sequelize: Integration.sequelize! };
      const user = await makeUser();
      expect(await githubConnector.syncNow!(row, user, deps)).to.include({ ok: false, message: 'Admin only' });
      twoPages();
      const done = await githubConnector.syncNow!(row, s.admin, deps);
      expect(done).to.include({ ok: true, synced: 2, message: 'Synced 2 issue(s), skipped 3' });
      nock(API).get('/user').reply(200, { login: 'octo-admin' });
      expect(await githubConnector.testConnection!(row, deps)).to.deep.equal({ ok: true, message: 'Connected as octo-admin' });
      await row.update({ is_active: false });
      expect(await githubConnector.testConnection!(row, deps)).to.deep.equal({ ok: false, message: 'Integration not configured' });
    });
  });
});
