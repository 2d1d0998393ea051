import { Writable } from 'node:stream';
import { expect } from 'chai';
import nock from 'nock';
import { QueryTypes } from 'sequelize';
import { configureLogger } from '../../../src/lib/logger.js';
import { Integration, ProjectMember } from '../../../src/models/index.js';
import { makeAdmin, makeProject, makeUser } from '../../factories.js';
import { testDb } from '../../support/db.js';
import { useTestServer } from '../../support/server.js';
import { connectGithub, counts, TOKEN } from './helpers.js';

const API = 'https://github.test/api/v3';
const CONFIG = '/api/integrations/github/config';

describe('GitHub connector: config, status, test, webhook secret', () => {
  const srv = useTestServer({ env: { GITHUB_API_URL: API } });

  async function userWithProject(attrs: Parameters<typeof makeProject>[0] = {}) {
    const user = await makeUser({ github_username: 'Codertocat' });
    const project = await makeProject({ members: [user], ...attrs });
    const client = srv.client();
    await client.login(user.email);
    return { user, project, client };
  }

  const valid = (projectId: number, extra: Record<string, unknown> = {}) => ({
    github_token: TOKEN,
    repo_owner: 'Codertocat',
    repo_name: 'Hello-World',
    default_project_id: projectId,
    ...extra,
  });

  describe('POST /api/integrations/github/config', () => {
    it('saves, activates, generates a webhook secret and answers with the status', async () => {
      const { project, client } = await userWithProject();
      const res = await client.post(CONFIG, valid(project.id, { auto_start_timer: 'on', label_filter: '  TimeTracker ' }));
      expect(res.status).to.equal(200);
      expect(res.body).to.include({
        ok: true,
        connected: true,
        repo_owner: 'Codertocat',
        repo_name: 'Hello-World',
        default_project_id: project.id,
        auto_start_timer: true,
        label_filter: 'timetracker',
        has_webhook_secret: true,
        webhook_url: `${srv.url}/api/integrations/github/webhook`,
      });
      expect(res.body.id).to.be.a('number');
    });

    it('stores no plaintext token or webhook secret in the integrations row', async () => {
      const { project, client } = await userWithProject();
      await client.post(CONFIG, valid(project.id));
      const secret = (await client.post('/api/integrations/github/webhook-secret', {})).body.webhook_secret;
      const { sequelize } = await testDb();
      const [row] = await sequelize.query<{ raw: string }>('SELECT config::text AS raw FROM integrations', { type: QueryTypes.SELECT });
      expect(row.raw).to.not.include(TOKEN);
      expect(row.raw).to.not.include(TOKEN.slice(4, 20));
      expect(row.raw).to.not.include(secret);
      const config = JSON.parse(row.raw);
      expect(config.github_token).to.match(/^nacl:v1:/);
      expect(config.webhook_secret).to.match(/^nacl:v1:/);
    });

    it('keeps the stored token when the token field is blank, and clears it (inactive) on null', async () => {
      const { project, client } = await userWithProject();
      await client.post(CONFIG, valid(project.id));
      const sealed = (await Integration.findOne())!.config.github_token;
      const kept = await client.post(CONFIG, valid(project.id, { github_token: '', repo_name: 'Other' }));
      expect(kept.body).to.include({ connected: true, repo_name: 'Other' });
      expect((await Integration.findOne())!.config.github_token).to.equal(sealed);
      const cleared = await client.post(CONFIG, valid(project.id, { github_token: null }));
      expect(cleared.body).to.include({ connected: false });
      const row = (await Integration.findOne())!;
      expect(row.is_active).to.equal(false);
      expect(row.config).to.not.have.property('github_token');
    });

    it('keeps the webhook secret across saves', async () => {
      const { project, client } = await userWithProject();
      await client.post(CONFIG, valid(project.id));
      const first = (await client.post('/api/integrations/github/webhook-secret', {})).body.webhook_secret;
      await client.post(CONFIG, valid(project.id, { github_token: '' }));
      expect((await client.post('/api/integrations/github/webhook-secret', {})).body.webhook_secret).to.equal(first);
    });

    it('parses form booleans: the string "false" is false', async () => {
      const { project, client } = await userWithProject();
      expect((await client.post(CONFIG, valid(project.id, { auto_start_timer: '1' }))).body.auto_start_timer).to.equal(true);
      expect((await client.post(CONFIG, valid(project.id, { auto_start_timer: 'false' }))).body.auto_start_timer).to.equal(false);
      expect((await client.post(CONFIG, valid(project.id, { auto_start_timer: 'on' }))).body.auto_start_timer).to.equal(true);
      expect((await client.post(CONFIG, valid(project.id, { auto_start_timer: 'off' }))).body.auto_start_timer).to.equal(false);
      const bad = await client.post(CONFIG, valid(project.id, { auto_start_timer: 'maybe' }));
      expect(bad.status).to.equal(400);
      expect(bad.body.error).to.equal('auto_start_timer: must be true or false');
    });

    const invalid: Array<[string, Record<string, unknown>, string]> = [
      ['a missing owner', { repo_owner: undefined }, 'repo_owner: is required'],
      ['a blank repository', { repo_name: '  ' }, 'repo_name: is required'],
      ['owner/repo in the repository field', { repo_name: 'Codertocat/Hello-World' }, 'repo_name: must be only the repository name'],
      ['a missing default project', { default_project_id: undefined }, 'default_project_id: is required'],
      ['a non-numeric default project', { default_project_id: 'abc' }, 'default_project_id: must be a number'],
      ['a token with spaces', { github_token: 'ghp_abc def' }, 'github_token: must not contain spaces'],
    ];
    for (const [name, change, message] of invalid) {
      it(`refuses ${name} with a field-named 400 and creates no row`, async () => {
        const { project, client } = await userWithProject();
        const res = await client.post(CONFIG, { ...valid(project.id), ...change });
        expect(res.status).to.equal(400);
        expect(res.body.ok).to.equal(false);
        expect(res.body.error).to.satisfy((e: string) => e.startsWith(message));
        expect((await counts()).integrations).to.equal(0);
      });
    }

    it('reports every invalid field at once (schema, required, archived project) and changes nothing', async () => {
      const { client, project: archived } = await userWithProject({ status: 'archived' });
      const res = await client.post(CONFIG, { github_token: 'ghp_abc def', repo_owner: '', repo_name: 'Codertocat/Hello-World', default_project_id: archived.id });
      expect(res.status).to.equal(400);
      expect(res.body.fields).to.deep.equal({
        github_token: 'must not contain spaces',
        repo_owner: 'is required',
        repo_name: 'must be only the repository name, e.g. Hello-World (letters, digits, ".", "-", "_")',
        default_project_id: `project "${archived.name}" is archived; choose an active project`,
      });
      expect(res.body.error).to.match(/^github_token: must not contain spaces; repo_owner: is required; repo_name: .*; default_project_id: .*archived/);
      const missing = await client.post(CONFIG, { label_filter: 'x'.repeat(60) });
      expect(missing.body.fields).to.deep.equal({
        label_filter: 'must be at most 50 characters', repo_owner: 'is required', repo_name: 'is required', default_project_id: 'is required',
      });
      const unchosen = await client.post(CONFIG, { repo_owner: 'Codertocat', repo_name: 'Hello-World', default_project_id: null });
      expect(unchosen.body.fields, 'a form with no project chosen sends null').to.deep.equal({ default_project_id: 'is required' });
      const foreign = await client.post(CONFIG, { repo_owner: 'Codertocat', repo_name: '..', default_project_id: (await makeProject()).id });
      expect(foreign.status, 'a foreign project is listed with the other fields').to.equal(400);
      expect(foreign.body.fields).to.deep.equal({ repo_name: 'is not a valid repository name', default_project_id: 'you may not use this project' });
      expect((await counts()).integrations).to.equal(0);
    });

    it('refuses a project the user is not a member of (403) and an unknown one (404)', async () => {
      const { client } = await userWithProject();
      const foreign = await makeProject();
      expect((await client.post(CONFIG, valid(foreign.id))).status).to.equal(403);
      expect((await client.post(CONFIG, valid(999_999))).status).to.equal(404);
      expect((await counts()).integrations).to.equal(0);
    });

    it('refuses an archived default project with a 400 naming the field', async () => {
      const { project, client } = await userWithProject({ status: 'archived' });
      const res = await client.post(CONFIG, valid(project.id));
      expect(res.status).to.equal(400);
      expect(res.body.error).to.match(/^default_project_id: .*archived/);
    });

    it('refuses a project already fed by another active integration from a different repository', async () => {
      const alice = await makeUser();
      const project = await makeProject({ members: [alice] });
      await connectGithub(srv, alice, project, { repo: 'alice/one' });
      const bob = await makeUser();
      await ProjectMember.create({ project_id: project.id, user_id: bob.id });
      const client = srv.client();
      await client.login(bob.email);
      const clash = await client.post(CONFIG, { ...valid(project.id), repo_owner: 'bob', repo_name: 'two' });
      expect(clash.status).to.equal(400);
      expect(clash.body.error).to.match(/^default_project_id: this project already receives issues from a different GitHub repository/);
      const same = await client.post(CONFIG, { ...valid(project.id), repo_owner: 'ALICE', repo_name: 'One' });
      expect(same.status, 'the same repository (any case) may feed the project').to.equal(200);
    });

    it('requires login and refuses a cross-origin or non-JSON request', async () => {
      const { project } = await userWithProject();
      expect((await srv.client().post(CONFIG, valid(project.id))).status).to.equal(401);
      const { client } = await userWithProject();
      expect((await client.post(CONFIG, valid(project.id), { headers: { Origin: 'https://evil.test' } })).status).to.equal(403);
      expect((await client.request('POST', CONFIG, { body: 'repo_owner=x', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })).status).to.equal(415);
    });
  });

  describe('GET /api/integrations/github/status', () => {
    it('answers the SPEC shape before the first save', async () => {
      const { client } = await userWithProject();
      const res = await client.get('/api/integrations/github/status');
      expect(res.body).to.deep.equal({
        ok: true,
        id: null,
        connected: false,
        repo_owner: null,
        repo_name: null,
        default_project_id: null,
        auto_start_timer: false,
        label_filter: null,
        has_webhook_secret: false,
        webhook_url: `${srv.url}/api/integrations/github/webhook`,
        last_sync_at: null,
        last_sync_status: null,
        last_error: null,
        state: 'not_connected',
        last_success_at: null,
        last_error_at: null,
      });
    });

    it('never shows the token or the webhook secret', async () => {
      const { project, client } = await userWithProject();
      await client.post(CONFIG, valid(project.id));
      const secret = (await client.post('/api/integrations/github/webhook-secret', {})).body.webhook_secret;
      const res = await client.get('/api/integrations/github/status');
      expect(res.text).to.not.include(TOKEN);
      expect(res.text).to.not.include(secret);
      expect(res.text).to.not.include('nacl:v1');
      expect(Object.keys(res.body).sort()).to.deep.equal(
        ['ok', 'id', 'connected', 'repo_owner', 'repo_name', 'default_project_id', 'auto_start_timer', 'label_filter', 'has_webhook_secret', 'webhook_url', 'last_sync_at', 'last_sync_status', 'last_error',
          'state', 'last_success_at', 'last_error_at'].sort(),
      );
    });

    it('shows an explicit error when the stored token cannot be decrypted', async () => {
      const { project, client } = await userWithProject();
      await client.post(CONFIG, valid(project.id));
      const row = (await Integration.findOne())!;
      await row.update({ config: { ...row.config, github_token: 'nacl:v1:0000ffff:AAAAAAAA' } });
      const res = await client.get('/api/integrations/github/status');
      expect(res.body.connected).to.equal(false);
      expect(res.body.last_error).to.equal('github_token: stored secret cannot be decrypted; re-enter it');
      const test = await client.post('/api/integrations/github/test', {});
      expect(test.body.ok).to.equal(false);
      expect(test.body.message).to.match(/^github_token: stored secret cannot be decrypted/);
    });
  });

  describe('POST /api/integrations/github/test', () => {
    it('answers 404 "Integration not configured" without a row', async () => {
      const { client } = await userWithProject();
      const res = await client.post('/api/integrations/github/test', {});
      expect(res.status).to.equal(404);
      expect(res.body).to.deep.equal({ ok: false, error: 'Integration not configured' });
    });

    it('calls GET /user with the token and GitHub headers and answers "Connected as <login>"', async () => {
      const { project, client } = await userWithProject();
      await client.post(CONFIG, valid(project.id));
      const scope = nock(API, {
        reqheaders: {
          authorization: `Bearer ${TOKEN}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
          'user-agent': /TimeTracker/,
        },
      })
        .get('/user')
        .reply(200, { login: 'Codertocat', id: 1 });
      const res = await client.post('/api/integrations/github/test', {});
      expect(res.body).to.deep.equal({ ok: true, message: 'Connected as Codertocat' });
      expect(scope.isDone()).to.equal(true);
    });

    const failures: Array<[string, (s: nock.Interceptor) => nock.Scope, RegExp]> = [
      ['a 401', (s) => s.reply(401, { message: 'Bad credentials' }), /token \(invalid or expired\)/],
      ['a rate limit', (s) => s.reply(403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'retry-after': '60' }), /rate limit.*60 s/],
      ['a 403', (s) => s.reply(403, { message: 'Resource not accessible by personal access token' }), /refused access.*not accessible/],
      ['a 500', (s) => s.reply(500, 'oops'), /HTTP 500/],
      ['a non-JSON answer', (s) => s.reply(200, '<html>proxy</html>'), /not JSON/],
      ['a network error', (s) => s.replyWithError('socket hang up'), /Could not reach GitHub/],
    ];
    for (const [name, reply, message] of failures) {
      it(`turns ${name} into {ok:false, message}`, async () => {
        const { project, client } = await userWithProject();
        await client.post(CONFIG, valid(project.id));
        reply(nock(API).get('/user'));
        const res = await client.post('/api/integrations/github/test', {});
        expect(res.status).to.equal(200);
        expect(res.body.ok).to.equal(false);
        expect(res.body.message).to.match(message);
        expect(res.text).to.not.include(TOKEN);
      });
    }

    it('keeps the token out of the answer and the row when GitHub echoes it in a 401 or 403 body', async () => {
      const { project, client } = await userWithProject();
      const saved = await client.post(CONFIG, valid(project.id));
      const echo = (_uri: string, body: unknown) => ({ message: `Bad credentials for Bearer ${TOKEN} (${encodeURIComponent(TOKEN)})`, echoed: { authorization: `Bearer ${TOKEN}`, body } });
      nock(API).get('/user').reply(401, echo);
      const unauthorized = await client.post('/api/integrations/github/test', {});
      expect(unauthorized.body).to.deep.include({ ok: false });
      expect(unauthorized.body.message).to.match(/token \(invalid or expired\)/);
      nock(API).get('/user').reply(403, echo);
      const forbidden = await client.post('/api/integrations/github/test', {});
      expect(forbidden.body.message).to.match(/refused access.*Bad credentials for Bearer ghp_\.\.\./);
      const row = (await Integration.findByPk(saved.body.id))!;
      for (const text of [unauthorized.text, forbidden.text, String(row.last_error)]) {
        expect(text).to.not.include(TOKEN.slice(4, 14));
        expect(text).to.not.include(encodeURIComponent(TOKEN).slice(4, 14));
      }
    });

    it('never writes the token to the logs (save, test, failed test)', async () => {
      const lines: string[] = [];
      configureLogger({ level: 'trace', destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) });
      try {
        const { project, client } = await userWithProject();
        await client.post(CONFIG, valid(project.id));
        nock(API).get('/user').reply(200, { login: 'Codertocat' });
        await client.post('/api/integrations/github/test', {});
        nock(API).get('/user').replyWithError(`connect failed for ${TOKEN}`);
        await client.post('/api/integrations/github/test', {});
      } finally {
        configureLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', destination: process.stdout });
      }
      const log = lines.join('');
      expect(lines.length).to.be.greaterThan(0);
      expect(log).to.not.include(TOKEN);
      expect(log).to.not.include(TOKEN.slice(4));
    });
  });

  describe('POST /api/integrations/github/webhook-secret', () => {
    it('reveals the owner\'s secret (no-store) and rotates it on {regenerate:true}', async () => {
      const { project, client } = await userWithProject();
      await client.post(CONFIG, valid(project.id));
      const first = await client.post('/api/integrations/github/webhook-secret', {});
      expect(first.status).to.equal(200);
      expect(first.headers.get('cache-control')).to.equal('no-store');
      expect(first.body).to.include({ ok: true, rotated: false, webhook_url: `${srv.url}/api/integrations/github/webhook` });
      expect(first.body.webhook_secret).to.match(/^[A-Za-z0-9_-]{43}$/);
      const rotated = await client.post('/api/integrations/github/webhook-secret', { regenerate: true });
      expect(rotated.body.rotated).to.equal(true);
      expect(rotated.body.webhook_secret).to.not.equal(first.body.webhook_secret);
      expect(Date.parse(rotated.body.previous_valid_until) - Date.now()).to.be.within(23.9 * 3600_000, 24 * 3600_000);
    });

    it('answers 404 without a row and shows each user only their own secret', async () => {
      const { client } = await userWithProject();
      expect((await client.post('/api/integrations/github/webhook-secret', {})).status).to.equal(404);
      const other = await makeUser();
      const otherProject = await makeProject({ members: [other] });
      const { secret } = await connectGithub(srv, other, otherProject);
      const admin = await makeAdmin();
      const adminClient = srv.client();
      await adminClient.login(admin.email);
      const res = await adminClient.post('/api/integrations/github/webhook-secret', {});
      expect(res.status).to.equal(404);
      expect(res.text).to.not.include(secret);
    });
  });
});
