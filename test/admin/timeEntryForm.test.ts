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

  it('reports a missing project, start and end at once and saves nothing', async () => {
    const { c } = await loggedIn();
    const res = await submit(c, { project_id: '', start_time: '', end_time: '', notes: 'x' });
    expect(res.status).to.equal(200);
    expect(Object.keys(res.body.record.errors).sort()).to.deep.equal(['end_time', 'project_id', 'start_time']);
    expect(res.body.record.errors.project_id.message).to.equal('Required. Choose a project.');
    expect(res.body.record.errors.start_time.message).to.equal('Required');
    expect(res.body.record.errors.end_time.message).to.match(/^Required\. To run a live timer/);
    expect(res.body.notice.type).to.equal('error');
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
