// The week timesheet in real Chromium: an entry made through the API in its day cell as h:mm, the
// running timer counted and marked, a cell's entries edited and deleted, one added inline (with a
// refusal shown next to its field), previous / next / this week.
import path from 'node:path';
import { expect } from 'chai';
import { TimeEntry } from '../../src/models/index.js';
import { makeEntry, makeProject, makeTask, makeUser } from '../factories.js';
import { loginAs } from '../support/server.js';
import { ARTIFACTS_DIR, freshPage, loginViaForm, screenshot, SUITE_TIMEOUT } from './support/browser.js';
import { browserSuite, waitForText } from './support/suite.js';

/** A fixed-offset zone whose local hour is 12 right now, its offset, and today's local date. */
function zoneAtNoon() {
  const now = Date.now();
  const offset = 12 - new Date(now).getUTCHours();
  const zone = offset >= 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
  const today = new Date(now + offset * 3600_000).toISOString().slice(0, 10);
  /** The instant of a local wall-clock time `days` after today. */
  const local = (days: number, hhmm: string) => new Date(Date.parse(`${today}T${hhmm}:00Z`) + days * 86_400_000 - offset * 3600_000);
  return { zone, today, local, weekday: (new Date(`${today}T12:00:00Z`).getUTCDay() + 6) % 7 };
}

/** How the page names a fixed-offset zone: Etc/GMT-5 is five hours ahead of UTC. */
const offsetLabel = (zone: string) => zone.replace(/^Etc\/GMT([+-])/, (_, sign: string) => `UTC${sign === '-' ? '+' : '-'}`);

describe('Week timesheet (browser)', function () {
  this.timeout(SUITE_TIMEOUT);
  const s = browserSuite();

  it('shows an entry in its day cell, edits and deletes it from the cell, adds one inline, and pages through weeks', async () => {
    const { zone, today, local, weekday } = zoneAtNoon();
    const user = await makeUser({ full_name: 'Tess Sheet', timezone: zone });
    const website = await makeProject({ name: 'Website relaunch', members: [user], billable: true });
    const internal = await makeProject({ name: 'Internal', members: [user] });
    const login = await makeTask(website, { name: 'Fix login', external_ref: 'github_issue_42' });
    const copy = await makeTask(website, { name: 'Write copy' });
    // Earlier days of this week, so the week reads like one.
    for (let d = -weekday; d < 0; d++) {
      await makeEntry(user, website, { start: local(d, '09:00'), end: local(d, '11:15'), task: copy, notes: 'Landing page' });
      await makeEntry(user, internal, { start: local(d, '13:00'), end: local(d, '13:30'), notes: 'Stand-up' });
    }
    const api = await loginAs(s.srv, user);
    const made = await api.post('/api/time-entries', { project_id: website.id, task_id: login.id, start_time: local(0, '09:00').toISOString(), end_time: local(0, '10:30').toISOString(), notes: 'Safari login bug' });
    expect(made.status).to.equal(201);
    const entryId = made.body.entry.id as number;
    expect((await api.post('/api/timer/start', { project_id: internal.id, notes: 'Planning' })).status).to.equal(201);
    await TimeEntry.update({ start_time: local(0, '11:15') }, { where: { user_id: user.id, end_time: null } });

    const { page, watcher } = await freshPage(s.browser);
    watcher.allow(/\/api\/time-entries$/); // the refused add below
    await loginViaForm(page, s.srv.url, user.email);
    await page.goto(`${s.srv.url}/admin/pages/timesheet`, { waitUntil: 'domcontentloaded' });
    const sheet = page.getByTestId('timesheet');
    const grid = sheet.getByTestId('timesheet-grid');
    await grid.waitFor();
    const utc = offsetLabel(zone);
    await waitForText(sheet.getByTestId('timesheet-intro'), `Monday to Sunday in ${utc}.`);
    expect(await sheet.getByTestId(`timesheet-day-${weekday}`).getAttribute('data-date')).to.equal(today);
    await waitForText(sheet.getByTestId(`timesheet-day-${weekday}`), 'today');
    // Rows by project name: Internal, then Website relaunch's tasks by name.
    await waitForText(sheet.getByTestId('timesheet-row-0'), 'Internal');
    await waitForText(sheet.getByTestId('timesheet-row-1'), '#42 Fix login');
    const cell = sheet.getByTestId(`timesheet-cell-1-${weekday}`);
    expect(await cell.innerText()).to.equal('1:30');
    expect(await cell.getAttribute('data-date')).to.equal(today);
    // The running timer: 11:15 to about 12:00 local, marked, counted in the totals.
    const runningCell = sheet.getByTestId(`timesheet-cell-0-${weekday}`);
    await waitForText(runningCell, 'running');
    const runningText = (await runningCell.innerText()).split('\n')[0];
    const secs = (hm: string) => Number(hm.split(':')[0]) * 3600 + Number(hm.split(':')[1]) * 60;
    expect(runningText).to.match(/^\d:\d\d$/);
    expect(secs(runningText)).to.be.within(45 * 60, 105 * 60);
    expect(secs(await sheet.getByTestId(`timesheet-day-total-${weekday}`).innerText())).to.equal(secs(runningText) + 5400);
    expect(secs(await sheet.getByTestId('timesheet-total').innerText())).to.equal(secs(runningText) + 5400 + weekday * (8100 + 1800));

    // The cell's entries.
    await cell.click();
    const day = sheet.getByTestId('timesheet-day');
    const entry = day.getByTestId(`timesheet-entry-${entryId}`);
    await waitForText(entry, '09:00 – 10:30');
    await waitForText(entry, 'Safari login bug');
    expect(await entry.getByTestId(`timesheet-entry-${entryId}-duration`).innerText()).to.equal('1:30');
    await waitForText(day, 'Website relaunch · #42 Fix login');
    await screenshot(sheet, 'timesheet');

    // Edit the notes.
    await entry.getByTestId(`timesheet-entry-${entryId}-edit`).click();
    const edit = day.getByTestId(`timesheet-edit-${entryId}`);
    expect(await edit.locator(`#timesheet-edit-${entryId}-start`).inputValue()).to.equal(`${today}T09:00`);
    await edit.locator(`#timesheet-edit-${entryId}-notes`).fill('Safari and Firefox login bug');
    await edit.getByTestId(`timesheet-edit-${entryId}-save`).click();
    await waitForText(day.getByTestId('timesheet-day-result'), 'Entry saved.');
    await waitForText(entry, 'Safari and Firefox login bug');
    expect((await TimeEntry.findByPk(entryId))!.notes).to.equal('Safari and Firefox login bug');

    // Delete it (asked once more first).
    await entry.getByTestId(`timesheet-entry-${entryId}-delete`).click();
    await entry.getByTestId(`timesheet-entry-${entryId}-confirm`).click();
    await waitForText(day.getByTestId('timesheet-day-result'), 'Entry deleted.');
    await entry.waitFor({ state: 'detached' });
    expect(await TimeEntry.findByPk(entryId)).to.equal(null);

    // Add one inline: a refusal stands next to its field, then the entry lands in the cell.
    await day.getByTestId('timesheet-add-open').click();
    const add = day.getByTestId('timesheet-add');
    await waitForText(add.locator('#timesheet-add-task'), '#42 Fix login');
    expect(await add.locator('#timesheet-add-project').inputValue()).to.equal(String(website.id));
    expect(await add.locator('#timesheet-add-task').inputValue()).to.equal(String(login.id));
    await add.locator('#timesheet-add-start').fill(`${today}T13:00`);
    await add.locator('#timesheet-add-end').fill(`${today}T12:00`);
    await add.getByTestId('timesheet-add-save').click();
    await waitForText(add.getByTestId('timesheet-add-end-error'), 'must not be before the start');
    await add.screenshot({ path: path.join(ARTIFACTS_DIR, 'timesheet-add-refused.png'), animations: 'disabled', caret: 'hide' });
    await add.locator('#timesheet-add-end').fill(`${today}T14:15`);
    await add.locator('#timesheet-add-notes').fill('Pairing');
    await add.getByTestId('timesheet-add-save').click();
    await waitForText(day.getByTestId('timesheet-day-result'), 'Entry added.');
    const added = await TimeEntry.findOne({ where: { user_id: user.id, notes: 'Pairing' } });
    expect(added).to.deep.include({ project_id: website.id, task_id: login.id, source: 'manual', duration_seconds: 4500 });
    expect(added!.start_time.toISOString()).to.equal(local(0, '13:00').toISOString());
    await waitForText(day.getByTestId(`timesheet-entry-${added!.id}`), '13:00 – 14:15');
    await waitForText(sheet.getByTestId(`timesheet-cell-1-${weekday}`), '1:15');

    // Previous week (empty), next week, back to this week.
    const title = sheet.getByTestId('timesheet-title');
    const thisWeek = await title.innerText();
    await sheet.getByTestId('timesheet-previous').click();
    await waitForText(sheet.getByTestId('timesheet-empty'), 'No time this week. Start a timer on the Dashboard or add an entry.');
    expect(await title.innerText()).not.to.equal(thisWeek);
    expect(await sheet.getByTestId('timesheet-day').count(), 'the day panel closes with the week').to.equal(0);
    expect(await sheet.getByTestId('timesheet-day-0').getAttribute('data-date')).to.equal(local(-weekday - 7, '12:00').toISOString().slice(0, 10));
    await sheet.getByTestId('timesheet-next').click();
    await waitForText(title, thisWeek);
    await waitForText(sheet.getByTestId(`timesheet-cell-1-${weekday}`), '1:15');
    await sheet.getByTestId('timesheet-next').click();
    await waitForText(sheet.getByTestId('timesheet-empty'), 'No time this week.');
    expect(await sheet.getByTestId('timesheet-day-0').getAttribute('data-date')).to.equal(local(-weekday + 7, '12:00').toISOString().slice(0, 10));
    await sheet.getByTestId('timesheet-this-week').click();
    await waitForText(title, thisWeek);
    expect(watcher.errors).to.deep.equal([]);
  });
});
