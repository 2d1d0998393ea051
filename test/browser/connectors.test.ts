// Personal connectors page in real Chromium: the three cards load their status, save through the
// JSON API, show server validation next to the field, reveal the GitHub webhook secret and run
// the connection tests (GitHub, Slack and Google answered by nock inside this process: the app
// runs in-process, the browser only talks to 127.0.0.1).
import { expect } from 'chai';
import nock from 'nock';
import type { Page } from 'playwright-core';
import { keyring } from '../../src/lib/secrets.js';
import { Integration } from '../../src/models/index.js';
import { makeAdmin, makeProject, makeUser } from '../factories.js';
import { freshPage, loginViaForm, screenshot, SUITE_TIMEOUT } from './support/browser.js';
import { browserSuite, waitForBadge, waitForText } from './support/suite.js';

const GH_TOKEN = 'ghp_browserTestToken0123456789abcdef';
const SLACK_TOKEN = 'xoxb-1111-2222-browsertesttoken';
const SLACK_SIGNING = 'slack-signing-secret-for-browser-test';

/** Collects every JSON API answer the page receives, to prove no secret ever reaches the browser. */
function recordApiBodies(page: Page): string[] {
  const bodies: string[] = [];
  page.on('response', async (res) => {
    if (!/\/(api|integrations)\//.test(new URL(res.url()).pathname)) return;
    bodies.push(await res.text().catch(() => ''));
  });
  return bodies;
}

async function openConnectors(page: Page, url: string, query = ''): Promise<void> {
  await page.goto(`${url}/admin/pages/personal-connectors${query}`, { waitUntil: 'domcontentloaded' });
  await page.getByTestId('personal-connectors').waitFor();
}

describe('Personal connectors page (browser)', function () {
  this.timeout(SUITE_TIMEOUT);
  // The public address differs from the loopback address the browser uses, as behind a proxy:
  // the webhook and events URLs on the cards must come from BASE_URL.
  const PUBLIC_URL = 'http://timetracker.example.com';
  const s = browserSuite({ env: { BASE_URL: PUBLIC_URL } });

  it('saves a GitHub configuration, reveals the webhook secret and tests the connection', async () => {
    const user = await makeUser({ full_name: 'Uma User' });
    const project = await makeProject({ name: 'Website relaunch', members: [user] });
    await makeProject({ name: 'Old archive', status: 'archived', members: [user] });
    await makeProject({ name: 'Someone else’s project' });
    const { page, watcher } = await freshPage(s.browser);
    const bodies = recordApiBodies(page);
    await loginViaForm(page, s.srv.url, user.email);
    await openConnectors(page, s.srv.url);

    const card = page.getByTestId('card-github');
    await waitForBadge(card.getByTestId('card-github-badge'), 'not_connected');
    expect(await card.locator('#github_default_project_id option').allInnerTexts()).to.deep.equal(['Choose a project…', 'Website relaunch']);
    expect(await card.getByTestId('github-sync').count(), 'Sync now is for admins').to.equal(0);

    await card.locator('#github_token').fill(GH_TOKEN);
    await card.locator('#repo_owner').fill('octo-org');
    await card.locator('#repo_name').fill('hello-world');
    await card.locator('#github_default_project_id').selectOption(String(project.id));
    await card.locator('#label_filter').fill('Time-Tracked');
    await card.getByTestId('github-save').click();
    await waitForText(card.getByTestId('github-result'), 'GitHub settings saved.');
    expect(await waitForBadge(card.getByTestId('card-github-badge'), 'not_verified'), 'saved is not verified').to.equal('Not verified');
    await waitForText(card.getByTestId('github-not-verified'), 'Not verified yet — click Test connection.');
    expect(await card.getByTestId('github_token-state').innerText()).to.equal('set');
    expect(await card.locator('#github_token').inputValue(), 'the token field is blank again').to.equal('');
    expect(await card.locator('#label_filter').inputValue()).to.equal('time-tracked');
    expect(await card.getByTestId('github-webhook-url').innerText()).to.equal(`${PUBLIC_URL}/api/integrations/github/webhook`);

    const row = (await Integration.findOne({ where: { provider: 'github_connector', user_id: user.id } }))!;
    expect(row.is_active).to.equal(true);
    expect(row.config.repo_owner).to.equal('octo-org');
    expect(keyring().decrypt(String(row.config.github_token))).to.equal(GH_TOKEN);

    await card.getByTestId('github-secret-reveal').click();
    await waitForText(card.getByTestId('github-secret-result'), 'Paste this secret');
    const secret = await card.getByTestId('github-secret').innerText();
    expect(secret).to.equal(keyring().decrypt(String(row.config.webhook_secret)));
    expect(secret).to.match(/^[A-Za-z0-9_-]{43}$/);

    const github = nock(s.srv.config.githubApiUrl).get('/user').matchHeader('authorization', `Bearer ${GH_TOKEN}`).reply(200, { login: 'octocat' });
    await card.getByTestId('github-test').click();
    await waitForText(card.getByTestId('github-result'), 'Connected as octocat');
    expect(github.isDone()).to.equal(true);
    expect(await waitForBadge(card.getByTestId('card-github-badge'), 'connected')).to.equal('Connected');
    await waitForText(card.getByTestId('github-last-success'), 'Last verified: just now');
    await screenshot(card, 'connectors-github');

    for (const body of bodies) expect(body).not.to.include(GH_TOKEN);
    expect(bodies.join('\n')).not.to.include('nacl:v1:');
    expect(watcher.errors).to.deep.equal([]);
  });

  it('regenerates the GitHub webhook secret after confirmation, and shows a failed test as Error', async () => {
    const admin = await makeAdmin();
    const project = await makeProject({ name: 'Platform' });
    const { page, watcher } = await freshPage(s.browser);
    watcher.allow(/\/api\/integrations\/github\/config$/);
    await loginViaForm(page, s.srv.url, admin.email);
    await openConnectors(page, s.srv.url);
    const card = page.getByTestId('card-github');
    await card.locator('#github_token').fill('ghp_has a space');
    await card.locator('#repo_name').fill('octo-org/platform');
    await card.getByTestId('github-save').click();
    await waitForText(card.getByTestId('github-result'), 'Please correct the 4 highlighted fields.');
    await waitForText(card.getByTestId('github_token-error'), 'must not contain spaces');
    await waitForText(card.getByTestId('repo_owner-error'), 'is required');
    await waitForText(card.getByTestId('repo_name-error'), 'must be only the repository name');
    await waitForText(card.getByTestId('github_default_project_id-error'), 'is required');
    expect(await Integration.count({ where: { provider: 'github_connector' } })).to.equal(0);
    await screenshot(card, 'connectors-github-validation');

    await card.locator('#github_token').fill(GH_TOKEN);
    await card.locator('#repo_owner').fill('octo-org');
    await card.locator('#repo_name').fill('platform');
    await card.locator('#github_default_project_id').selectOption(String(project.id));
    await card.getByTestId('github-save').click();
    await waitForText(card.getByTestId('github-result'), 'GitHub settings saved.');

    await card.getByTestId('github-secret-reveal').click();
    await waitForText(card.getByTestId('github-secret-result'), 'Paste this secret');
    const first = await card.getByTestId('github-secret').innerText();
    await card.getByTestId('github-secret-regenerate').click();
    await card.getByTestId('github-secret-confirm-yes').click();
    await waitForText(card.getByTestId('github-secret-result'), 'New secret generated');
    const second = await card.getByTestId('github-secret').innerText();
    expect(second).to.not.equal(first);
    const row = (await Integration.findOne({ where: { provider: 'github_connector', user_id: admin.id } }))!;
    expect(keyring().decrypt(String(row.config.webhook_secret))).to.equal(second);

    nock(s.srv.config.githubApiUrl).get('/user').reply(401, { message: `Bad credentials for ${GH_TOKEN}` });
    await card.getByTestId('github-test').click();
    await waitForBadge(card.getByTestId('card-github-badge'), 'error');
    await waitForText(card.getByTestId('github-error'), 'GitHub rejected the token (invalid or expired); enter a new personal access token');
    await waitForText(card.getByTestId('github-error-at'), 'Failed just now');
    expect(await card.innerText()).not.to.include(GH_TOKEN);
    // The failure is recorded: a fresh page (no revealed secret, no result line) still says why.
    await page.reload({ waitUntil: 'domcontentloaded' });
    await waitForBadge(card.getByTestId('card-github-badge'), 'error');
    await waitForText(card.getByTestId('github-error'), 'GitHub rejected the token', 5_000);
    await screenshot(card, 'connectors-github-error');

    nock(s.srv.config.githubApiUrl)
      .get('/repos/octo-org/platform/issues')
      .query(true)
      .reply(200, [
        { number: 1, title: 'First issue', body: '', html_url: 'https://github.com/octo-org/platform/issues/1', labels: [] },
        { number: 2, title: 'A pull request', body: '', html_url: 'https://github.com/octo-org/platform/pull/2', labels: [], pull_request: {} },
      ]);
    await card.getByTestId('github-sync').click();
    await waitForText(card.getByTestId('github-result'), 'Sync finished: 1 issue(s) synced, 1 skipped');
    await waitForText(card.getByTestId('github-last-sync'), 'success');
    await waitForBadge(card.getByTestId('card-github-badge'), 'connected');
    expect(watcher.errors).to.deep.equal([]);
  });

  it('saves Slack settings, shows a bad HH:MM next to its field and sends a test message', async () => {
    const user = await makeUser();
    const { page, watcher } = await freshPage(s.browser);
    watcher.allow(/\/api\/integrations\/slack\/config$/);
    const bodies = recordApiBodies(page);
    await loginViaForm(page, s.srv.url, user.email);
    await openConnectors(page, s.srv.url);
    const card = page.getByTestId('card-slack');
    await waitForBadge(card.getByTestId('card-slack-badge'), 'not_connected');
    expect(await card.getByTestId('slack-events-url').innerText()).to.equal(`${PUBLIC_URL}/api/integrations/slack/events`);
    expect(await card.getByTestId('slack-interactions-url').innerText()).to.equal(`${PUBLIC_URL}/api/integrations/slack/interactions`);

    await card.locator('#bot_token').fill(SLACK_TOKEN);
    await card.locator('#signing_secret').fill(SLACK_SIGNING);
    await card.locator('#channel_id').fill('time tracking');
    await card.locator('#linked_slack_user_id').fill('u0123abcd');
    await card.locator('label[for=daily_summary]').click();
    await card.locator('#daily_summary_time').fill('25:00');
    await card.getByTestId('slack-save').click();
    await waitForText(card.getByTestId('slack-result'), 'Please correct the 3 highlighted fields.');
    await waitForText(card.getByTestId('channel_id-error'), 'must be a channel name like #general');
    await waitForText(card.getByTestId('linked_slack_user_id-error'), 'must be a Slack user id like U0123ABCD');
    await waitForText(card.getByTestId('daily_summary_time-error'), 'must be HH:MM');
    expect(await Integration.count({ where: { provider: 'slack_connector', is_active: true } })).to.equal(0);
    await screenshot(card, 'connectors-slack-validation');

    await card.locator('#channel_id').fill('#Time-Tracking');
    await card.locator('#linked_slack_user_id').fill('U0123ABCD');
    await card.locator('#daily_summary_time').fill('08:30');
    await card.getByTestId('slack-save').click();
    await waitForText(card.getByTestId('slack-result'), 'Slack settings saved.');
    for (const field of ['channel_id', 'linked_slack_user_id', 'daily_summary_time']) expect(await card.getByTestId(`${field}-error`).count(), field).to.equal(0);
    await waitForBadge(card.getByTestId('card-slack-badge'), 'not_verified');
    await waitForText(card.getByTestId('slack-not-verified'), 'Not verified yet — click Send test message.');
    expect(await card.getByTestId('bot_token-state').innerText()).to.equal('set');
    expect(await card.getByTestId('signing_secret-state').innerText()).to.equal('set');
    expect(await card.locator('#channel_id').inputValue()).to.equal('#time-tracking');
    const row = (await Integration.findOne({ where: { provider: 'slack_connector', user_id: user.id } }))!;
    expect(row.config).to.include({ daily_summary: true, daily_summary_time: '08:30', linked_slack_user_id: 'U0123ABCD' });

    const slack = nock(new URL(s.srv.config.slackApiUrl).origin)
      .post('/api/chat.postMessage', (b) => b.channel === '#time-tracking' && b.text === ':wave: TimeTracker test message.')
      .matchHeader('authorization', `Bearer ${SLACK_TOKEN}`)
      .reply(200, { ok: true, channel: 'C0123', ts: '1700000000.000100', message: { team: 'T0123' } });
    await card.getByTestId('slack-test').click();
    await waitForText(card.getByTestId('slack-result'), 'Test message sent to #time-tracking.');
    expect(slack.isDone()).to.equal(true);
    await waitForBadge(card.getByTestId('card-slack-badge'), 'connected');

    await card.getByTestId('slack-events-url-copy').click();
    await waitForText(card.getByTestId('slack-events-url-copy'), 'Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).to.equal(`${PUBLIC_URL}/api/integrations/slack/events`);
    await screenshot(card, 'connectors-slack');

    for (const body of bodies) expect(body).not.to.include(SLACK_TOKEN).and.not.to.include(SLACK_SIGNING);
    expect(watcher.errors).to.deep.equal([]);
  });

  it('says when Google OAuth is not configured', async () => {
    const user = await makeUser();
    const { page, watcher } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, user.email);
    await openConnectors(page, s.srv.url);
    const card = page.getByTestId('card-google');
    await waitForBadge(card.getByTestId('card-google-badge'), 'not_connected');
    await waitForText(card.getByTestId('google-oauth-missing'), 'Google OAuth is not configured');
    expect(await card.getByTestId('google-connect').isDisabled()).to.equal(true);
    expect(watcher.errors).to.deep.equal([]);
  });
});
