import { expect } from 'chai';
import { makeAdmin, makeProject, makeTask, makeUser } from '../../factories.js';
import { loginAs, useTestServer } from '../../support/server.js';
import { refused } from '../../support/validation.js';

describe('GET /api/tasks', () => {
  const srv = useTestServer();

  it('lists tasks of the user\'s allowed projects only', async () => {
    const user = await makeUser();
    const mine = await makeProject({ members: [user] });
    const other = await makeProject();
    const t1 = await makeTask(mine);
    await makeTask(other);
    const c = await loginAs(srv, user);
    const res = await c.get('/api/tasks');
    expect(res.status).to.equal(200);
    expect(res.body.tasks.map((t: { id: number }) => t.id)).to.deep.equal([t1.id]);
    expect(res.body.tasks[0]).to.include({ project_id: mine.id, name: t1.name, status: 'todo', external_ref: null });
  });

  it('lists every task for an admin', async () => {
    await makeTask(await makeProject());
    await makeTask(await makeProject());
    const c = await loginAs(srv, await makeAdmin());
    expect((await c.get('/api/tasks')).body.tasks).to.have.length(2);
  });

  it('filters by project_id, external_ref and status', async () => {
    const user = await makeUser();
    const a = await makeProject({ members: [user] });
    const b = await makeProject({ members: [user] });
    const issue = await makeTask(a, { external_ref: 'github_issue_12' });
    const done = await makeTask(a, { status: 'done' });
    await makeTask(b, { external_ref: 'github_issue_12' });
    const c = await loginAs(srv, user);
    const ids = async (q: string) => (await c.get(`/api/tasks?${q}`)).body.tasks.map((t: { id: number }) => t.id);
    expect(await ids(`project_id=${a.id}`)).to.deep.equal([issue.id, done.id]);
    expect(await ids(`project_id=${a.id}&external_ref=github_issue_12`)).to.deep.equal([issue.id]);
    expect(await ids('external_ref=github_issue_12')).to.have.length(2);
    expect(await ids(`project_id=${a.id}&status=done`)).to.deep.equal([done.id]);
  });

  it('refuses a project the user may not use (403) and an unknown one (404)', async () => {
    const user = await makeUser();
    const other = await makeProject();
    await makeTask(other);
    const c = await loginAs(srv, user);
    const forbidden = await c.get(`/api/tasks?project_id=${other.id}`);
    expect(forbidden.status).to.equal(403);
    expect(forbidden.body).to.deep.equal({ ok: false, error: 'Forbidden' });
    const unknown = await c.get('/api/tasks?project_id=999999');
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error).to.equal('Project not found');
  });

  it('rejects bad filters with 400 "<field>: <reason>"', async () => {
    const c = await loginAs(srv, await makeUser());
    expect((await c.get('/api/tasks?project_id=abc')).body).to.deep.equal(refused('project_id: must be a number'));
    expect((await c.get('/api/tasks?status=whatever')).body.error).to.match(/^status: /);
  });
});
