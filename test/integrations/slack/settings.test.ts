import { expect } from 'chai';
import nock from 'nock';
import { slackConnector } from '../../../src/integrations/slack/index.js';
import { Integration } from '../../../src/models/index.js';
import { makeUser } from '../../factories.js';
import { type TestClient, useTestServer } from '../../support/server.js';
import { BOT_TOKEN, makeSlackIntegration, SLACK_API, SLACK_ENV, SLACK_HOST, slackAccepts, type PostedMessage } from './helpers.js';
import { refused } from '../../support/validation.js';

const STATUS_KEYS = [
  'ok', 'id', 'connected', 'channel_id', 'notify_on_start', 'notify_on_stop', 'daily_summary', 'daily_summary_time',
  'linked_slack_user_id', 'has_signing_secret', 'events_url', 'interactions_url', 'state', 'last_error', 'last_error_at', 'last_success_at',
].sort();

describe('Slack config, status and test endpoints', () => {
  const srv = useTestServer({ env: SLACK_ENV });
  let c: TestClient;
  beforeEach(async () => {
    const user = await makeUser({ username: 'dana' });
    c = srv.client();
    await c.login(user.email);
  });

  const save = (body: Record<string, unknown>) => c.post('/api/integrations/slack/config', body);

  describe('GET /api/integrations/slack/status', () => {
    it('answers the defaults before anything is saved', async () => {
      const res = await c.get('/api/integrations/slack/status');
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({
        ok: true,
        id: null,
        connected: false,
        channel_id: null,
        notify_on_start: true,
        notify_on_stop: true,
        daily_summary: false,
        daily_summary_time: '18:00',
        linked_slack_user_id: null,
        has_signing_secret: false,
        events_url: `${srv.url}/api/integrations/slack/events`,
        interactions_url: `${srv.url}/api/integrations/slack/interactions`,
        state: 'not_connected',
        last_error: null,
        last_error_at: null,
        last_success_at: null,
      });
    });

    it('requires login', async () => {
      const res = await srv.client().get('/api/integrations/slack/status');
      expect(res.status).to.equal(401);
    });
  });

  describe('POST /api/integrations/slack/config', () => {
    it('saves every field, seals the secrets and never returns them', async () => {
      const res = await save({
        bot_token: BOT_TOKEN,
        signing_secret: 'sign-me-0123',
        channel_id: '#Time-Log',
        notify_on_start: 'off',
        notify_on_stop: 'true',
        daily_summary: 'on',
        daily_summary_time: '17:45',
        linked_slack_user_id: 'U0DANA1',
      });
      expect(res.status).to.equal(200);
      expect(Object.keys(res.body).sort()).to.deep.equal(STATUS_KEYS);
      expect(res.body).to.include({
        ok: true,
        connected: true,
        channel_id: '#time-log',
        notify_on_start: false,
        notify_on_stop: true,
        daily_summary: true,
        daily_summary_time: '17:45',
        linked_slack_user_id: 'U0DANA1',
        has_signing_secret: true,
      });
      expect(res.body.id).to.be.a('number');
      expect(res.text).not.to.include('xoxb');
      expect(res.text).not.to.include('sign-me');
      const row = (await Integration.findByPk(res.body.id))!;
      expect(row.is_active).to.equal(true);
      expect(String(row.config.bot_token)).to.match(/^nacl:v1:/);
      expect(String(row.config.signing_secret)).to.match(/^nacl:v1:/);
    });

    it('keeps a secret on a blank value and clears it on null; is_active follows the bot token', async () => {
      await save({ bot_token: BOT_TOKEN, signing_secret: 'sign-me' });
      let res = await save({ bot_token: '', signing_secret: '' });
      expect(res.body).to.include({ connected: true, has_signing_secret: true });
      res = await save({ bot_token: null });
      expect(res.body).to.include({ connected: false, has_signing_secret: true });
      res = await save({ signing_secret: null });
      expect(res.body.has_signing_secret).to.equal(false);
    });

    it('accepts a channel id (C… or G…)', async () => {
      expect((await save({ channel_id: 'C0123ABCD' })).body.channel_id).to.equal('C0123ABCD');
      expect((await save({ channel_id: 'G0123ABCD' })).body.channel_id).to.equal('G0123ABCD');
      expect((await save({ channel_id: '' })).body.channel_id).to.equal(null);
    });

    const invalid: Array<[string, unknown, string]> = [
      ['daily_summary_time', '8:00', 'daily_summary_time: must be HH:MM (24-hour clock, e.g. 18:00)'],
      ['daily_summary_time', '24:00', 'daily_summary_time: must be HH:MM (24-hour clock, e.g. 18:00)'],
      ['daily_summary_time', '18:60', 'daily_summary_time: must be HH:MM (24-hour clock, e.g. 18:00)'],
      ['daily_summary_time', '6pm', 'daily_summary_time: must be HH:MM (24-hour clock, e.g. 18:00)'],
      ['daily_summary_time', '18:00:00', 'daily_summary_time: must be HH:MM (24-hour clock, e.g. 18:00)'],
      ['linked_slack_user_id', 'u0abc', 'linked_slack_user_id: must be a Slack user id like U0123ABCD (or W… on Enterprise Grid)'],
      ['linked_slack_user_id', 'C0123', 'linked_slack_user_id: must be a Slack user id like U0123ABCD (or W… on Enterprise Grid)'],
      ['channel_id', 'general', 'channel_id: must be a channel name like #general or a channel id like C0123456789'],
      ['channel_id', 'D0123ABC', 'channel_id: must be a channel name like #general or a channel id like C0123456789'],
      ['notify_on_start', 'maybe', 'notify_on_start: must be true or false'],
    ];
    for (const [field, value, error] of invalid) {
      it(`refuses ${field} = ${JSON.stringify(value)}`, async () => {
        const res = await save({ [field]: value });
        expect(res.status).to.equal(400);
        expect(res.body).to.deep.equal(refused(error));
      });
    }

    it('reports every invalid field at once, a Slack user linked elsewhere included, and saves nothing', async () => {
      const other = await makeUser();
      const taken = srv.client();
      await taken.login(other.email);
      await taken.post('/api/integrations/slack/config', { bot_token: BOT_TOKEN, linked_slack_user_id: 'U0TAKEN1' });
      const res = await save({ bot_token: BOT_TOKEN, channel_id: 'general', daily_summary_time: '25:00', notify_on_stop: 'maybe', linked_slack_user_id: 'U0TAKEN1' });
      expect(res.status).to.equal(400);
      expect(res.body.fields).to.deep.equal({
        channel_id: 'must be a channel name like #general or a channel id like C0123456789',
        notify_on_stop: 'must be true or false',
        daily_summary_time: 'must be HH:MM (24-hour clock, e.g. 18:00)',
        linked_slack_user_id: 'this Slack user is already linked to another TimeTracker account',
      });
      expect(res.body.error.split('; ')).to.have.length(4);
      expect(await Integration.count({ where: { provider: 'slack_connector' } }), 'only the other user’s row').to.equal(1);
    });

    it('accepts W… user ids and 00:00 / 23:59', async () => {
      const res = await save({ linked_slack_user_id: 'W0ENTERPRISE', daily_summary_time: '00:00' });
      expect(res.body).to.include({ linked_slack_user_id: 'W0ENTERPRISE', daily_summary_time: '00:00' });
      expect((await save({ daily_summary_time: '23:59' })).body.daily_summary_time).to.equal('23:59');
    });

    it('refuses a Slack user id already linked to another TimeTracker account', async () => {
      const other = await makeUser();
      await makeSlackIntegration(other, { linked: 'U0TAKEN' });
      const res = await save({ linked_slack_user_id: 'U0TAKEN' });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.equal('linked_slack_user_id: this Slack user is already linked to another TimeTracker account');
    });

    it('refuses a form-encoded body (JSON only)', async () => {
      const res = await c.post('/api/integrations/slack/config', undefined, {
        body: 'channel_id=%23x',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status).to.equal(415);
    });
  });

  describe('POST /api/integrations/slack/test', () => {
    it('answers 404 when nothing is configured', async () => {
      const res = await c.post('/api/integrations/slack/test', {});
      expect(res.status).to.equal(404);
      expect(res.body).to.deep.equal({ ok: false, error: 'Integration not configured' });
    });

    it('posts the test message with the bot token and learns the team id', async () => {
      const saved = await save({ bot_token: BOT_TOKEN, channel_id: '#general' });
      const posted: PostedMessage[] = [];
      slackAccepts(posted, { team: 'T0TESTED' });
      const res = await c.post('/api/integrations/slack/test', {});
      expect(res.body).to.deep.equal({ ok: true, message: 'Test message sent to #general.' });
      expect(posted).to.deep.equal([{ channel: '#general', text: ':wave: TimeTracker test message.', auth: `Bearer ${BOT_TOKEN}` }]);
      expect((await Integration.findByPk(saved.body.id))!.config.slack_team_id).to.equal('T0TESTED');
    });

    it("returns Slack's error string when Slack answers ok:false", async () => {
      await save({ bot_token: BOT_TOKEN, channel_id: '#nowhere' });
      nock(SLACK_HOST).post('/api/chat.postMessage').reply(200, { ok: false, error: 'channel_not_found' });
      const res = await c.post('/api/integrations/slack/test', {});
      expect(res.status).to.equal(200);
      expect(res.body.ok).to.equal(false);
      expect(res.body.message).to.equal('Slack error: channel_not_found');
      expect(res.text).not.to.include(BOT_TOKEN);
    });

    it('answers a generic message, without the token, when Slack echoes the token as its error', async () => {
      const saved = await save({ bot_token: BOT_TOKEN, channel_id: '#general' });
      await Integration.update({ last_error: 'an earlier failure' }, { where: { id: saved.body.id } });
      nock(SLACK_HOST).post('/api/chat.postMessage').reply(200, { ok: false, error: BOT_TOKEN });
      const res = await c.post('/api/integrations/slack/test', {});
      expect(res.body).to.deep.include({ ok: false, message: 'Slack rejected the request' });
      nock(SLACK_HOST).post('/api/chat.postMessage').reply(500, (_uri, body) => ({ ok: false, error: `invalid request Bearer ${BOT_TOKEN} ${JSON.stringify(body)}` }));
      const echoed = await c.post('/api/integrations/slack/test', {});
      expect(echoed.body).to.deep.include({ ok: false, message: 'Slack answered HTTP 500' });
      const row = (await Integration.findByPk(saved.body.id))!;
      for (const text of [res.text, echoed.text, String(row.last_error)]) {
        expect(text).to.not.include(BOT_TOKEN);
        expect(text).to.not.include(BOT_TOKEN.slice(0, 11));
      }
    });

    it('reports a network failure without the token', async () => {
      await save({ bot_token: BOT_TOKEN, channel_id: '#general' });
      nock(SLACK_HOST).post('/api/chat.postMessage').replyWithError(`connect ECONNREFUSED with ${BOT_TOKEN}`);
      const res = await c.post('/api/integrations/slack/test', {});
      expect(res.body.ok).to.equal(false);
      expect(res.body.message).to.match(/^Could not reach Slack/);
      expect(res.text).not.to.include(BOT_TOKEN);
    });

    it('answers not configured for a row without a bot token', async () => {
      await save({ channel_id: '#general' });
      const res = await c.post('/api/integrations/slack/test', {});
      expect(res.body).to.include({ ok: false, error: 'Integration not configured' });
    });

    it('is also the descriptor testConnection (admin panel action)', async () => {
      const saved = await save({ bot_token: BOT_TOKEN });
      const row = (await Integration.findByPk(saved.body.id))!;
      const missingChannel = await slackConnector.testConnection!(row, { config: srv.config, sequelize: Integration.sequelize! });
      expect(missingChannel).to.deep.equal({ ok: false, message: 'channel_id: set a channel first' });
      await save({ channel_id: 'C0ABC' });
      await row.reload();
      const posted: PostedMessage[] = [];
      slackAccepts(posted);
      const ok = await slackConnector.testConnection!(row, { config: srv.config, sequelize: Integration.sequelize! });
      expect(ok).to.deep.equal({ ok: true, message: 'Test message sent to C0ABC.' });
      expect(srv.config.slackApiUrl).to.equal(SLACK_API);
    });
  });
});
