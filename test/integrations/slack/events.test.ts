import http from 'node:http';
import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { signatureHeader } from '../../../src/integrations/slack/verifyRequest.js';
import { Integration, TimeEntry } from '../../../src/models/index.js';
import { makeProject, makeUser } from '../../factories.js';
import { testDb } from '../../support/db.js';
import { useTestServer } from '../../support/server.js';
import { commandBody, EVENTS, makeSlackIntegration, nowSec, SECRET, signedHeaders, slash, SLACK_ENV } from './helpers.js';

const INVALID = { ok: false, error: 'Invalid signature' };

/** Raw node request, so a header can be sent twice. */
function rawPost(url: string, body: string, headers: http.OutgoingHttpHeaders): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${EVENTS}`, { method: 'POST', headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('POST /api/integrations/slack/events', () => {
  const srv = useTestServer({ env: SLACK_ENV });

  describe('signature checks over HTTP', () => {
    it('answers ssl_check=1 with 200 and an empty body', async () => {
      const res = await srv.client().post(EVENTS, undefined, {
        body: 'ssl_check=1&token=abc',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(res.status).to.equal(200);
      expect(res.text).to.equal('');
    });

    it('refuses a bad signature with an opaque 401 and runs nothing', async () => {
      const user = await makeUser();
      await makeSlackIntegration(user, { linked: 'U0AAA1' });
      await makeProject({ name: 'Alpha', members: [user] });
      const res = await slash(srv.client(), 'U0AAA1', 'start Alpha', { secret: 'wrong-secret' });
      expect(res.status).to.equal(401);
      expect(res.body).to.deep.equal(INVALID);
      expect(await TimeEntry.count()).to.equal(0);
    });

    it('refuses a stale timestamp, a future one and missing headers the same way', async () => {
      const user = await makeUser();
      await makeSlackIntegration(user, { linked: 'U0AAA1' });
      const body = commandBody({ userId: 'U0AAA1', text: 'status' });
      const c = srv.client();
      const stale = String(Math.floor(Date.now() / 1000) - 6 * 60);
      const future = String(Math.floor(Date.now() / 1000) + 6 * 60);
      for (const headers of [
        signedHeaders(SECRET, body, { ts: stale }),
        signedHeaders(SECRET, body, { ts: future }),
        { 'Content-Type': 'application/x-www-form-urlencoded' },
      ]) {
        const res = await c.post(EVENTS, undefined, { body, headers });
        expect(res.status).to.equal(401);
        expect(res.body).to.deep.equal(INVALID);
      }
    });

    it('refuses a duplicated X-Slack-Signature header', async () => {
      const user = await makeUser();
      await makeSlackIntegration(user, { linked: 'U0AAA1' });
      const body = commandBody({ userId: 'U0AAA1', text: 'status' });
      const headers = signedHeaders(SECRET, body);
      const good = await rawPost(srv.url, body, headers);
      expect(good.status).to.equal(200);
      const twice = await rawPost(srv.url, body, { ...headers, 'X-Slack-Signature': [headers['X-Slack-Signature'], headers['X-Slack-Signature']] });
      expect(twice.status).to.equal(401);
      expect(JSON.parse(twice.text)).to.deep.equal(INVALID);
    });

    it('refuses a body altered after signing', async () => {
      const user = await makeUser();
      await makeSlackIntegration(user, { linked: 'U0AAA1' });
      const body = commandBody({ userId: 'U0AAA1', text: 'status' });
      const res = await srv.client().post(EVENTS, undefined, { body: body.replace('status', 'stop'), headers: signedHeaders(SECRET, body) });
      expect(res.status).to.equal(401);
    });

    it('answers a signed url_verification with the challenge', async () => {
      const user = await makeUser();
      await makeSlackIntegration(user, { linked: 'U0AAA1' });
      const body = JSON.stringify({ token: 'x', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' });
      const res = await srv.client().post(EVENTS, undefined, { body, headers: signedHeaders(SECRET, body, { json: true }) });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
      const forged = await srv.client().post(EVENTS, undefined, { body, headers: signedHeaders('not-the-secret', body, { json: true }) });
      expect(forged.status).to.equal(401);
      expect(forged.body).to.deep.equal(INVALID);
    });

    it('acknowledges other signed Events API callbacks of a known team', async () => {
      const user = await makeUser();
      await makeSlackIntegration(user, { linked: 'U0AAA1', team: 'T0TEAM1' });
      const body = JSON.stringify({ type: 'event_callback', team_id: 'T0TEAM1', event: { type: 'app_mention' } });
      const res = await srv.client().post(EVENTS, undefined, { body, headers: signedHeaders(SECRET, body, { json: true }) });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ ok: true });
    });
  });

  describe('routing by Slack user id', () => {
    it('lets two TimeTracker users on one Slack app control only their own timers', async () => {
      const ann = await makeUser({ username: 'ann' });
      const bob = await makeUser({ username: 'bob' });
      await makeSlackIntegration(ann, { linked: 'U0ANN' });
      await makeSlackIntegration(bob, { linked: 'U0BOB' });
      await makeProject({ name: 'Alpha', members: [ann, bob] });
      await makeProject({ name: 'Beta', members: [ann, bob] });
      const c = srv.client();

      const a = await slash(c, 'U0ANN', 'start alpha');
      expect(a.body.response_type).to.equal('ephemeral');
      expect(a.body.text).to.equal(':stopwatch: Timer started on *Alpha*.');
      const b = await slash(c, 'U0BOB', 'start beta');
      expect(b.body.text).to.equal(':stopwatch: Timer started on *Beta*.');

      const running = await TimeEntry.findAll({ where: { end_time: null }, order: [['user_id', 'ASC']] });
      expect(running.map((e) => [e.user_id, e.source])).to.deep.equal([[ann.id, 'slack'], [bob.id, 'slack']]);

      expect((await slash(c, 'U0ANN', 'status')).body.text).to.match(/^:hourglass_flowing_sand: Active timer on \*Alpha\* \(running 00:00:0\d\)\.$/);
      expect((await slash(c, 'U0BOB', 'stop')).body.text).to.match(/^:white_check_mark: Timer stopped \(duration 00:00:0\d\)\.$/);
      expect(await TimeEntry.count({ where: { user_id: ann.id, end_time: null } })).to.equal(1);
      expect(await TimeEntry.count({ where: { user_id: bob.id, end_time: null } })).to.equal(0);
    });

    it('tells an unlinked Slack user whose request verifies with a shared secret to link, showing their id', async () => {
      const ann = await makeUser();
      await makeSlackIntegration(ann, { linked: 'U0ANN', team: 'T0TEAM1' });
      await makeProject({ name: 'Alpha', members: [ann] });
      const res = await slash(srv.client(), 'U0STRANGER', 'start Alpha');
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({
        response_type: 'ephemeral',
        text: 'This Slack account is not linked to TimeTracker. Add your Slack user ID `U0STRANGER` under Personal connectors → Slack.',
      });
      expect(await TimeEntry.count()).to.equal(0);
    });

    it('finds the shared secret for an unlinked user before any team id was learned', async () => {
      const ann = await makeUser();
      await makeSlackIntegration(ann, { linked: 'U0ANN' });
      const res = await slash(srv.client(), 'U0STRANGER', 'status');
      expect(res.body.text).to.include('`U0STRANGER`');
    });

    it('refuses an unlinked user whose request verifies with no known secret', async () => {
      const ann = await makeUser();
      await makeSlackIntegration(ann, { linked: 'U0ANN' });
      const res = await slash(srv.client(), 'U0STRANGER', 'status', { secret: 'some-other-app' });
      expect(res.status).to.equal(401);
    });

    it("never lets another app's secret act for a linked user (routing by user, not by first matching secret)", async () => {
      const ann = await makeUser();
      const mallory = await makeUser();
      await makeSlackIntegration(ann, { linked: 'U0ANN', signingSecret: 'ann-app-secret' });
      await makeSlackIntegration(mallory, { linked: 'U0MAL', signingSecret: 'mallory-app-secret' });
      await makeProject({ name: 'Alpha', members: [ann, mallory] });
      const res = await slash(srv.client(), 'U0ANN', 'start Alpha', { secret: 'mallory-app-secret' });
      expect(res.status).to.equal(200);
      expect(res.body.text).to.include('signing secret saved there does not match');
      expect(await TimeEntry.count()).to.equal(0);
    });

    it('learns the Slack team id from a verified command of the linked user', async () => {
      const ann = await makeUser();
      const row = await makeSlackIntegration(ann, { linked: 'U0ANN' });
      await slash(srv.client(), 'U0ANN', 'status', { teamId: 'T0LEARN' });
      await row.reload();
      expect(row.config.slack_team_id).to.equal('T0LEARN');
    });

    it('says the connector is off when the linked row has no bot token', async () => {
      const ann = await makeUser();
      await makeSlackIntegration(ann, { linked: 'U0ANN', botToken: null });
      const res = await slash(srv.client(), 'U0ANN', 'status');
      expect(res.body.text).to.include('switched off');
    });

    it('looks the linked user up through the expression index', async () => {
      const { sequelize } = await testDb();
      const plan = await sequelize.transaction(async (transaction) => {
        await sequelize.query('SET LOCAL enable_seqscan = off', { transaction });
        return sequelize.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT id FROM integrations WHERE provider = 'slack_connector' AND (config->>'linked_slack_user_id') = 'U0ANN'`,
          { type: QueryTypes.SELECT, transaction },
        );
      });
      expect(plan.map((r) => r['QUERY PLAN']).join('\n')).to.include('integrations_slack_user_idx');
    });

    it('keeps the candidate set bounded however many rows share a team', async () => {
      const users = await Promise.all(Array.from({ length: 30 }, () => makeUser()));
      for (const u of users) await makeSlackIntegration(u, { team: 'T0BIG', signingSecret: `secret-${u.id}` });
      const { rowsForTeam, TEAM_LIMIT, UNLEARNED_LIMIT } = await import('../../../src/integrations/slack/routing.js');
      const rows = await rowsForTeam('T0BIG', []);
      expect(rows.length).to.be.at.most(TEAM_LIMIT + UNLEARNED_LIMIT);
      expect(await Integration.count()).to.equal(30);
    });
  });

  it('signs and answers within Slack’s 3-second budget', async () => {
    const ann = await makeUser();
    await makeSlackIntegration(ann, { linked: 'U0ANN' });
    await makeProject({ name: 'Alpha', members: [ann] });
    const started = Date.now();
    const body = commandBody({ userId: 'U0ANN', text: 'start Alpha' });
    const ts = nowSec();
    const res = await srv.client().post(EVENTS, undefined, {
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': signatureHeader(SECRET, ts, body) },
    });
    expect(res.status).to.equal(200);
    expect(Date.now() - started).to.be.below(1000);
  });
});
