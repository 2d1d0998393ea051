import { expect } from 'chai';
import nock from 'nock';
import { QueryTypes } from 'sequelize';
import { isAllowedResponseUrl } from '../../../src/integrations/slack/client.js';
import { TimeEntry, type Project, type User } from '../../../src/models/index.js';
import { makeEntry, makeProject, makeUser } from '../../factories.js';
import { testDb } from '../../support/db.js';
import { useTestServer } from '../../support/server.js';
import {
  clickPayload,
  interactionBody,
  makeSlackIntegration,
  nowSec,
  postInteraction,
  responseUrlCatcher,
  SECRET,
  signedHeaders,
  slash,
  SLACK_API,
  SLACK_ENV,
  SLACK_HOST,
  type ClickOptions,
} from './helpers.js';

const INVALID = { ok: false, error: 'Invalid signature' };
const ANN = 'U0ANN1';
const BOB = 'U0BOB1';

type Block = { type: string; text?: { text: string }; elements?: Array<Record<string, unknown>> };
const actionsOf = (m: { blocks?: unknown }) => ((m.blocks ?? []) as Block[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

async function deliveries(): Promise<number> {
  const { sequelize } = await testDb();
  const [row] = await sequelize.query<{ n: string }>("SELECT count(*) AS n FROM webhook_deliveries WHERE provider = 'slack_connector'", { type: QueryTypes.SELECT });
  return Number(row.n);
}

describe('POST /api/integrations/slack/interactions', () => {
  const srv = useTestServer({ env: SLACK_ENV });
  let ann: User;
  let bob: User;
  let alpha: Project;
  let beta: Project;

  beforeEach(async () => {
    ann = await makeUser({ username: 'ann' });
    bob = await makeUser({ username: 'bob' });
    await makeSlackIntegration(ann, { linked: ANN });
    await makeSlackIntegration(bob, { linked: BOB });
    alpha = await makeProject({ name: 'Alpha', members: [ann, bob] });
    beta = await makeProject({ name: 'Beta', members: [ann] });
  });

  const running = (user: User) => TimeEntry.findAll({ where: { user_id: user.id, end_time: null } });
  const runningFor = (user: User, minutes: number, project = alpha) => makeEntry(user, project, { start: new Date(Date.now() - minutes * 60_000), end: null });

  /** Sends a signed click and returns the HTTP answer and the response_url follow-up. */
  async function click(o: ClickOptions, catcher = responseUrlCatcher()) {
    const res = await postInteraction(srv.client(), interactionBody(clickPayload(o)));
    expect(res.status).to.equal(200);
    expect(res.text).to.equal('');
    return { res, message: await catcher.next(), catcher };
  }

  describe('tt_stop', () => {
    it('stops the running timer named in the button and replaces the message with the stopped one', async () => {
      const entry = await runningFor(ann, 10);
      const original = ':stopwatch: *ann* started a timer\n*Project:* Alpha\n*Started at:* 09:00';
      const { message } = await click({ userId: ANN, actionId: 'tt_stop', value: String(entry.id), messageText: original });
      await entry.reload();
      expect(entry.end_time).to.be.instanceOf(Date);
      expect(entry.duration_seconds).to.be.within(599, 602);
      expect(message.replace_original).to.equal(true);
      expect(message.text).to.match(/^:stopwatch: \*ann\* started a timer\n\*Project:\* Alpha\n\*Started at:\* 09:00\n:white_check_mark: Timer stopped \(duration 00:10:0\d\)\.$/);
      expect(actionsOf(message)).to.deep.equal([]);
    });

    it('says "That timer already stopped" for a stale message and leaves the newer timer running', async () => {
      const old = await makeEntry(ann, alpha, { start: new Date(Date.now() - 3600_000), end: new Date(Date.now() - 1800_000) });
      const current = await runningFor(ann, 5, beta);
      const { message } = await click({ userId: ANN, actionId: 'tt_stop', value: String(old.id) });
      expect(message).to.deep.equal({ response_type: 'ephemeral', replace_original: false, text: 'That timer already stopped.' });
      await current.reload();
      expect(current.end_time).to.equal(null);
    });

    it("refuses to stop another user's timer", async () => {
      const annEntry = await runningFor(ann, 5);
      const bobEntry = await runningFor(bob, 5);
      const { message } = await click({ userId: BOB, actionId: 'tt_stop', value: String(annEntry.id) });
      expect(message).to.deep.equal({
        response_type: 'ephemeral',
        replace_original: false,
        text: ':x: That is not your timer; you can only stop your own. Nothing was changed.',
      });
      await annEntry.reload();
      await bobEntry.reload();
      expect(annEntry.end_time).to.equal(null);
      expect(bobEntry.end_time).to.equal(null);
    });

    it('answers a value that is not an entry id with a clear message and stops nothing', async () => {
      const entry = await runningFor(ann, 5);
      const { message } = await click({ userId: ANN, actionId: 'tt_stop', value: `${entry.id} OR 1=1` });
      expect(message.text).to.equal(':x: TimeTracker could not read that request. Nothing was changed.');
      await entry.reload();
      expect(entry.end_time).to.equal(null);
    });
  });

  describe('tt_keep', () => {
    it('Keep running on a reminder snoozes it for remind_after_hours and replaces the message', async () => {
      await ann.update({ remind_after_hours: 3 });
      const entry = await runningFor(ann, 250);
      const original = 'Still working on *Alpha*? Running for 4:10.';
      const before = Date.now();
      const { message } = await click({ userId: ANN, actionId: 'tt_keep', value: String(entry.id), messageText: original });
      await entry.reload();
      expect(entry.end_time).to.equal(null);
      expect(entry.reminded_at!.getTime()).to.be.within(before - 1000, Date.now() + 1000);
      expect(entry.remind_again_at!.getTime() - entry.reminded_at!.getTime()).to.equal(3 * 3600_000);
      expect(message.replace_original).to.equal(true);
      expect(message.text).to.equal(`${original}\n:+1: Keeping your timer on *Alpha* running. Next reminder in 3 h.`);
      expect(actionsOf(message)).to.deep.equal([]);
    });

    it('refuses another user\'s timer and a stopped one (ephemeral, nothing changed)', async () => {
      const annEntry = await runningFor(ann, 250);
      const catcher = responseUrlCatcher();
      const bobs = await click({ userId: BOB, actionId: 'tt_keep', value: String(annEntry.id) }, catcher);
      expect(bobs.message).to.deep.equal({ response_type: 'ephemeral', replace_original: false, text: ':x: That is not your timer. Nothing was changed.' });
      expect((await annEntry.reload()).remind_again_at).to.equal(null);
      const stopped = await makeEntry(ann, alpha, { start: new Date(Date.now() - 7200_000), end: new Date(Date.now() - 3600_000) });
      const late = await click({ userId: ANN, actionId: 'tt_keep', value: String(stopped.id) }, catcher);
      expect(late.message).to.deep.equal({ response_type: 'ephemeral', replace_original: false, text: 'That timer already stopped.' });
      expect((await stopped.reload()).remind_again_at).to.equal(null);
      const junk = await click({ userId: ANN, actionId: 'tt_keep', value: 'x' }, catcher);
      expect(junk.message.text).to.equal(':x: TimeTracker could not read that request. Nothing was changed.');
    });
  });

  describe('tt_stop_at', () => {
    /** HH:MM in UTC (the users' profile zone here) `minutesAgo` minutes ago. */
    const clockAgo = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString().slice(11, 16);

    it('ends the running entry at the chosen earlier time and replaces the message', async () => {
      const entry = await runningFor(ann, 180);
      const time = clockAgo(60);
      const { message } = await click({ userId: ANN, actionId: 'tt_stop_at', blockId: `tt_entry:${entry.id}`, selectedTime: time, messageText: 'Still working on *Alpha*? Running for 3:00.' });
      await entry.reload();
      expect(entry.end_time!.toISOString().slice(11, 16)).to.equal(time);
      expect(entry.end_time!.getTime()).to.be.within(Date.now() - 61 * 60_000 - 1000, Date.now() - 59 * 60_000);
      expect(entry.duration_seconds).to.be.within(119 * 60 - 60, 120 * 60 + 60);
      expect(message.replace_original).to.equal(true);
      expect(message.text).to.match(new RegExp(`^Still working on \\*Alpha\\*\\? Running for 3:00\\.\\n:white_check_mark: Timer stopped at ${time} \\(duration 0[12]:\\d\\d:\\d\\d\\)\\.$`));
    });

    it('refuses a time before the start (nothing changed); a time later than now means yesterday, also before the start', async () => {
      const entry = await runningFor(ann, 30);
      const catcher = responseUrlCatcher();
      const before = await click({ userId: ANN, actionId: 'tt_stop_at', blockId: `tt_entry:${entry.id}`, selectedTime: clockAgo(45) }, catcher);
      expect(before.message.text).to.equal(`:x: That is before the timer started (${entry.start_time.toISOString().slice(11, 16)}). Pick a later time. Nothing was changed.`);
      const future = await click({ userId: ANN, actionId: 'tt_stop_at', blockId: `tt_entry:${entry.id}`, selectedTime: clockAgo(-30) }, catcher);
      expect(future.message.response_type).to.equal('ephemeral');
      expect(future.message.text).to.match(/^:x: That is before the timer started/);
      expect((await entry.reload()).end_time).to.equal(null);
    });

    it('refuses another user\'s entry and a malformed choice', async () => {
      const entry = await runningFor(ann, 120);
      const catcher = responseUrlCatcher();
      const bobs = await click({ userId: BOB, actionId: 'tt_stop_at', blockId: `tt_entry:${entry.id}`, selectedTime: clockAgo(10) }, catcher);
      expect(bobs.message.text).to.equal(':x: That is not your timer; you can only stop your own. Nothing was changed.');
      const noBlock = await click({ userId: ANN, actionId: 'tt_stop_at', blockId: 'b1', selectedTime: clockAgo(10) }, catcher);
      expect(noBlock.message.text).to.equal(':x: TimeTracker could not read that request. Nothing was changed.');
      const badTime = await click({ userId: ANN, actionId: 'tt_stop_at', blockId: `tt_entry:${entry.id}`, selectedTime: '25:00' }, catcher);
      expect(badTime.message.text).to.equal(':x: TimeTracker could not read that request. Nothing was changed.');
      expect((await entry.reload()).end_time).to.equal(null);
    });
  });

  describe('tt_start', () => {
    it('starts a timer on the project in the button, from Slack, with Stop and Switch project', async () => {
      const { message } = await click({ userId: ANN, actionId: 'tt_start', value: String(beta.id) });
      const [entry] = await running(ann);
      expect(entry.project_id).to.equal(beta.id);
      expect(entry.source).to.equal('slack');
      expect(message.replace_original).to.equal(true);
      expect(message.text).to.equal(':stopwatch: Timer started on *Beta*.');
      const [stop, picker] = actionsOf(message);
      expect(stop).to.include({ type: 'button', action_id: 'tt_stop', value: String(entry.id) });
      expect(picker).to.include({ type: 'static_select', action_id: 'tt_switch' });
      expect((picker.options as Array<{ value: string }>).map((o) => o.value)).to.deep.equal([String(alpha.id)]);
    });

    it('refuses a project the user may not use and starts nothing', async () => {
      const { message } = await click({ userId: BOB, actionId: 'tt_start', value: String(beta.id) });
      expect(message).to.deep.equal({ response_type: 'ephemeral', replace_original: false, text: ':x: That project is not available to you. Nothing was changed.' });
      expect(await TimeEntry.count()).to.equal(0);
    });

    it('refuses an archived project and an unknown id the same way', async () => {
      const old = await makeProject({ name: 'Old', status: 'archived', members: [ann] });
      const catcher = responseUrlCatcher();
      for (const value of [String(old.id), '999999', 'abc']) {
        const { message } = await click({ userId: ANN, actionId: 'tt_start', value }, catcher);
        expect(message.text).to.equal(':x: That project is not available to you. Nothing was changed.');
      }
      expect(await TimeEntry.count()).to.equal(0);
    });

    it('does not start a second timer while one runs', async () => {
      await runningFor(ann, 61);
      const { message } = await click({ userId: ANN, actionId: 'tt_start', value: String(beta.id) });
      expect(message.response_type).to.equal('ephemeral');
      expect(message.text).to.match(/^:warning: You already have an active timer on \*Alpha\* \(running 01:01:0\d\)\./);
      const open = await running(ann);
      expect(open.map((e) => e.project_id)).to.deep.equal([alpha.id]);
    });

    it('acts once when Slack delivers the same click twice', async () => {
      const body = interactionBody(clickPayload({ userId: ANN, actionId: 'tt_start', value: String(alpha.id), triggerId: '1234.5678.retry' }));
      const catcher = responseUrlCatcher();
      const first = await postInteraction(srv.client(), body);
      expect(first.status).to.equal(200);
      expect((await catcher.next()).text).to.equal(':stopwatch: Timer started on *Alpha*.');
      // The timer is stopped in between, so a second start would be visible as a second entry.
      expect((await slash(srv.client(), ANN, 'stop')).body.text).to.match(/^:white_check_mark: Timer stopped/);
      const again = await postInteraction(srv.client(), body);
      expect(again.status).to.equal(200);
      expect(again.text).to.equal('');
      expect(await TimeEntry.count({ where: { user_id: ann.id } })).to.equal(1);
      expect(await running(ann)).to.have.length(0);
      // A different click afterwards is answered; the repeated one never was.
      const [stopped] = await TimeEntry.findAll({ where: { user_id: ann.id } });
      await postInteraction(srv.client(), interactionBody(clickPayload({ userId: ANN, actionId: 'tt_stop', value: String(stopped.id) })));
      expect((await catcher.next()).text).to.equal('That timer already stopped.');
      expect(catcher.received()).to.equal(2);
      expect(await deliveries()).to.equal(2);
    });
  });

  describe('tt_switch', () => {
    it('switches the running timer to the chosen project in one step', async () => {
      const old = await runningFor(ann, 30);
      const { message } = await click({ userId: ANN, actionId: 'tt_switch', selected: String(beta.id) });
      await old.reload();
      expect(old.end_time).to.be.instanceOf(Date);
      const [now] = await running(ann);
      expect(now.project_id).to.equal(beta.id);
      expect(now.start_time.getTime()).to.equal(old.end_time!.getTime());
      expect(message.replace_original).to.equal(true);
      expect(message.text).to.match(/^:repeat: Switched to \*Beta\* \(previous timer ran 00:30:0\d\)\.$/);
      expect(actionsOf(message)[0]).to.include({ action_id: 'tt_stop', value: String(now.id) });
    });

    it('refuses a project the user may not use and keeps the timer running', async () => {
      const secret = await makeProject({ name: 'Secret' });
      const old = await runningFor(bob, 30);
      const { message } = await click({ userId: BOB, actionId: 'tt_switch', selected: String(secret.id) });
      expect(message.text).to.equal(':x: That project is not available to you. Nothing was changed.');
      await old.reload();
      expect(old.end_time).to.equal(null);
      expect(await TimeEntry.count()).to.equal(1);
    });
  });

  describe('bad input', () => {
    it('answers an unknown action_id with a clear message and changes nothing', async () => {
      const entry = await runningFor(ann, 5);
      const catcher = responseUrlCatcher();
      for (const actionId of ['tt_dance', '__proto__', 'constructor']) {
        const { message } = await click({ userId: ANN, actionId, value: String(entry.id) }, catcher);
        expect(message).to.deep.equal({ response_type: 'ephemeral', replace_original: false, text: ':x: TimeTracker does not know that button. Nothing was changed.' });
      }
      await entry.reload();
      expect(entry.end_time).to.equal(null);
    });

    it('answers a malformed payload with 200 and a clear message when the signature is valid', async () => {
      const entry = await runningFor(ann, 5);
      const noActions = { ...clickPayload({ userId: ANN, actionId: 'tt_stop', value: String(entry.id), responseUrl: null }), actions: [] };
      for (const payload of ['{not json', '[]', JSON.stringify(noActions), JSON.stringify({ type: 'view_submission', user: { id: ANN } })]) {
        const res = await postInteraction(srv.client(), interactionBody(payload));
        expect(res.status, payload).to.equal(200);
        expect(res.body).to.deep.equal({ response_type: 'ephemeral', text: ':x: TimeTracker could not read that request. Nothing was changed.' });
      }
      const res = await postInteraction(srv.client(), 'no-payload=1');
      expect(res.status).to.equal(200);
      expect(res.body.text).to.equal(':x: TimeTracker could not read that request. Nothing was changed.');
      await entry.reload();
      expect(entry.end_time).to.equal(null);
      expect(await deliveries()).to.equal(0);
    });

    it('sends the malformed-payload answer to a Slack response_url when the payload has one', async () => {
      const catcher = responseUrlCatcher();
      const payload = { ...clickPayload({ userId: ANN, actionId: 'tt_stop' }), actions: 'nope' };
      const res = await postInteraction(srv.client(), interactionBody(payload));
      expect(res.status).to.equal(200);
      expect((await catcher.next()).text).to.equal(':x: TimeTracker could not read that request. Nothing was changed.');
    });

    it('refuses unsigned, stale, future-dated and altered clicks with 401 and does nothing', async () => {
      const entry = await runningFor(ann, 5);
      const body = interactionBody(clickPayload({ userId: ANN, actionId: 'tt_stop', value: String(entry.id) }));
      const old = String(Math.floor(Date.now() / 1000) - 6 * 60);
      const future = String(Math.floor(Date.now() / 1000) + 6 * 60);
      const altered = body.replace(encodeURIComponent(String(entry.id)), encodeURIComponent(String(entry.id + 1000)));
      expect(altered).to.not.equal(body);
      const attempts: Array<{ body: string; headers: Record<string, string> }> = [
        { body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
        { body, headers: signedHeaders(SECRET, body, { ts: old }) },
        { body, headers: signedHeaders(SECRET, body, { ts: future }) },
        { body, headers: signedHeaders('another-apps-secret-0123456789', body) },
        { body: altered, headers: signedHeaders(SECRET, body) },
        { body, headers: { ...signedHeaders(SECRET, body), 'X-Slack-Request-Timestamp': String(Number(nowSec()) - 1) } },
      ];
      for (const a of attempts) {
        const res = await postInteraction(srv.client(), a.body, { headers: a.headers });
        expect(res.status).to.equal(401);
        expect(res.body).to.deep.equal(INVALID);
      }
      await entry.reload();
      expect(entry.end_time).to.equal(null);
      expect(await deliveries()).to.equal(0);
    });

    it('answers an unlinked Slack user like /tt does, and acts for nobody', async () => {
      const entry = await runningFor(ann, 5);
      const { message } = await click({ userId: 'U0STRANGER', actionId: 'tt_stop', value: String(entry.id) });
      expect(message.text).to.equal(
        'This Slack account is not linked to TimeTracker. Add your Slack user ID `U0STRANGER` under Personal connectors → Slack.',
      );
      await entry.reload();
      expect(entry.end_time).to.equal(null);
    });

    it('never posts to a response_url outside Slack; the answer rides on the 200 instead', async () => {
      const evil = nock('https://evil.test').post(/.*/).reply(200, 'ok');
      const res = await postInteraction(
        srv.client(),
        interactionBody(clickPayload({ userId: ANN, actionId: 'tt_start', value: String(alpha.id), responseUrl: 'https://evil.test/collect' })),
      );
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ response_type: 'ephemeral', text: ':stopwatch: Timer started on *Alpha*.' });
      expect(evil.isDone()).to.equal(false);
    });
  });

  describe('acknowledgement', () => {
    it('answers 200 while the response_url follow-up is still waiting on Slack', async () => {
      const entry = await runningFor(ann, 5);
      let release!: () => void;
      const hold = new Promise<void>((resolve) => (release = resolve));
      const catcher = responseUrlCatcher({ hold });
      const res = await postInteraction(srv.client(), interactionBody(clickPayload({ userId: ANN, actionId: 'tt_stop', value: String(entry.id) })));
      expect(res.status).to.equal(200);
      // Slack has not answered the follow-up yet (the interceptor is held), and the work is done.
      expect(catcher.messages).to.have.length(0);
      await entry.reload();
      expect(entry.end_time).to.be.instanceOf(Date);
      release();
      expect((await catcher.next()).text).to.match(/^:white_check_mark: Timer stopped/);
      expect(catcher.received()).to.equal(1);
    });

    it('changes nothing more when the follow-up fails', async () => {
      nock(SLACK_HOST).post(/\/actions\//).reply(404, 'no_response_url');
      const res = await postInteraction(srv.client(), interactionBody(clickPayload({ userId: ANN, actionId: 'tt_start', value: String(alpha.id) })));
      expect(res.status).to.equal(200);
      expect(await running(ann)).to.have.length(1);
    });
  });
});

describe('/tt replies with buttons', () => {
  const srv = useTestServer({ env: SLACK_ENV });
  let user: User;

  beforeEach(async () => {
    user = await makeUser({ username: 'casey' });
    await makeSlackIntegration(user, { linked: ANN });
  });

  it('/tt status offers Stop for the running entry and a picker of the other allowed active projects', async () => {
    const alpha = await makeProject({ name: 'Alpha', members: [user] });
    const beta = await makeProject({ name: 'Beta', members: [user] });
    await makeProject({ name: 'Archived', status: 'archived', members: [user] });
    await makeProject({ name: 'Not mine' });
    const entry = await makeEntry(user, alpha, { start: new Date(Date.now() - 61_000), end: null });
    const res = await slash(srv.client(), ANN, 'status');
    expect(res.body.text).to.equal(':hourglass_flowing_sand: Active timer on *Alpha* (running 00:01:01).');
    expect(res.body.blocks[0]).to.deep.equal({ type: 'section', text: { type: 'mrkdwn', text: res.body.text } });
    const [stop, picker] = actionsOf(res.body);
    expect(stop).to.include({ action_id: 'tt_stop', value: String(entry.id) });
    expect((stop.text as { text: string }).text).to.equal('Stop');
    expect((picker.placeholder as { text: string }).text).to.equal('Switch project');
    expect((picker.options as Array<{ value: string }>).map((o) => o.value)).to.deep.equal([String(beta.id)]);
  });

  it('/tt status without a timer has no buttons', async () => {
    const res = await slash(srv.client(), ANN, 'status');
    expect(res.body).to.deep.equal({ response_type: 'ephemeral', text: 'No active timer.' });
  });

  it('/tt start with several matches answers one tt_start button per match', async () => {
    const a = await makeProject({ name: 'Mobile App', members: [user] });
    const b = await makeProject({ name: 'Mobile Web', members: [user] });
    const res = await slash(srv.client(), ANN, 'start mobile');
    expect(res.body.text).to.equal(`Several projects match "mobile": *Mobile App* (id ${a.id}), *Mobile Web* (id ${b.id}). Use the full name or the id.`);
    expect(actionsOf(res.body).map((e) => [e.action_id, e.value, (e.text as { text: string }).text])).to.deep.equal([
      ['tt_start', String(a.id), 'Mobile App'],
      ['tt_start', String(b.id), 'Mobile Web'],
    ]);
  });

  it('/tt start offers Stop for the new entry', async () => {
    await makeProject({ name: 'Alpha', members: [user] });
    const res = await slash(srv.client(), ANN, 'start alpha');
    const [entry] = await TimeEntry.findAll({ where: { user_id: user.id, end_time: null } });
    expect(actionsOf(res.body)[0]).to.include({ action_id: 'tt_stop', value: String(entry.id) });
  });
});

describe('isAllowedResponseUrl', () => {
  const cases: Array<[string, boolean]> = [
    ['https://hooks.slack.com/actions/T1/2/abc', true],
    ['https://hooks.slack.com:443/actions/T1/2/abc', true],
    [`${SLACK_HOST}/actions/T1/2/abc`, true],
    ['http://hooks.slack.com/actions/T1/2/abc', false],
    ['https://hooks.slack.com.evil.test/actions', false],
    ['https://evil.test/?u=https://hooks.slack.com/', false],
    ['https://user:pw@hooks.slack.com/actions', false],
    ['https://hooks.slack.com:8443/actions', false],
    ['https://slack.com/api/chat.postMessage', false],
    ['not a url', false],
  ];
  for (const [url, ok] of cases) {
    it(`${ok ? 'accepts' : 'refuses'} ${url}`, () => {
      expect(isAllowedResponseUrl(url, SLACK_API)).to.equal(ok);
    });
  }
});
