// The dashboard's timer in real Chromium: start from the form, the clock ticking, switch to another
// project, stop, Today following; a timer started or stopped elsewhere showing up without a
// reload; Continue buttons; the API's refusals shown in place.
import path from 'node:path';
import { expect } from 'chai';
import type { Locator, Page, Route } from 'playwright-core';
import { ProjectMember, TimeEntry, type User } from '../../src/models/index.js';
import { runRunawayTimers } from '../../src/services/runawayTimers.js';
import { makeEntry, makeProject, makeTask, makeUser } from '../factories.js';
import { loginAs } from '../support/server.js';
import { ARTIFACTS_DIR, freshPage, loginViaForm, screenshot, SUITE_TIMEOUT } from './support/browser.js';
import { browserSuite, waitForText } from './support/suite.js';

/** An IANA fixed-offset zone whose local hour is 12 right now, so "today" spans the test's entries. */
const zoneAtNoon = () => {
  const offset = 12 - new Date().getUTCHours();
  return offset >= 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
};

/** Waits until the locator's text is no longer `before`; returns the new text. */
async function waitForChange(locator: Locator, before: string, timeout = 5000): Promise<string> {
  const until = Date.now() + timeout;
  for (;;) {
    const now = await locator.innerText();
    if (now !== before) return now;
    if (Date.now() > until) expect.fail(`expected ${locator} to change from ${before}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const running = (user: User) => TimeEntry.findAll({ where: { user_id: user.id, end_time: null } });
const optionLabels = (page: Page, select: string) => page.locator(`${select} option`).allInnerTexts();

describe('Dashboard timer (browser)', function () {
  this.timeout(SUITE_TIMEOUT);
  const s = browserSuite();

  it('starts a timer from the dashboard, ticks, switches to another project, stops; Today follows', async () => {
    const user = await makeUser({ full_name: 'Tina Timer', timezone: zoneAtNoon() });
    const website = await makeProject({ name: 'Website relaunch', members: [user], billable: true });
    const internal = await makeProject({ name: 'Internal', members: [user], billable: false });
    await makeProject({ name: 'Another team', members: [] });
    await makeProject({ name: 'Archived work', members: [user], status: 'archived' });
    const issue = await makeTask(website, { name: 'Fix login', external_ref: 'github_issue_42' });
    await makeTask(website, { name: 'Write copy' });
    await makeTask(website, { name: 'Old and done', status: 'done' });
    await makeEntry(user, website, { start: new Date(Date.now() - 2 * 3600_000), end: new Date(Date.now() - 3600_000) });
    const { page, watcher } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, user.email);

    const timer = page.getByTestId('dashboard-timer');
    await waitForText(timer.getByTestId('dashboard-timer-none'), 'No timer running.');
    await waitForText(page.getByTestId('dashboard-today-hours'), '1:00');
    // Allowed, active projects only; the one used last comes first, then by name.
    await waitForText(timer.locator('#timer-project'), 'Internal');
    expect(await optionLabels(page, '#timer-project')).to.deep.equal(['Choose a project…', 'Website relaunch', 'Internal']);
    expect(await timer.locator('#timer-project').inputValue()).to.equal(String(website.id));
    // Open tasks of the chosen project; GitHub issues with their number.
    await waitForText(timer.locator('#timer-task'), '#42 Fix login');
    expect(await optionLabels(page, '#timer-task')).to.deep.equal(['No task', '#42 Fix login', 'Write copy']);
    // Billable follows the project.
    expect(await timer.locator('#timer-billable').isChecked()).to.equal(true);
    await timer.locator('#timer-project').selectOption({ label: 'Internal' });
    expect(await timer.locator('#timer-billable').isChecked()).to.equal(false);
    await timer.locator('#timer-project').selectOption({ label: 'Website relaunch' });
    expect(await timer.locator('#timer-billable').isChecked()).to.equal(true);
    await waitForText(timer.locator('#timer-task'), '#42 Fix login');
    await timer.locator('#timer-task').selectOption({ label: '#42 Fix login' });
    await timer.locator('#timer-notes').fill('Login bug on Safari');
    // The start form, for reviewers only (test/artifacts, not docs/images).
    await timer.screenshot({ path: path.join(ARTIFACTS_DIR, 'dashboard-timer-form.png'), animations: 'disabled', caret: 'hide' });

    await timer.getByTestId('dashboard-timer-start').click();
    await waitForText(timer.getByTestId('dashboard-timer-result'), 'Timer started on Website relaunch · #42 Fix login.');
    await waitForText(timer.getByTestId('dashboard-timer-project'), 'Website relaunch — Fix login');
    await waitForText(timer.getByTestId('dashboard-timer-notes'), 'Login bug on Safari');
    const clock = timer.getByTestId('dashboard-timer-elapsed');
    const first = await clock.innerText();
    expect(first).to.match(/^0:00:0\d$/);
    expect(await waitForChange(clock, first)).to.match(/^0:00:0\d$/);
    const [started] = await running(user);
    expect(started).to.deep.include({ project_id: website.id, task_id: issue.id, notes: 'Login bug on Safari', billable: true, source: 'timer' });

    // Half an hour later (moved back in the database), switch to Internal in one step.
    await started.update({ start_time: new Date(Date.now() - 30 * 60_000) });
    await timer.getByTestId('dashboard-timer-switch-open').click();
    await timer.locator('#timer-project').selectOption({ label: 'Internal' });
    await timer.locator('#timer-notes').fill('Planning');
    await timer.getByTestId('dashboard-timer-switch').click();
    await waitForText(timer.getByTestId('dashboard-timer-result'), 'Switched to Internal; the previous timer stopped after 0:30.');
    await waitForText(timer.getByTestId('dashboard-timer-project'), 'Internal');
    expect(await clock.innerText()).to.match(/^0:00:0\d$/);
    await waitForText(page.getByTestId('dashboard-today-hours'), '1:30');
    const [now] = await running(user);
    expect(now).to.deep.include({ project_id: internal.id, task_id: null, notes: 'Planning', billable: false });
    expect((await TimeEntry.findByPk(started.id))!.end_time!.toISOString()).to.equal(now.start_time.toISOString());
    // The running pair is not offered again; the one just stopped is.
    await waitForText(timer.getByTestId('dashboard-timer-recent'), 'Website relaunch · #42 Fix login');
    expect(await timer.getByTestId('dashboard-timer-recent').innerText()).not.to.match(/^Internal$/m);
    await waitForChange(clock, await clock.innerText());
    await screenshot(page.getByTestId('dashboard-content'), 'dashboard-timer');

    await now.update({ start_time: new Date(Date.now() - 15 * 60_000) });
    await timer.getByTestId('dashboard-timer-stop').click();
    await waitForText(timer.getByTestId('dashboard-timer-result'), 'Timer stopped after 0:15.');
    await waitForText(timer.getByTestId('dashboard-timer-none'), 'No timer running.');
    await waitForText(page.getByTestId('dashboard-today-hours'), '1:45');
    await waitForText(page.getByTestId('dashboard-today'), 'across 2 project(s)');
    expect(await running(user)).to.have.length(0);
    expect(watcher.errors).to.deep.equal([]);
  });

  it('shows a timer started and stopped elsewhere within 10 s, without a reload', async () => {
    const user = await makeUser({ timezone: zoneAtNoon() });
    const project = await makeProject({ name: 'Support', members: [user] });
    const task = await makeTask(project, { name: 'Ticket 7' });
    const { page, watcher } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, user.email);
    const timer = page.getByTestId('dashboard-timer');
    await waitForText(timer.getByTestId('dashboard-timer-none'), 'No timer running.');
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));

    // Another client (Slack, GitHub, another tab) starts a timer.
    const api = await loginAs(s.srv, user);
    expect((await api.post('/api/timer/start', { project_id: project.id, task_id: task.id, notes: 'From Slack' })).status).to.equal(201);
    const started = Date.now();
    await waitForText(timer.getByTestId('dashboard-timer-project'), 'Support — Ticket 7', 10_000);
    expect(Date.now() - started).to.be.below(10_000);
    await waitForText(timer.getByTestId('dashboard-timer-notes'), 'From Slack');

    // … and stops it half an hour later: the timer goes, Today counts it.
    await TimeEntry.update({ start_time: new Date(Date.now() - 30 * 60_000) }, { where: { user_id: user.id } });
    expect((await api.post('/api/timer/stop')).status).to.equal(200);
    await waitForText(timer.getByTestId('dashboard-timer-none'), 'No timer running.', 10_000);
    await waitForText(page.getByTestId('dashboard-today-hours'), '0:30');
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).to.equal(true);
    expect(requests.filter((u) => u.includes('/api/timer/status')).length).to.be.greaterThan(0);
    expect(requests.some((u) => new URL(u).pathname === '/admin')).to.equal(false);

    // Leaving the dashboard inside the panel (client-side navigation) ends the polling.
    await page.evaluate(() => {
      window.history.pushState({}, '', `${window.location.pathname.replace(/\/$/, '')}/pages/my-profile`);
      window.dispatchEvent(new PopStateEvent('popstate'));
    });
    await page.getByTestId('dashboard').waitFor({ state: 'detached' });
    const before = requests.filter((u) => u.includes('/api/timer/status')).length;
    await page.waitForTimeout(6000);
    expect(requests.filter((u) => u.includes('/api/timer/status')).length, 'status polls after leaving the dashboard').to.equal(before);
    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).to.equal(true);
    expect(watcher.errors).to.deep.equal([]);
  });

  it('Continue starts one of the last pairs in one click (and switches while a timer runs)', async () => {
    const user = await makeUser();
    const website = await makeProject({ name: 'Website relaunch', members: [user] });
    const internal = await makeProject({ name: 'Internal', members: [user] });
    const gone = await makeProject({ name: 'Left project', members: [user] });
    const issue = await makeTask(website, { name: 'Fix login', external_ref: 'github_issue_42' });
    const hour = 3600_000;
    await makeEntry(user, internal, { start: new Date(Date.now() - 5 * hour) });
    await makeEntry(user, website, { start: new Date(Date.now() - 3 * hour), task: issue });
    await makeEntry(user, gone, { start: new Date(Date.now() - 1 * hour) });
    await ProjectMember.destroy({ where: { user_id: user.id, project_id: gone.id } });
    const other = await makeUser();
    await ProjectMember.create({ project_id: website.id, user_id: other.id });
    await makeEntry(other, website, { start: new Date(Date.now() - 60_000) }); // someone else's pair

    const { page, watcher } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, user.email);
    const timer = page.getByTestId('dashboard-timer');
    const recent = timer.getByTestId('dashboard-timer-recent');
    await waitForText(recent, 'Continue recent work');
    expect(await recent.locator('button').allInnerTexts()).to.deep.equal(['Website relaunch · #42 Fix login', 'Internal']);

    await timer.getByTestId('dashboard-timer-continue-0').click();
    await waitForText(timer.getByTestId('dashboard-timer-project'), 'Website relaunch — Fix login');
    await waitForText(timer.getByTestId('dashboard-timer-result'), 'Timer started on Website relaunch · #42 Fix login.');
    expect((await running(user)).map((e) => [e.project_id, e.task_id])).to.deep.equal([[website.id, issue.id]]);

    // While it runs, the other pair switches in one click.
    await waitForText(recent, 'Switch to recent work');
    expect(await recent.locator('button').allInnerTexts()).to.deep.equal(['Internal']);
    await recent.getByRole('button', { name: 'Internal' }).click();
    await waitForText(timer.getByTestId('dashboard-timer-result'), /^Switched to Internal; the previous timer stopped after 0:00\.$/);
    await waitForText(timer.getByTestId('dashboard-timer-project'), 'Internal');
    expect((await running(user)).map((e) => [e.project_id, e.task_id])).to.deep.equal([[internal.id, null]]);
    expect(await TimeEntry.count({ where: { user_id: user.id } })).to.equal(5);
    expect(watcher.errors).to.deep.equal([]);
  });

  it('shows the API\'s refusals in place: 403 for a project taken away, 409 when a timer already runs, 400 next to the field', async () => {
    const user = await makeUser();
    const project = await makeProject({ name: 'Shared', members: [user] });
    const kept = await makeProject({ name: 'Kept', members: [user] });
    const { page, watcher } = await freshPage(s.browser);
    watcher.allow(/\/api\/timer\/start$/);
    await loginViaForm(page, s.srv.url, user.email);
    const timer = page.getByTestId('dashboard-timer');
    await waitForText(timer.locator('#timer-project'), 'Shared');
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/tasks?project_id=${project.id}`)),
      timer.locator('#timer-project').selectOption({ label: 'Shared' }),
    ]);

    // An admin removes the membership after the page loaded.
    await ProjectMember.destroy({ where: { user_id: user.id, project_id: project.id } });
    await timer.getByTestId('dashboard-timer-start').click();
    await waitForText(timer.getByTestId('dashboard-timer-result'), 'Could not start the timer: you are no longer a member of this project. Choose another one, or ask an admin to add you.');
    expect(await timer.getByTestId('dashboard-timer-result').getAttribute('data-kind')).to.equal('error');

    // Notes over 5000 characters: the reason stands next to the notes field.
    await timer.locator('#timer-project').selectOption({ label: 'Kept' });
    await timer.locator('#timer-notes').fill('n'.repeat(5001));
    await timer.getByTestId('dashboard-timer-start').click();
    await waitForText(timer.getByTestId('timer-notes-error'), 'must be at most 5000 characters');
    expect(await running(user)).to.have.length(0);
    await timer.locator('#timer-notes').fill('');

    // A timer started elsewhere before the page noticed (its status answers held back): 409, in words.
    const held: Route[] = [];
    let hold = true;
    await page.route('**/api/timer/status', (route) => (hold ? void held.push(route) : void route.continue()));
    const api = await loginAs(s.srv, user);
    expect((await api.post('/api/timer/start', { project_id: kept.id, notes: 'Elsewhere' })).status).to.equal(201);
    await timer.getByTestId('dashboard-timer-start').click();
    await waitForText(timer.getByTestId('dashboard-timer-result'), 'Could not start the timer: You already have an active timer. Stop it before starting a new one.');
    hold = false;
    for (const r of held.splice(0)) await r.continue();
    await waitForText(timer.getByTestId('dashboard-timer-notes'), 'Elsewhere');
    // The message stays until the next action or until it is dismissed.
    await waitForText(timer.getByTestId('dashboard-timer-result'), 'You already have an active timer');
    await page.unroute('**/api/timer/status');
    expect((await running(user)).map((e) => e.notes)).to.deep.equal(['Elsewhere']);
    expect(watcher.errors).to.deep.equal([]);
  });

  it('shows a timer stopped automatically until it is dismissed', async () => {
    const user = await makeUser();
    const project = await makeProject({ name: 'Night shift', members: [user] });
    const entry = await makeEntry(user, project, { start: new Date(Date.now() - 11 * 3600_000), end: null });
    expect((await runRunawayTimers()).stopped).to.equal(1);
    const { page, watcher } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, user.email);
    const banner = page.getByTestId('dashboard-auto-stopped');
    await waitForText(banner.getByTestId('dashboard-auto-stopped-text'), 'Your timer on Night shift ran 10:00 and was stopped automatically.');
    await banner.getByTestId('dashboard-auto-stopped-dismiss').click();
    const until = Date.now() + 5000;
    while ((await page.getByTestId('dashboard-auto-stopped').count()) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(await page.getByTestId('dashboard-auto-stopped').count()).to.equal(0);
    expect((await TimeEntry.findByPk(entry.id))!.auto_stop_seen_at).to.be.instanceOf(Date);
    expect(watcher.errors).to.deep.equal([]);
  });
});
