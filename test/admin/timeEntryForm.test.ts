// The panel's "new time entry" form (admin/resources/timeEntries.resource.ts): every invalid field
// is reported at once, each next to its own field, and nothing is saved.
import { expect } from 'chai';
import { TimeEntry } from '../../src/models/index.js';
import { makeProject, makeTask, makeUser } from '../factories.js';
import { type TestClient, useTestServer } from '../support/server.js';

describe('AdminJS time entry form', () => {
  const srv = useTestServer();

  const submit = (c: TestClient, fields: Record<string, string>) =>
    c.request('POST', '/admin/api/resources/time_entries/actions/new', {
      body: new URLSearchParams(fields).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });

  async function loggedIn() {
    const user = await makeUser();
    const c = srv.client();
    await c.login(user.email);
    return { user, c };
  }

  it('reports a missing project and a missing start (an end is given) at once and saves nothing', async () => {
    const { c } = await loggedIn();
    const res = await submit(c, { project_id: '', start_time: '', end_time: '2026-03-02T10:00:00Z', notes: 'x' });
    expect(res.status).to.equal(200);
    expect(Object.keys(res.body.record.errors).sort()).to.deep.equal(['project_id', 'start_time']);
    expect(res.body.record.errors.project_id.message).to.equal('Required. Choose a project.');
    expect(res.body.record.errors.start_time.message).to.equal('Required');
    expect(res.body.notice.type).to.equal('error');
    expect(await TimeEntry.count()).to.equal(0);
  });

  it('starts a timer now when Started and Ended are empty, through the timer service', async () => {
    const { c, user } = await loggedIn();
    const project = await makeProject({ members: [user] });
    const res = await submit(c, { project_id: String(project.id), start_time: '', end_time: '', notes: 'Pairing' });
    expect(res.body.notice, res.text).to.deep.include({ message: 'Timer started', type: 'success' });
    const running = await TimeEntry.findAll({ where: { user_id: user.id } });
    expect(running).to.have.length(1);
    expect(running[0]).to.deep.include({ end_time: null, source: 'timer', notes: 'Pairing', project_id: project.id });
    expect(Date.now() - running[0].start_time.getTime()).to.be.below(60_000);
  });

  it('starts a timer from the given start when only Ended is empty; a second one is refused next to Ended', async () => {
    const { c, user } = await loggedIn();
    const project = await makeProject({ members: [user] });
    const earlier = new Date(Date.now() - 20 * 60_000);
    const first = await submit(c, { project_id: String(project.id), start_time: earlier.toISOString(), end_time: '' });
    expect(first.body.notice.type, first.text).to.equal('success');
    const second = await submit(c, { project_id: String(project.id), start_time: '', end_time: '' });
    expect(second.body.record.errors.end_time.message).to.match(/^You already have an active timer\. .*fill in Ended/);
    const rows = await TimeEntry.findAll({ where: { user_id: user.id } });
    expect(rows).to.have.length(1);
    expect(rows[0].start_time.toISOString()).to.equal(earlier.toISOString());
    expect(rows[0].end_time).to.equal(null);
  });

  it('refuses a timer that would start in the future, and a timer for someone else, saving nothing', async () => {
    const { c, user } = await loggedIn();
    const project = await makeProject({ members: [user] });
    const future = await submit(c, { project_id: String(project.id), start_time: new Date(Date.now() + 3_600_000).toISOString(), end_time: '' });
    expect(future.body.record.errors.start_time.message).to.match(/cannot start in the future/);

    const admin = await makeUser({ role: 'admin' });
    const other = await makeUser();
    const ac = srv.client();
    await ac.login(admin.email);
    const forOther = await submit(ac, { project_id: String(project.id), user_id: String(other.id), start_time: '', end_time: '' });
    expect(forOther.body.record.errors.end_time.message).to.match(/timer can be started only for yourself/);
    expect(await TimeEntry.count()).to.equal(0);
  });

  it('reports a foreign project, a task of another project and an end before the start together', async () => {
    const { c, user } = await loggedIn();
    const foreign = await makeProject();
    const mine = await makeProject({ members: [user] });
    const task = await makeTask(mine);
    const res = await submit(c, {
      project_id: String(foreign.id), task_id: String(task.id), start_time: '2026-03-02T10:00:00Z', end_time: '2026-03-02T09:00:00Z',
    });
    expect(res.body.record.errors).to.deep.equal({
      project_id: { message: 'You are not a member of this project' },
      task_id: { message: 'This task belongs to another project; choose one of the selected project’s tasks' },
      end_time: { message: 'Must not be before the start time' },
    });
    const unreadable = await submit(c, { project_id: String(mine.id), start_time: 'yesterday-ish', end_time: 'later' });
    expect(unreadable.body.record.errors).to.deep.equal({
      start_time: { message: 'Not a valid date and time' },
      end_time: { message: 'Not a valid date and time' },
    });
    expect(await TimeEntry.count()).to.equal(0);
  });

  it('saves a valid entry with its duration', async () => {
    const { c, user } = await loggedIn();
    const project = await makeProject({ members: [user] });
    const res = await submit(c, { project_id: String(project.id), start_time: '2026-03-02T09:00:00Z', end_time: '2026-03-02T10:30:00Z' });
    expect(res.body.record.errors).to.deep.equal({});
    const entry = (await TimeEntry.findOne({ where: { user_id: user.id } }))!;
    expect(entry.duration_seconds).to.equal(5400);
    expect(entry.source).to.equal('manual');
  });
});
