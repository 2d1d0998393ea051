// A full scenario with real-looking tokens and secrets configured for all three connectors, with
// third parties that fail and echo credentials back. Afterwards every table (as a pg_dump would
// see it), the server's whole log output (at trace level) and every API and admin-panel response
// are searched for each secret in plaintext, and for more than a short prefix of each token.
import { expect } from 'chai';
import type { ServerProc } from '../../bench/lib/proc.js';
import { sleep } from '../../bench/lib/proc.js';
import { issuePayload, signedGithubDelivery, signedSlashCommand } from '../../bench/lib/signing.js';
import { ADMIN_PASSWORD, configureGithub, configureSlack, connectGoogle, createOwner, type World } from '../../bench/lib/world.js';
import { signedInteraction } from './support/fuzz.js';
import { dumpAllTables, leaks, num, sharedWorld, waitFor } from './support/helpers.js';

describe('reliability: secrets never appear in plaintext', function () {
  this.timeout(180_000);
  let world: World;
  let server: ServerProc;

  before(async function () {
    this.timeout(120_000);
    world = await sharedWorld();
    server = await world.startServer({ JOBS_ENABLED: 'true', LOG_LEVEL: 'trace' });
  });

  after(async function () {
    this.timeout(60_000);
    await world?.close();
  });

  it('keeps every token and secret out of the database, the logs and every response', async () => {
    const admin = await world.admin(server);
    const owner = await createOwner(admin, 'secretowner', { role: 'admin', github_username: 'octocat' });
    const c = owner.client;
    const revealed: string[] = []; // responses that show the webhook secret to its owner, by design

    // GitHub: save, reveal, test (ok, failing, echoing the token), sync, webhooks, rotate.
    const gh = await configureGithub(owner, 'acme/secrets', { auto_start_timer: true });
    revealed.push(c.transcript.pop()!);
    world.github.repos.set('acme/secrets', [{ number: 1, title: 'One' }, { number: 2, title: 'Two' }]);
    await c.get('/api/integrations/github/status');
    await c.post('/api/integrations/github/test', {});
    world.github.inject('echo', { count: 2 });
    await c.post('/api/integrations/github/test', {});
    await c.post('/api/integrations/github/sync', {});
    await c.get('/api/integrations/github/status');
    await c.post('/api/integrations/github/sync', {});
    const deliver = async (action: string, n: number, secret = gh.webhookSecret) => {
      const d = signedGithubDelivery('issues', issuePayload({ action, number: n, repo: gh.repo, assignee: 'octocat' }), secret);
      const res = await fetch(`${server.url}/api/integrations/github/webhook`, { method: 'POST', headers: d.headers, body: d.body });
      c.transcript.push(`webhook ${res.status} ${await res.text()}`);
    };
    await deliver('opened', 3);
    await deliver('assigned', 3);
    await c.post('/api/timer/stop', {});
    const rotated = await c.post('/api/integrations/github/webhook-secret', { regenerate: true });
    revealed.push(c.transcript.pop()!);
    const newWebhookSecret = String(rotated.body.webhook_secret);
    await deliver('closed', 3, gh.webhookSecret); // the previous secret, during rotation
    await deliver('reopened', 3, newWebhookSecret);

    // Slack: save, test (ok, echoing), commands, notifications through the outbox.
    const slack = await configureSlack(owner, 'U0SECRETOWN');
    await c.get('/api/integrations/slack/status');
    await c.post('/api/integrations/slack/test', {});
    world.slack.inject('echo', { count: 1 });
    await c.post('/api/integrations/slack/test', {});
    for (const text of ['status', 'start', 'status', 'today', 'stop', 'help']) {
      const cmd = signedSlashCommand({ text: text === 'start' ? `start ${owner.projectId}` : text, userId: slack.slackUserId }, slack.signingSecret);
      const res = await fetch(`${server.url}/api/integrations/slack/events`, { method: 'POST', headers: cmd.headers, body: cmd.body });
      c.transcript.push(`slack ${res.status} ${await res.text()}`);
    }
    // Button clicks without a response_url: the answer rides on the 200 and is scanned with the rest.
    for (const [actionId, value] of [['tt_start', String(owner.projectId)], ['tt_stop', '0'], ['tt_switch', String(owner.projectId)], ['tt_unknown', '']]) {
      const click = signedInteraction({ userId: slack.slackUserId, actionId, value }, slack.signingSecret);
      const res = await fetch(`${server.url}/api/integrations/slack/interactions`, { method: 'POST', headers: click.headers, body: click.body });
      c.transcript.push(`slack-click ${res.status} ${await res.text()}`);
    }
    const stopCmd = signedSlashCommand({ text: 'stop', userId: slack.slackUserId }, slack.signingSecret);
    const stopped = await fetch(`${server.url}/api/integrations/slack/events`, { method: 'POST', headers: stopCmd.headers, body: stopCmd.body });
    c.transcript.push(`slack ${stopped.status} ${await stopped.text()}`);
    world.slack.inject('echo', { count: 1, pathIncludes: 'chat.postMessage' });
    await c.post('/api/timer/start', { project_id: owner.projectId });
    await c.post('/api/timer/stop', {});
    // Every notification sent, the echoed one included (it is retried after the echo), so the echo
    // answer has reached the server before the logs and tables are searched.
    await waitFor(() => world.slack.requests('chat.postMessage').some((l) => l.fault === 'echo'), 60_000, 'an outbox message to get the echoing answer');
    await waitFor(async () => (await num(world.db, "SELECT count(*) AS n FROM outbox_messages WHERE status <> 'sent'")) === 0, 60_000, 'every notification sent', 1_000);
    expect(await num(world.db, 'SELECT count(*) AS n FROM outbox_messages')).to.be.at.least(2);

    // Google: OAuth connect, status, test, sync (ok and echoing), disconnect, reconnect.
    await connectGoogle(owner);
    await c.get('/api/integrations/google/status');
    await c.post('/api/integrations/google/test', {});
    await c.post('/api/integrations/google/sync', {});
    world.google.inject('echo', { count: 1, pathIncludes: '/events' });
    await c.post('/api/integrations/google/sync', {});
    await world.db.query("UPDATE integrations SET config = jsonb_set(config, '{token_expiry}', '\"2000-01-01T00:00:00.000Z\"') WHERE provider = 'google_calendar_connector'");
    world.google.inject('echo', { count: 1, pathIncludes: '/token' });
    await c.post('/api/integrations/google/sync', {});
    await c.post('/api/integrations/google/sync', {});
    await c.post('/integrations/google/disconnect', {});
    await connectGoogle(owner);

    // Everything a user or an admin can read back.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const range = `from=${day(-1)}&to=${day(1)}`;
    for (const path of ['/api/me', '/api/timer/status', '/api/auth/me', '/api/time-entries', '/api/tasks', '/api/projects', '/api/integrations/github/status', '/api/integrations/slack/status', '/api/integrations/google/status', `/api/reports/time-entries.csv?${range}`, `/api/reports/summary?${range}&group_by=user`, `/api/timesheet?week=${day(0)}`]) await c.get(path);
    for (const resource of ['integrations', 'users', 'outbox_messages']) {
      const list = await c.get(`/admin/api/resources/${resource}/actions/list`);
      for (const record of (list.body?.records ?? []) as Array<{ id: string }>) await c.get(`/admin/api/resources/${resource}/records/${record.id}/show`);
    }
    await sleep(500);

    const secrets: Record<string, string> = {
      github_token: gh.token,
      webhook_secret: gh.webhookSecret,
      new_webhook_secret: newWebhookSecret,
      slack_bot_token: slack.botToken,
      slack_signing_secret: slack.signingSecret,
      google_client_secret: world.serverEnv().GOOGLE_CLIENT_SECRET,
      session_secret: world.sessionSecret,
      encryption_key: world.key,
      admin_password: ADMIN_PASSWORD,
    };
    world.google.issued.forEach((t, i) => (secrets[`google_token_${i}`] = t));
    // "At most a short prefix": the type prefix plus six more characters is already too much.
    const prefixes: Record<string, string> = {
      github_token_prefix: gh.token.slice(0, 10),
      slack_bot_token_prefix: slack.botToken.slice(0, 11),
      ...Object.fromEntries(world.google.issued.map((t, i) => [`google_token_${i}_prefix`, t.slice(0, t.startsWith('ya29.') ? 16 : 22)])),
    };
    expect(world.google.issued.length, 'Google issued tokens').to.be.at.least(3);

    const dump = await dumpAllTables(world.db);
    const logs = server.output();
    const responses = c.transcript.filter((t) => !revealed.includes(t)).join('\n') + admin.transcript.join('\n');
    expect(responses.length).to.be.greaterThan(5_000);
    expect(logs.length).to.be.greaterThan(5_000);
    const all = { ...secrets, ...prefixes };
    const found = { database: leaks(dump, all), serverLog: leaks(logs, all), responses: leaks(responses, all) };
    expect(found).to.deep.equal({ database: [], serverLog: [], responses: [] });
    expect(revealed.every((r) => r.includes('webhook_secret'))).to.equal(true);
  });
});
