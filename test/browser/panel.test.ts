// The rest of the panel in real Chromium: the dashboard's running timer and connector health (the
// timer's start, switch and continue: dashboard.test.ts), the Integrations resource
// (row scoping, readable show view, Test connection / Sync now record actions), an admin
// resetting a user's password, and "My profile".
import { expect } from 'chai';
import nock from 'nock';
import type { Page } from 'playwright-core';
import { Integration, TimeEntry, User } from '../../src/models/index.js';
import { startTimer } from '../../src/services/timer.js';
import { makeAdmin, makeEntry, makeProject, makeUser } from '../factories.js';
import { loginAs } from '../support/server.js';
import { freshPage, loginViaForm, screenshot, SUITE_TIMEOUT } from './support/browser.js';
import { browserSuite, waitForBadge, waitForText } from './support/suite.js';

const GH_TOKEN = 'ghp_panelTestToken0123456789abcdef';

describe('Admin panel (browser)', function () {
  this.timeout(SUITE_TIMEOUT);
  const s = browserSuite();

  /** Saves a GitHub configuration for `user` through the JSON API; returns the integration id. */
  async function githubIntegrationFor(user: User, repo: string): Promise<number> {
    const project = await makeProject({ name: `Project of ${user.username}`, members: [user] });
    const c = await loginAs(s.srv, user);
    const res = await c.post('/api/integrations/github/config', { github_token: GH_TOKEN, repo_owner: 'octo-org', repo_name: repo, default_project_id: project.id });
    expect(res.status, res.text).to.equal(200);
    return res.body.id;
  }

  /** An IANA fixed-offset zone whose local hour is 12 right now (Etc/GMT signs are inverted). */
  const zoneAtNoon = () => {
    const offset = 12 - new Date().getUTCHours();
    return offset >= 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
  };

  const main = (page: Page) => page.locator('section[data-css="content"], [data-css="content"]').first().or(page.locator('body'));

  it('the dashboard shows the running timer, stops it and shows connector health', async () => {
    // A zone where it is about noon now, so the entry of two hours ago is "today" at any wall-clock time.
    const user = await makeUser({ full_name: 'Uma User', timezone: zoneAtNoon() });
    const project = await makeProject({ name: 'Website relaunch', members: [user] });
    await makeEntry(user, project, { start: new Date(Date.now() - 2 * 3600_000), end: new Date(Date.now() - 3600_000) });
    await startTimer(user, { project_id: project.id, notes: 'Fix the login page', source: 'timer' });
    await githubIntegrationFor(user, 'website');
    // Slack saved, then its test message refused: the dashboard says so, with Slack's reason.
    const api = await loginAs(s.srv, user);
    await api.post('/api/integrations/slack/config', { bot_token: 'xoxb-1111-2222-dashboardtoken', channel_id: '#general' });
    nock(new URL(s.srv.config.slackApiUrl).origin).post(/chat\.postMessage$/).reply(200, { ok: false, error: 'not_in_channel' });
    expect((await api.post('/api/integrations/slack/test', {})).body.ok).to.equal(false);
    const { page, watcher } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, user.email);

    const timer = page.getByTestId('dashboard-timer');
    await waitForText(timer.getByTestId('dashboard-timer-project'), 'Website relaunch');
    await waitForText(timer, 'Fix the login page');
    expect(await timer.getByTestId('dashboard-timer-elapsed').innerText()).to.match(/^0:00:\d\d$/);
    await waitForText(page.getByTestId('dashboard-today-hours'), '1:00');
    await waitForBadge(page.getByTestId('dashboard-connector-github-badge'), 'not_verified');
    await waitForText(page.getByTestId('dashboard-connector-github-detail'), 'Not verified yet — click Test connection.');
    await waitForBadge(page.getByTestId('dashboard-connector-google-badge'), 'not_connected');
    expect(await waitForBadge(page.getByTestId('dashboard-connector-slack-badge'), 'error')).to.equal('Error');
    await waitForText(page.getByTestId('dashboard-connector-slack-detail'), 'not_in_channel');
    await waitForText(page.getByTestId('dashboard'), 'Hello, Uma User');
    await screenshot(page.getByTestId('dashboard-content'), 'dashboard');

    await timer.getByTestId('dashboard-timer-stop').click();
    await waitForText(timer.getByTestId('dashboard-timer-result'), /Timer stopped after 0:0\d\./);
    await waitForText(timer.getByTestId('dashboard-timer-none'), 'No timer running.');
    expect(await TimeEntry.count({ where: { user_id: user.id, end_time: null } })).to.equal(0);
    expect(watcher.errors).to.deep.equal([]);
  });

  it('a non-admin sees only their own integrations, in the list and by direct URL', async () => {
    const owner = await makeUser({ username: 'owner' });
    const other = await makeUser({ username: 'other' });
    const foreignId = await githubIntegrationFor(owner, 'private-roadmap');
    const ownId = await githubIntegrationFor(other, 'my-repo');
    const { page, watcher } = await freshPage(s.browser);
    watcher.allow(new RegExp(`/admin/api/resources/integrations/records/${foreignId}/`));
    await loginViaForm(page, s.srv.url, other.email);

    await page.goto(`${s.srv.url}/admin/resources/integrations`, { waitUntil: 'domcontentloaded' });
    const rows = page.locator('table tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).to.equal(1);
    await waitForText(rows.first(), 'GitHub');
    await waitForBadge(rows.first().getByTestId('integration-health-badge'), 'not_verified');
    expect(await page.locator(`a[href*="/records/${foreignId}/"]`).count()).to.equal(0);
    expect(await page.locator(`a[href*="/records/${ownId}/show"]`).count()).to.be.greaterThan(0);

    const api = await page.request.get(`${s.srv.url}/admin/api/resources/integrations/records/${foreignId}/show`);
    // AdminJS answers a refused record action with 200 and a ForbiddenError instead of the record.
    const refused = await api.json();
    expect(refused.record.baseError).to.deep.include({ type: 'ForbiddenError' });
    expect(refused.record.params).to.deep.equal({});
    expect(JSON.stringify(refused)).not.to.include('private-roadmap');

    await page.goto(`${s.srv.url}/admin/resources/integrations/records/${foreignId}/show`, { waitUntil: 'domcontentloaded' });
    await waitForText(page.getByTestId('notice-wrapper'), 'You do not have access to this record.');
    await screenshot(main(page), 'integration-forbidden');
    const text = await main(page).innerText();
    expect(text).not.to.include('private-roadmap');
    expect(text).not.to.include('Repository name');
    expect(watcher.errors).to.deep.equal([]);
  });

  it('the owner reads an integration with secrets shown as set, and runs Test connection', async () => {
    const user = await makeUser();
    const id = await githubIntegrationFor(user, 'hello-world');
    const { page, watcher } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, user.email);
    await page.goto(`${s.srv.url}/admin/resources/integrations/records/${id}/show`, { waitUntil: 'domcontentloaded' });
    await waitForText(page.getByTestId('integration-settings'), 'hello-world');
    const text = await main(page).innerText();
    expect(text).to.match(/Repository name\s+hello-world/).and.to.match(/Personal access token\s+set/).and.to.match(/Webhook secret\s+set/);
    expect(text).not.to.include('nacl:v1:').and.not.to.include(GH_TOKEN);
    expect(await page.getByTestId('action-syncNow').count(), 'GitHub sync is for admins').to.equal(0);

    await waitForBadge(page.getByTestId('integration-health-badge'), 'not_verified');
    nock(s.srv.config.githubApiUrl).get('/user').reply(200, { login: 'octocat' });
    await page.getByTestId('action-testConnection').first().click();
    await waitForText(page.getByTestId('notice-wrapper'), 'Connected as octocat');
    await waitForBadge(page.getByTestId('integration-health-badge'), 'connected');
    await screenshot(main(page), 'integration-show');

    nock(s.srv.config.githubApiUrl).get('/user').reply(401, { message: 'Bad credentials' });
    await page.getByTestId('action-testConnection').first().click();
    await waitForBadge(page.getByTestId('integration-health-badge'), 'error');
    await waitForText(page.getByTestId('integration-health-detail'), 'GitHub rejected the token');
    await page.goto(`${s.srv.url}/admin/resources/integrations`, { waitUntil: 'domcontentloaded' });
    const row = page.locator('table tbody tr').first();
    await waitForBadge(row.getByTestId('integration-health-badge'), 'error');
    await waitForText(row.getByTestId('integration-health-detail'), 'GitHub rejected the token (invalid or expired)');
    await screenshot(main(page), 'integrations-list');
    expect(watcher.errors).to.deep.equal([]);
  });

  it('an admin sees every integration and runs Sync now on a GitHub one', async () => {
    const admin = await makeAdmin();
    const user = await makeUser();
    const id = await githubIntegrationFor(user, 'hello-world');
    const { page, watcher } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, admin.email);
    await page.goto(`${s.srv.url}/admin/resources/integrations/records/${id}/show`, { waitUntil: 'domcontentloaded' });
    const issues = nock(s.srv.config.githubApiUrl)
      .get('/repos/octo-org/hello-world/issues')
      .query(true)
      .reply(200, [{ number: 7, title: 'Add dark mode', body: null, html_url: 'https://github.com/octo-org/hello-world/issues/7', labels: [{ name: 'enhancement' }] }]);
    await page.getByTestId('action-syncNow').first().click();
    await page.getByRole('button', { name: /confirm/i }).click();
    await waitForText(page.getByTestId('notice-wrapper'), 'Synced 1 issue(s), skipped 0');
    expect(issues.isDone()).to.equal(true);
    const row = (await Integration.findByPk(id))!;
    expect(row.last_sync_status).to.equal('success');
    expect(watcher.errors).to.deep.equal([]);
  });

  it('an admin resets a password and sets role, time zone and GitHub username; a bad time zone is refused', async () => {
    const admin = await makeAdmin();
    const user = await makeUser({ username: 'uma' });
    const { page, watcher } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, admin.email);
    await page.goto(`${s.srv.url}/admin/resources/users/records/${user.id}/edit`, { waitUntil: 'domcontentloaded' });

    await page.locator('input[name=timezone]').fill('Mars/Olympus');
    await page.getByTestId('button-save').click();
    await waitForText(page.locator('form'), 'Unknown time zone');
    expect((await User.findByPk(user.id))!.timezone).to.equal('UTC');

    await page.locator('input[name=password]').fill('a-new-password-42');
    await page.locator('input[name=timezone]').fill('Europe/Berlin');
    await page.locator('input[name=github_username]').fill('uma-gh');
    await page.locator('input#role').fill('Admin');
    await page.locator('input#role').press('Enter');
    await page.getByTestId('button-save').click();
    await waitForText(page.getByTestId('notice-wrapper'), /success|updated/i);
    const saved = (await User.findByPk(user.id))!;
    expect(saved).to.include({ timezone: 'Europe/Berlin', github_username: 'uma-gh', role: 'admin' });

    const fresh = s.srv.client();
    expect((await fresh.post('/api/auth/login', { email: user.email, password: 'password123' })).status).to.equal(401);
    expect((await fresh.post('/api/auth/login', { email: user.email, password: 'a-new-password-42' })).status).to.equal(200);
    expect(watcher.errors).to.deep.equal([]);
  });

  it('every user edits their own profile on My profile', async () => {
    const user = await makeUser({ username: 'uma' });
    const { page, watcher } = await freshPage(s.browser);
    watcher.allow(/\/api\/me$/);
    await loginViaForm(page, s.srv.url, user.email);
    await page.goto(`${s.srv.url}/admin/pages/my-profile`, { waitUntil: 'domcontentloaded' });
    const profile = page.getByTestId('my-profile');
    await waitForText(profile.getByTestId('my-profile-account'), 'Signed in as uma');

    await profile.locator('#full_name').fill('Uma Example');
    await profile.locator('#timezone').selectOption('Asia/Tokyo');
    await profile.locator('#github_username').fill('not a login!');
    expect(await profile.locator('#auto_stop_after_hours').inputValue()).to.equal('10');
    await profile.locator('#remind_after_hours').fill('12');
    await profile.getByTestId('my-profile-save').click();
    await waitForText(profile.getByTestId('github_username-error'), 'must be a GitHub login');
    await waitForText(profile.getByTestId('remind_after_hours-error'), 'must be below auto_stop_after_hours (10)');

    await profile.locator('#github_username').fill('uma-example');
    await profile.locator('#remind_after_hours').fill('3');
    await profile.locator('#auto_stop_after_hours').fill('8');
    await profile.getByTestId('my-profile-save').click();
    await waitForText(profile.getByTestId('my-profile-result'), 'Profile saved.');
    expect((await User.findByPk(user.id))!).to.include({ full_name: 'Uma Example', timezone: 'Asia/Tokyo', github_username: 'uma-example', remind_after_hours: 3, auto_stop_after_hours: 8 });
    expect(await page.getByRole('link', { name: 'Users' }).count(), 'the Users resource stays admin-only').to.equal(0);
    expect(watcher.errors).to.deep.equal([]);
  });
});
