// The Reports page in real Chromium: entries created through the JSON API, a range preset, the
// bar chart (one bar per group with time), the table's h:mm totals and billable share, another
// grouping, the billable filter, the admin-only user grouping and user choice, the empty state,
// and Export downloading the CSV of exactly the filters on screen.
import fs from 'node:fs';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { Project, User } from '../../src/models/index.js';
import { localToday, presetRange } from '../../admin/components/reports/range.js';
import { makeAdmin, makeProject, makeTask, makeUser } from '../factories.js';
import { loginAs } from '../support/server.js';
import { freshPage, loginViaForm, screenshot, SUITE_TIMEOUT } from './support/browser.js';
import { browserSuite, waitForText } from './support/suite.js';

const HEADER = 'date,start,end,duration_hours,user,project,task,notes,billable,source';
const DAY_MS = 86_400_000;
/** `YYYY-MM-DD` + n days. */
const plusDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

describe('Reports page (browser)', function () {
  this.timeout(SUITE_TIMEOUT);
  const s = browserSuite();
  // Every user is in UTC, like the browser: "last week" is the same for the page and the test.
  const lastWeek = () => presetRange('last-week', localToday(new Date(), 'UTC'));

  type EntrySpec = { project: Project; day: number; from: string; to: string; billable: boolean; task?: number; notes?: string };
  /** Completed entries of last week (day 0 = Monday) through POST /api/time-entries, as `user`. */
  async function entriesFor(user: User, specs: EntrySpec[]): Promise<void> {
    const api = await loginAs(s.srv, user);
    const monday = lastWeek().from;
    for (const e of specs) {
      const day = plusDays(monday, e.day);
      const res = await api.post('/api/time-entries', {
        project_id: e.project.id, task_id: e.task ?? null, start_time: `${day}T${e.from}:00Z`, end_time: `${day}T${e.to}:00Z`, billable: e.billable, notes: e.notes ?? null,
      });
      expect(res.status, res.text).to.equal(201);
    }
  }

  const bars = (page: Page) => page.locator('[data-testid=reports-chart] .recharts-bar-rectangle path');
  const tableRows = async (page: Page) =>
    (await page.getByTestId('reports-table').locator('tbody tr').allInnerTexts()).map((r) => r.split('\t').map((c) => c.trim()));

  /** Clicks Export; returns the downloaded file's name and lines (CRLF-separated, without the empty last one). */
  async function exportCsv(page: Page): Promise<{ name: string; lines: string[]; url: string }> {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('reports-export').click()]);
    const text = fs.readFileSync((await download.path())!, 'utf8');
    expect(text.endsWith('\r\n'), 'CRLF after the last line').to.equal(true);
    return { name: download.suggestedFilename(), lines: text.split('\r\n').slice(0, -1), url: download.url() };
  }

  it('draws hours per project for a preset, totals in h:mm, regroups, filters billable, and exports the same entries', async () => {
    const user = await makeUser({ full_name: 'Rita Reports', timezone: 'UTC' });
    const website = await makeProject({ name: 'Website relaunch', members: [user] });
    const mobile = await makeProject({ name: 'Mobile app', members: [user] });
    const internal = await makeProject({ name: 'Internal', members: [user], billable: false });
    const login = await makeTask(website, { name: 'Fix login' });
    await entriesFor(user, [
      { project: website, day: 0, from: '09:00', to: '10:30', billable: true, task: login.id, notes: 'Safari, then Firefox' },
      { project: website, day: 1, from: '14:00', to: '14:45', billable: false },
      { project: mobile, day: 1, from: '09:00', to: '12:15', billable: true },
      { project: mobile, day: 3, from: '13:00', to: '15:00', billable: true },
      { project: internal, day: 2, from: '10:00', to: '12:00', billable: false },
      { project: internal, day: -3, from: '10:00', to: '11:00', billable: false, notes: 'the week before: not in the report' },
    ]);
    const { page, watcher } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, user.email);
    await page.goto(`${s.srv.url}/admin/pages/reports`, { waitUntil: 'domcontentloaded' });
    const reports = page.getByTestId('reports');

    // This week (the default) has nothing yet: the page says what to do.
    await waitForText(reports.getByTestId('reports-empty'), 'No time recorded in this range.');
    await waitForText(reports.getByTestId('reports-empty'), 'start a timer on the Dashboard or add an entry under Time entries');
    expect(await page.locator('#reports-group option').allInnerTexts(), 'no user grouping for a user').to.deep.equal(['Project', 'Task', 'Day']);
    expect(await page.locator('#reports-user').count()).to.equal(0);

    await reports.getByTestId('reports-preset-last-week').click();
    expect(await reports.getByTestId('reports-preset-last-week').getAttribute('aria-pressed')).to.equal('true');
    await waitForText(reports.getByTestId('reports-total'), '9:30');
    expect(await tableRows(page)).to.deep.equal([
      ['Internal', '2:00', '0:00', '0%', '1'],
      ['Mobile app', '5:15', '5:15', '100%', '2'],
      ['Website relaunch', '2:15', '1:30', '67%', '2'],
      ['Total', '9:30', '6:45', '71%', '5'],
    ]);
    expect(await bars(page).count(), 'one bar per project').to.equal(3);
    // Bar heights follow the hours: Mobile app (5:15) is the tallest, Internal (2:00) the lowest.
    const heights = await bars(page).evaluateAll((ps) => ps.map((p) => (p as SVGGraphicsElement).getBBox().height));
    expect(heights[1]).to.be.greaterThan(heights[2]);
    expect(heights[2]).to.be.greaterThan(heights[0]);
    await screenshot(reports, 'reports');

    // Export: the same range, every entry of the report, in CSV.
    const all = await exportCsv(page);
    const { from, to } = lastWeek();
    expect(all.name).to.equal(`time-entries-${from}-to-${to}.csv`);
    expect(all.lines[0]).to.equal(HEADER);
    expect(all.lines.slice(1)).to.deep.equal([
      `${from},09:00,10:30,1.50,Rita Reports,Website relaunch,Fix login,"Safari, then Firefox",true,manual`,
      `${plusDays(from, 1)},09:00,12:15,3.25,Rita Reports,Mobile app,,,true,manual`,
      `${plusDays(from, 1)},14:00,14:45,0.75,Rita Reports,Website relaunch,,,false,manual`,
      `${plusDays(from, 2)},10:00,12:00,2.00,Rita Reports,Internal,,,false,manual`,
      `${plusDays(from, 3)},13:00,15:00,2.00,Rita Reports,Mobile app,,,true,manual`,
    ]);

    // By day: seven rows, bars only where time was tracked.
    await page.locator('#reports-group').selectOption({ label: 'Day' });
    await waitForText(page.getByTestId('reports-table').locator('thead'), 'Day');
    await page.getByTestId('reports-row').nth(6).waitFor();
    expect((await tableRows(page)).map((r) => r.slice(0, 2))).to.deep.equal([
      [from, '1:30'], [plusDays(from, 1), '4:00'], [plusDays(from, 2), '2:00'], [plusDays(from, 3), '2:00'],
      [plusDays(from, 4), '0:00'], [plusDays(from, 5), '0:00'], [plusDays(from, 6), '0:00'], ['Total', '9:30'],
    ]);
    expect(await bars(page).count(), 'one bar per day with time').to.equal(4);

    // Billable only, by task: the table, the chart and the export agree.
    await page.locator('#reports-billable').selectOption({ label: 'Billable only' });
    await page.locator('#reports-group').selectOption({ label: 'Task' });
    await waitForText(reports.getByTestId('reports-total'), '6:45');
    expect(await tableRows(page)).to.deep.equal([
      ['Fix login', '1:30', '1:30', '100%', '1'],
      ['No task', '5:15', '5:15', '100%', '2'],
      ['Total', '6:45', '6:45', '100%', '3'],
    ]);
    expect(await bars(page).count()).to.equal(2);
    const billable = await exportCsv(page);
    expect(new URL(billable.url).searchParams.get('billable')).to.equal('true');
    expect(billable.lines[0]).to.equal(HEADER);
    expect(billable.lines.slice(1).map((l) => l.split(',').slice(5, 7).join(' / '))).to.deep.equal(['Website relaunch / Fix login', 'Mobile app / ', 'Mobile app / ']);

    // One project and non-billable: nothing, and the empty state names the filters.
    await page.locator('#reports-project').selectOption({ label: 'Mobile app' });
    await page.locator('#reports-billable').selectOption({ label: 'Non-billable only' });
    await waitForText(reports.getByTestId('reports-empty'), 'No time recorded in this range with these filters.');
    expect((await exportCsv(page)).lines).to.deep.equal([HEADER]);
    expect(watcher.errors).to.deep.equal([]);
  });

  it('lets an admin group by user across users and narrow the report to one user', async () => {
    const admin = await makeAdmin({ full_name: 'Ada Admin', timezone: 'UTC' });
    const ann = await makeUser({ full_name: 'Ann Analyst', timezone: 'UTC' });
    const bob = await makeUser({ full_name: 'Bob Builder', timezone: 'UTC' });
    const project = await makeProject({ name: 'Shared project', members: [ann, bob] });
    await entriesFor(ann, [{ project, day: 0, from: '09:00', to: '12:00', billable: true }]);
    await entriesFor(bob, [{ project, day: 4, from: '13:00', to: '14:30', billable: false }]);
    const { page, watcher } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, admin.email);
    await page.goto(`${s.srv.url}/admin/pages/reports`, { waitUntil: 'domcontentloaded' });
    const reports = page.getByTestId('reports');
    await reports.getByTestId('reports-preset-last-week').click();
    await page.locator('#reports-group').selectOption({ label: 'User' });
    await waitForText(page.getByTestId('reports-table').locator('thead'), 'User');
    await waitForText(reports.getByTestId('reports-total'), '4:30');
    expect(await tableRows(page)).to.deep.equal([
      ['Ann Analyst', '3:00', '3:00', '100%', '1'],
      ['Bob Builder', '1:30', '0:00', '0%', '1'],
      ['Total', '4:30', '3:00', '67%', '2'],
    ]);
    expect(await bars(page).count()).to.equal(2);

    // The user list offers everyone with time in the range.
    await waitForText(page.locator('#reports-user'), 'Bob Builder');
    expect(await page.locator('#reports-user option').allInnerTexts()).to.deep.equal(['All users', 'Ann Analyst', 'Bob Builder']);
    await page.locator('#reports-user').selectOption({ label: 'Bob Builder' });
    await waitForText(reports.getByTestId('reports-total'), '1:30');
    expect((await tableRows(page)).map((r) => r[0])).to.deep.equal(['Bob Builder', 'Total']);
    const file = await exportCsv(page);
    expect(new URL(file.url).searchParams.get('user_id')).to.equal(String(bob.id));
    expect(file.lines.slice(1).map((l) => l.split(',')[4])).to.deep.equal(['Bob Builder']);
    expect(watcher.errors).to.deep.equal([]);
  });
});
