// Connector health (src/integrations/health.ts): Connected only after a passing test or a
// successful use; a failed test or use is recorded with its time and shows Error with the reason,
// secrets scrubbed; saved but untried credentials are "not verified".
import { expect } from 'chai';
import nock from 'nock';
import * as m0008 from '../../migrations/0008-connector-health.js';
import { deliverDueMessages, enqueueMessage } from '../../src/integrations/slack/outbox.js';
import { recordFailure, recordUse, rowHealth, USE_REFRESH_MS } from '../../src/integrations/health.js';
import { Integration } from '../../src/models/index.js';
import { makeProject, makeUser } from '../factories.js';
import { testDb } from '../support/db.js';
import { useTestServer } from '../support/server.js';
import { connectGithub, deliver, issuePayload, TOKEN } from './github/helpers.js';
import { CALENDAR, connectRow, EVENTS_PATH, GOOGLE_ENV, OAUTH2 } from './google-calendar/helpers.js';
import { BOT_TOKEN, makeSlackIntegration, SECRET, slackAccepts, SLACK_API, SLACK_HOST, slash } from './slack/helpers.js';

const GITHUB_API = 'https://github.test/api/v3';

describe('Connector health: state, last_error_at, last_success_at', () => {
  const srv = useTestServer({ env: { GITHUB_API_URL: GITHUB_API, SLACK_API_URL: SLACK_API, ...GOOGLE_ENV } });

  async function github() {
    const user = await makeUser();
    const project = await makeProject({ members: [user] });
    const connected = await connectGithub(srv, user, project);
    return { user, project, ...connected };
  }
  const githubStatus = async (c: Awaited<ReturnType<typeof github>>['client']) => (await c.get('/api/integrations/github/status')).body;

  describe('GitHub', () => {
    it('a saved but never tested connector is "not_verified" (connected stays true for older clients)', async () => {
      const { client } = await github();
      const status = await githubStatus(client);
      expect(status).to.include({ connected: true, state: 'not_verified', last_error: null, last_success_at: null, last_error_at: null });
    });

    it('a failed test records the reason and its time and shows Error; the token never appears in it', async () => {
      const { client, integrationId } = await github();
      nock(GITHUB_API).get('/user').reply(403, { message: `token ${TOKEN} has no access` });
      const before = Date.now();
      const test = await client.post('/api/integrations/github/test', {});
      expect(test.body.ok).to.equal(false);
      const status = await githubStatus(client);
      expect(status.state).to.equal('error');
      expect(status.last_error).to.match(/^GitHub refused access \(HTTP 403\)/);
      expect(Date.parse(status.last_error_at)).to.be.within(before - 1000, Date.now() + 1000);
      const row = (await Integration.findByPk(integrationId))!;
      expect(row.last_error).to.not.include(TOKEN).and.not.include(TOKEN.slice(4, 20));
      expect(JSON.stringify(status)).to.not.include(TOKEN.slice(4, 20));
    });

    it('a passing test clears the error and verifies; saving a new token makes it "not_verified" again', async () => {
      const { client, project } = await github();
      nock(GITHUB_API).get('/user').reply(401, { message: 'Bad credentials' });
      await client.post('/api/integrations/github/test', {});
      expect((await githubStatus(client)).state).to.equal('error');
      nock(GITHUB_API).get('/user').reply(200, { login: 'octocat' });
      expect((await client.post('/api/integrations/github/test', {})).body).to.include({ ok: true, message: 'Connected as octocat' });
      const verified = await githubStatus(client);
      expect(verified).to.include({ state: 'connected', last_error: null, last_error_at: null });
      expect(verified.last_success_at).to.be.a('string');
      const unchanged = await client.post('/api/integrations/github/config', { repo_owner: 'Codertocat', repo_name: 'Hello-World', default_project_id: project.id, label_filter: 'x' });
      expect(unchanged.body.state, 'a label filter does not touch the connection').to.equal('connected');
      const saved = await client.post('/api/integrations/github/config', {
        github_token: 'ghp_anotherTokenValue0123456789', repo_owner: 'Codertocat', repo_name: 'Hello-World', default_project_id: project.id,
      });
      expect(saved.body).to.include({ state: 'not_verified', last_success_at: null });
    });

    it('a webhook delivery verifies the connector but does not clear a recorded token error', async () => {
      const { client, secret, integrationId } = await github();
      expect((await deliver(srv, issuePayload('opened', { number: 5 }), { secret })).status).to.equal(200);
      const first = await githubStatus(client);
      expect(first.state).to.equal('connected');
      await recordFailure((await Integration.findByPk(integrationId))!, 'GitHub rejected the token (invalid or expired); enter a new personal access token');
      expect((await deliver(srv, issuePayload('opened', { number: 6 }), { secret })).status).to.equal(200);
      const after = await githubStatus(client);
      expect(after.state).to.equal('error');
      expect(after.last_error).to.match(/^GitHub rejected the token/);
    });

    it('a failed sync is an Error with its reason; a successful one verifies', async () => {
      const { client } = await github();
      nock(GITHUB_API).get('/repos/Codertocat/Hello-World/issues').query(true).reply(404, {});
      const { user } = { user: await makeUser({ role: 'admin' }) };
      const admin = srv.client();
      await admin.login(user.email);
      const id = (await githubStatus(client)).id;
      expect((await admin.post('/api/integrations/github/sync', { integration_id: id })).body.ok).to.equal(false);
      const failed = await githubStatus(client);
      expect(failed).to.include({ state: 'error', last_sync_status: 'error' });
      expect(failed.last_error).to.match(/^GitHub answered 404/);
      nock(GITHUB_API).get('/repos/Codertocat/Hello-World/issues').query(true).reply(200, []);
      expect((await admin.post('/api/integrations/github/sync', { integration_id: id })).body.ok).to.equal(true);
      expect(await githubStatus(client)).to.include({ state: 'connected', last_error: null });
    });
  });

  describe('Slack', () => {
    async function slack(opts: Parameters<typeof makeSlackIntegration>[1] = {}) {
      const user = await makeUser();
      const row = await makeSlackIntegration(user, opts);
      const client = srv.client();
      await client.login(user.email);
      return { user, row, client, status: async () => (await client.get('/api/integrations/slack/status')).body };
    }

    it('a refused test message is an Error with Slack\'s reason; a sent one verifies', async () => {
      const { status, client } = await slack();
      expect((await status()).state).to.equal('not_verified');
      nock(SLACK_HOST).post('/api/chat.postMessage').reply(200, { ok: false, error: 'channel_not_found' });
      await client.post('/api/integrations/slack/test', {});
      const failed = await status();
      expect(failed.state).to.equal('error');
      expect(failed.last_error).to.include('channel_not_found');
      expect(failed.last_error_at).to.be.a('string');
      slackAccepts([]);
      await client.post('/api/integrations/slack/test', {});
      expect(await status()).to.include({ state: 'connected', last_error: null, last_error_at: null });
    });

    it('a delivered message verifies the connector; a message Slack refuses records why', async () => {
      const { row, status } = await slack();
      await enqueueMessage({ integrationId: row.id, kind: 'timer_started', channel: '#time', text: 'hi', dedupeKey: 'h1' });
      nock(SLACK_HOST).post('/api/chat.postMessage').reply(200, { ok: false, error: 'not_in_channel' });
      expect((await deliverDueMessages({ apiUrl: SLACK_API })).failed).to.equal(1);
      const failed = await status();
      expect(failed.state).to.equal('error');
      expect(failed.last_error).to.match(/was not delivered: .*not_in_channel/);
      await enqueueMessage({ integrationId: row.id, kind: 'timer_started', channel: '#time', text: 'again', dedupeKey: 'h2' });
      slackAccepts([]);
      expect((await deliverDueMessages({ apiUrl: SLACK_API, now: new Date(Date.now() + 2000) })).sent).to.equal(1);
      expect(await status()).to.include({ state: 'connected', last_error: null });
    });

    it('a verified slash command counts as a use', async () => {
      const { status } = await slack({ linked: 'U0HEALTH1' });
      expect((await slash(srv.client(), 'U0HEALTH1', 'status')).status).to.equal(200);
      expect((await status()).state).to.equal('connected');
    });

    it('the stored reason never contains the bot token or the signing secret, even when not token-shaped', async () => {
      const { row, status } = await slack();
      await recordFailure(row, `Slack said: invalid_auth for ${BOT_TOKEN} signed with ${SECRET}`);
      const body = await status();
      expect(body.last_error).to.not.include(BOT_TOKEN).and.not.include(SECRET);
      expect(body.last_error).to.include('[redacted]');
    });

    it('writes an everyday use at most every few minutes (and always when it clears an error)', async () => {
      const { row } = await slack();
      const ref: { id: number; last_success_at: Date | null; last_error: string | null } = { id: row.id, last_success_at: null, last_error: null };
      const at = new Date();
      const stored = async () => (await Integration.findByPk(row.id))!;
      await recordUse(ref, { clearsError: false, at });
      expect((await stored()).last_success_at!.getTime()).to.equal(at.getTime());
      const { sequelize } = await testDb();
      await sequelize.query('UPDATE integrations SET last_success_at = $2 WHERE id = $1', { bind: [row.id, new Date(0).toISOString()] });
      await recordUse(ref, { clearsError: false, at: new Date(at.getTime() + USE_REFRESH_MS - 1000) });
      expect((await stored()).last_success_at!.getTime(), 'throttled: no write').to.equal(0);
      await recordUse(ref, { clearsError: false, at: new Date(at.getTime() + USE_REFRESH_MS + 1000) });
      expect((await stored()).last_success_at!.getTime()).to.equal(at.getTime() + USE_REFRESH_MS + 1000);
      await sequelize.query(`UPDATE integrations SET last_error = 'boom', last_error_at = now() WHERE id = $1`, { bind: [row.id] });
      ref.last_error = 'boom';
      await recordUse(ref, { clearsError: true, at: new Date(at.getTime() + USE_REFRESH_MS + 2000) });
      expect(await stored()).to.include({ last_error: null, last_error_at: null });
    });
  });

  describe('Google Calendar', () => {
    it('a failed test is an Error; Google refusing the refresh token means Reconnect needed', async () => {
      const user = await makeUser();
      const row = await connectRow(user, {}, { expiresInMs: -1000 });
      const client = srv.client();
      await client.login(user.email);
      nock(OAUTH2).post('/token').reply(200, { access_token: 'ya29.fresh-access-token', expires_in: 3600 });
      nock(CALENDAR).get(EVENTS_PATH).query(true).reply(404, { error: { code: 404, message: 'Not Found' } });
      await client.post('/api/integrations/google/test', {});
      const failed = (await client.get('/api/integrations/google/status')).body;
      expect(failed.state).to.equal('error');
      expect(failed.last_error).to.equal('Google answered HTTP 404: Not Found');
      await row.reload();
      await row.update({ config: { ...row.config, token_expiry: new Date(0).toISOString() } });
      nock(OAUTH2).post('/token').reply(400, { error: 'invalid_grant' });
      await client.post('/api/integrations/google/test', {});
      const reconnect = (await client.get('/api/integrations/google/status')).body;
      expect(reconnect).to.include({ state: 'reconnect', needs_reconnect: true });
      expect(reconnect.last_error).to.match(/reconnect Google Calendar/);
    });
  });

  describe('the panel', () => {
    it('"Test connection" in the Integrations resource records its outcome too, and the list shows the state and reason', async () => {
      const user = await makeUser();
      const project = await makeProject({ members: [user] });
      const { client, integrationId } = await connectGithub(srv, user, project);
      nock(GITHUB_API).get('/user').reply(401, { message: 'Bad credentials' });
      const res = await client.post(`/admin/api/resources/integrations/records/${integrationId}/testConnection`, {});
      expect(res.body.notice.type).to.equal('error');
      const row = (await Integration.findByPk(integrationId))!;
      expect(row.last_error).to.match(/^GitHub rejected the token/);
      expect(row.last_error_at).to.be.instanceOf(Date);
      const list = await client.get('/admin/api/resources/integrations/actions/list');
      expect(list.body.records[0].params).to.include({ health: 'error', health_detail: row.last_error });
    });

    it('rowHealth: not connected, not verified, connected, error, reconnect', () => {
      const base = { provider: 'slack_connector' as const, is_active: true, config: {}, last_error: null, last_success_at: null };
      expect(rowHealth({ ...base, is_active: false }).state).to.equal('not_connected');
      expect(rowHealth(base)).to.deep.equal({ state: 'not_verified', detail: 'Not verified yet — run Test connection' });
      expect(rowHealth({ ...base, last_success_at: new Date() })).to.deep.equal({ state: 'connected', detail: null });
      expect(rowHealth({ ...base, last_success_at: new Date(), last_error: 'nope' })).to.deep.equal({ state: 'error', detail: 'nope' });
      expect(rowHealth({ ...base, provider: 'google_calendar_connector', config: { needs_reconnect: true }, last_error: 'expired' }).state).to.equal('reconnect');
    });
  });

  describe('migration 0008', () => {
    it('backfills the times from what rows already recorded', async () => {
      const user = await makeUser();
      const other = await makeUser();
      const failedAt = new Date('2026-01-02T03:04:05Z');
      const failed = await makeSlackIntegration(user);
      await failed.update({ last_error: 'channel_not_found', last_sync_at: failedAt, last_sync_status: 'error' });
      const synced = await connectRow(other);
      await synced.update({ last_sync_at: failedAt, last_sync_status: 'success' });
      const { sequelize } = await testDb();
      await sequelize.query('UPDATE integrations SET last_error_at = NULL, last_success_at = NULL');
      await m0008.up({ context: sequelize.getQueryInterface() });
      await failed.reload();
      await synced.reload();
      expect(failed.last_error_at!.toISOString()).to.equal(failedAt.toISOString());
      expect(failed.last_success_at).to.equal(null);
      expect(synced.last_success_at!.toISOString()).to.equal(failedAt.toISOString());
      expect(synced.last_error_at).to.equal(null);
    });
  });
});
