// The resource pages read like a product (headless Chromium at 1400 px): list pages titled by their
// resource, human column titles, durations as h:mm, a running entry marked, no word broken inside a
// table cell, task status badges and GitHub links, project members and hours this week, an empty
// list that says how to fill it, the Integration show page's settings as labelled fields, and
// "New time entry" without an end starting a timer.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { Task, TimeEntry } from '../../src/models/index.js';
import { startTimer } from '../../src/services/timer.js';
import { makeAdmin, makeEntry, makeProject, makeTask, makeUser } from '../factories.js';
import { loginAs } from '../support/server.js';
import { freshPage, loginViaForm, screenshot, SUITE_TIMEOUT } from './support/browser.js';
import { browserSuite, waitForText } from './support/suite.js';

/** Words of table cells that the browser laid out over more than one line. */
async function brokenWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const broken: string[] = [];
    for (const cell of Array.from(document.querySelectorAll('table td, table th'))) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (const m of text.matchAll(/\S+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index!);
          range.setEnd(node, m.index! + m[0].length);
          const lines = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
          if (lines.size > 1) broken.push(m[0]);
        }
      }
    }
    return broken;
  });
}

const headers = (page: Page) => page.locator('table thead tr > *').allInnerTexts().then((t) => t.map((x) => x.trim()).filter(Boolean));
/** The page heading's own text (without the list's record count badge). */
const title = (page: Page) => page.locator('h2').first().evaluate((h) => (h.firstChild?.textContent ?? '').trim());

describe('Resource pages (browser)', function () {
  this.timeout(SUITE_TIMEOUT);
  const s = browserSuite();

  it('Time entries: titled list, human columns, h:mm, the running entry marked, whole words', async () => {
    const user = await makeUser({ email: 'maria.lopez-fernandez@example.org', full_name: 'Maria Lopez' });
    const project = await makeProject({ name: 'Website redesign', members: [user] });
    const task = await makeTask(project, { name: 'Write the support manual chapter on billing' });
    await makeEntry(user, project, { start: new Date('2026-03-02T09:00:00Z'), end: new Date('2026-03-02T10:30:00Z'), task, source: 'manual' });
    await startTimer(user, { project_id: project.id, source: 'timer' });
    const { page, watcher } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, user.email);
    await page.goto(`${s.srv.url}/admin/resources/time_entries`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('duration').first().waitFor();

    expect(await title(page)).to.equal('Time entries');
    expect(await headers(page)).to.deep.equal(['User', 'Project', 'Task', 'Started', 'Ended', 'Duration', 'Billable']);
    expect(await page.getByTestId('duration').allInnerTexts()).to.deep.equal(['1:30']);
    await waitForText(page.getByTestId('duration-running'), 'Running');
    // The user's profile timezone is UTC: Monday, March 2, 09:00.
    expect(await page.getByTestId('datetime-start_time').allInnerTexts()).to.include('Mon, Mar 2, 09:00');
    expect(await page.getByTestId('datetime-end_time').allInnerTexts(), 'an end on its start day shows the time only').to.include('10:30');
    expect(await brokenWords(page)).to.deep.equal([]);
    const overflow = await page.locator('table').first().evaluate((t) => t.getBoundingClientRect().right - document.documentElement.clientWidth);
    expect(overflow, 'the whole table, record actions included, fits at 1400 px').to.be.at.most(0);
    await screenshot(page.locator('body'), 'time-entries-list');
    watcher.stop();
    expect(watcher.errors).to.deep.equal([]);
  });

  it('an entry the runaway-timer job stopped is marked auto-stopped', async () => {
    const user = await makeUser();
    const project = await makeProject({ name: 'Support', members: [user] });
    const entry = await makeEntry(user, project, { start: new Date('2026-03-02T08:00:00Z'), end: new Date('2026-03-02T18:00:00Z') });
    await TimeEntry.update({ auto_stopped: true }, { where: { id: entry.id } });
    await makeEntry(user, project, { start: new Date('2026-03-03T08:00:00Z'), end: new Date('2026-03-03T09:00:00Z') });
    const { page } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, user.email);
    await page.goto(`${s.srv.url}/admin/resources/time_entries`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('duration').first().waitFor();
    const marked = page.locator('tbody tr', { has: page.getByTestId('duration-auto-stopped') });
    expect(await marked.count()).to.equal(1);
    expect(await marked.getByTestId('duration').innerText()).to.equal('10:00');
  });

  it('New time entry with no end starts a timer; the show page lists fields in a sensible order', async () => {
    const user = await makeUser();
    const project = await makeProject({ name: 'Support', members: [user] });
    const { page } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, user.email);
    await page.goto(`${s.srv.url}/admin/resources/time_entries/actions/new`, { waitUntil: 'domcontentloaded' });
    expect(await title(page)).to.equal('New time entry');
    const labels = (await page.locator('form label').allInnerTexts()).map((l) => l.replace(/^\*\s*/, '').trim());
    expect(labels.slice(0, 5)).to.deep.equal(['Project', 'Task', 'Started', 'Ended', 'Notes']);
    expect(await page.locator('label', { hasText: 'Billable' }).innerText(), 'an optional checkbox has no asterisk').to.not.include('*');
    await page.locator('[data-testid="property-edit-project_id"] input').first().fill('Supp');
    await page.getByText('Support', { exact: true }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(`${s.srv.url}/admin/resources/time_entries`);
    await page.getByTestId('duration-running').waitFor();
    const rows = await TimeEntry.findAll({ where: { user_id: user.id } });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.deep.include({ end_time: null, project_id: project.id, source: 'timer' });

    await page.goto(`${s.srv.url}/admin/resources/time_entries/records/${rows[0].id}/show`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('duration-running').waitFor();
    expect(await title(page)).to.equal('Time entry');
    const shown = (await page.locator('section[data-css="time_entries-show-drawer-content"] label, [data-css*="show"] label').allInnerTexts()).map((l) => l.trim());
    expect(shown.indexOf('Project')).to.be.below(shown.indexOf('User'));
    expect(shown.indexOf('Started')).to.be.below(shown.indexOf('Created'));
  });

  it('Tasks show status badges and GitHub links; Projects show members and hours this week', async () => {
    const admin = await makeAdmin();
    const member = await makeUser();
    const project = await makeProject({ name: 'Website redesign', members: [member, admin] });
    const issue = await makeTask(project, { name: 'Spelling error in the README file', external_ref: 'github_issue_7', status: 'in_progress' });
    await Task.update({ external_url: 'https://github.com/octo-org/website/issues/7' }, { where: { id: issue.id } });
    await makeTask(project, { name: 'Plan the launch', status: 'done' });
    const monday = new Date();
    monday.setUTCHours(0, 5, 0, 0);
    monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7));
    await makeEntry(member, project, { start: monday, end: new Date(monday.getTime() + 45 * 60_000) });
    await makeEntry(admin, project, { start: monday, end: new Date(monday.getTime() + 60 * 60_000) });
    const { page } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, admin.email);

    await page.goto(`${s.srv.url}/admin/resources/tasks`, { waitUntil: 'domcontentloaded' });
    await page.getByTestId('task-status').first().waitFor();
    expect(await title(page)).to.equal('Tasks');
    expect((await page.getByTestId('task-status').allInnerTexts()).sort()).to.deep.equal(['Done', 'In progress']);
    const link = page.getByTestId('task-link');
    expect(await link.innerText()).to.equal('GitHub #7 ↗');
    expect(await link.getAttribute('href')).to.equal('https://github.com/octo-org/website/issues/7');
    expect(await brokenWords(page)).to.deep.equal([]);

    await page.goto(`${s.srv.url}/admin/resources/projects`, { waitUntil: 'domcontentloaded' });
    await waitForText(page.locator('table'), 'Website redesign');
    expect(await headers(page)).to.deep.equal(['Name', 'Status', 'Billable', 'Members', 'This week']);
    const row = page.locator('tbody tr', { hasText: 'Website redesign' });
    expect(await row.innerText()).to.match(/Active[\s\S]*\b2\b[\s\S]*1:45/);
    await screenshot(page.locator('body'), 'projects-list');

    // A member sees only their own time in "This week".
    const { page: mine } = await freshPage(s.browser);
    await loginViaForm(mine, s.srv.url, member.email);
    await mine.goto(`${s.srv.url}/admin/resources/projects`, { waitUntil: 'domcontentloaded' });
    await waitForText(mine.locator('tbody tr', { hasText: 'Website redesign' }), '0:45');
  });

  it('an empty Integrations list says how to fill it; the show page lists settings as labelled fields', async () => {
    const user = await makeUser();
    const { page } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, user.email);
    await page.goto(`${s.srv.url}/admin/resources/integrations`, { waitUntil: 'domcontentloaded' });
    await waitForText(page.locator('body'), 'Connect one under Personal connectors');
    expect(await title(page)).to.equal('Integrations');

    const project = await makeProject({ name: 'Client portal', members: [user] });
    const api = await loginAs(s.srv, user);
    const saved = await api.post('/api/integrations/github/config', { github_token: 'ghp_listsTestToken0123456789abcdef', repo_owner: 'octo-org', repo_name: 'portal', default_project_id: project.id });
    expect(saved.status, saved.text).to.equal(200);
    await page.goto(`${s.srv.url}/admin/resources/integrations/records/${saved.body.id}/show`, { waitUntil: 'domcontentloaded' });
    const settings = page.getByTestId('integration-settings');
    await settings.waitFor();
    const text = await settings.innerText();
    for (const line of [/Repository owner\s+octo-org/, /Repository name\s+portal/, /Default project\s+Client portal/, /Personal access token\s+set/]) expect(text).to.match(line);
    expect(text).to.not.include('ghp_').and.not.include('default_project_id');
    await screenshot(page.locator('body'), 'integration-settings');
  });

  it('Users (standalone): titled list with human labels', async () => {
    const admin = await makeAdmin();
    await makeUser({ github_username: 'octocat' });
    const { page } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, admin.email);
    await page.goto(`${s.srv.url}/admin/resources/users`, { waitUntil: 'domcontentloaded' });
    await waitForText(page.locator('table'), 'octocat');
    expect(await title(page)).to.equal('Users');
    expect(await headers(page)).to.include.members(['Name', 'Active', 'Timezone', 'GitHub username']);
    expect(await brokenWords(page)).to.deep.equal([]);
  });
});
