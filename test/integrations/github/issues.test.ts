import { expect } from 'chai';
import { events } from '../../../src/events.js';
import { ALREADY_RUNNING } from '../../../src/services/timer.js';
import { Integration, Task, TimeEntry, type Project, type User } from '../../../src/models/index.js';
import { makeEntry, makeProject, makeTask, makeUser } from '../../factories.js';
import { useTestServer } from '../../support/server.js';
import { connectGithub, counts, deliver, issuePayload, type Connected } from './helpers.js';

describe('GitHub `issues` deliveries', () => {
  const srv = useTestServer();

  interface Setup extends Connected {
    user: User;
    project: Project;
  }

  async function setup(opts: Parameters<typeof connectGithub>[3] & { github_username?: string | null } = {}): Promise<Setup> {
    const user = await makeUser({ github_username: opts.github_username === undefined ? 'codertocat' : opts.github_username });
    const project = await makeProject({ members: [user] });
    return { user, project, ...(await connectGithub(srv, user, project, opts)) };
  }

  const send = (s: { secret: string }, action: string, opts: Parameters<typeof issuePayload>[1] = {}) =>
    deliver(srv, issuePayload(action, opts), { secret: s.secret });

  describe('opened', () => {
    it('creates a todo task in the default project from the real example payload', async () => {
      const s = await setup();
      const res = await send(s, 'opened');
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ ok: true });
      const task = (await Task.findByPk(res.body.task_id))!;
      expect(task).to.include({
        project_id: s.project.id,
        name: 'Spelling error in the README file',
        description: "It looks like you accidently spelled 'commit' with two 't's.",
        status: 'todo',
        priority: 'high',
        external_ref: 'github_issue_1',
        external_url: 'https://github.com/Codertocat/Hello-World/issues/1',
        created_by: s.user.id,
      });
    });

    it('truncates the name to 200 and the description to 2000 characters; a null body gives no description', async () => {
      const s = await setup();
      const long = await send(s, 'opened', { number: 7, title: 'T'.repeat(300), body: 'B'.repeat(5000) });
      const task = (await Task.findByPk(long.body.task_id))!;
      expect(task.name).to.have.length(200);
      expect(task.description).to.have.length(2000);
      const empty = await send(s, 'opened', { number: 8, body: null });
      expect((await Task.findByPk(empty.body.task_id))!.description).to.equal(null);
    });

    const priorities: Array<[string[], string]> = [
      [[], 'low'],
      [['question'], 'low'],
      [['Bug'], 'high'],
      [['critical'], 'high'],
      [['enhancement'], 'medium'],
      [['documentation', 'enhancement', 'bug'], 'medium'],
      [['bug', 'enhancement'], 'high'],
    ];
    for (const [labels, priority] of priorities) {
      it(`maps labels [${labels.join(', ')}] to priority ${priority} (first match in label order)`, async () => {
        const s = await setup();
        const res = await send(s, 'opened', { labels });
        expect((await Task.findByPk(res.body.task_id))!.priority).to.equal(priority);
      });
    }

    it('skips issues without the label filter (case-insensitive) and creates those with it', async () => {
      const s = await setup({ label_filter: 'TimeTracker' });
      const skipped = await send(s, 'opened', { number: 1, labels: ['bug'] });
      expect(skipped.status).to.equal(200);
      expect(skipped.body.skipped).to.match(/label "timetracker"/);
      expect((await counts()).tasks).to.equal(0);
      const taken = await send(s, 'opened', { number: 2, labels: ['bug', 'TIMETRACKER'] });
      expect(taken.body.task_id).to.be.a('number');
      expect((await counts()).tasks).to.equal(1);
    });

    it('never creates a second task when the issue is delivered again under a new delivery id', async () => {
      const s = await setup();
      const first = await send(s, 'opened');
      const second = await send(s, 'opened');
      expect(second.status).to.equal(200);
      expect(second.body.task_id).to.equal(first.body.task_id);
      expect((await counts()).tasks).to.equal(1);
    });

    it('creates exactly one task for 20 concurrent deliveries of one new issue', async () => {
      const s = await setup();
      const payload = issuePayload('opened', { number: 42 });
      const answers = await Promise.all(Array.from({ length: 20 }, () => deliver(srv, payload, { secret: s.secret })));
      expect(answers.map((a) => a.status)).to.deep.equal(Array(20).fill(200));
      expect(new Set(answers.map((a) => a.body.task_id)).size).to.equal(1);
      expect(await Task.count({ where: { external_ref: 'github_issue_42' } })).to.equal(1);
      expect((await counts()).deliveries).to.equal(20);
    });

    it('skips (200) when the default project was archived since the config was saved', async () => {
      const s = await setup();
      await s.project.update({ status: 'archived' });
      const res = await send(s, 'opened');
      expect(res.status).to.equal(200);
      expect(res.body.skipped).to.match(/archived/);
      expect((await counts()).tasks).to.equal(0);
    });
  });

  describe('closed / reopened / edited / labeled / unlabeled', () => {
    it('closed marks only the task of the default project done, with completed_at', async () => {
      const s = await setup();
      const created = await send(s, 'opened');
      const elsewhere = await makeTask(await makeProject(), { external_ref: 'github_issue_1' });
      const res = await send(s, 'closed');
      expect(res.body).to.deep.equal({ ok: true, task_id: created.body.task_id });
      const task = (await Task.findByPk(created.body.task_id))!;
      expect(task.status).to.equal('done');
      expect(task.completed_at?.toISOString()).to.equal('2026-01-02T03:04:05.000Z');
      await elsewhere.reload();
      expect(elsewhere.status).to.equal('todo');
      expect(elsewhere.completed_at).to.equal(null);
    });

    it('closed for an issue without a task is ignored and creates nothing', async () => {
      const s = await setup();
      const res = await send(s, 'closed', { number: 99 });
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ ok: true, ignored: true });
      expect((await counts()).tasks).to.equal(0);
    });

    it('reopened sets the task back to todo and clears completed_at', async () => {
      const s = await setup();
      const { body } = await send(s, 'opened');
      await send(s, 'closed');
      await send(s, 'reopened');
      const task = (await Task.findByPk(body.task_id))!;
      expect(task.status).to.equal('todo');
      expect(task.completed_at).to.equal(null);
    });

    it('edited updates name and description', async () => {
      const s = await setup();
      const { body } = await send(s, 'opened');
      await send(s, 'edited', { title: 'Spelling error in README.md', body: 'Two t\'s in "commit".' });
      const task = (await Task.findByPk(body.task_id))!;
      expect(task.name).to.equal('Spelling error in README.md');
      expect(task.description).to.equal('Two t\'s in "commit".');
    });

    it('labeled and unlabeled recompute the priority', async () => {
      const s = await setup();
      const { body } = await send(s, 'opened', { labels: [] });
      expect((await Task.findByPk(body.task_id))!.priority).to.equal('low');
      await send(s, 'labeled', { labels: ['enhancement'] });
      expect((await Task.findByPk(body.task_id))!.priority).to.equal('medium');
      await send(s, 'labeled', { labels: ['critical', 'enhancement'] });
      expect((await Task.findByPk(body.task_id))!.priority).to.equal('high');
      await send(s, 'unlabeled', { labels: ['enhancement'] });
      expect((await Task.findByPk(body.task_id))!.priority).to.equal('medium');
    });

    it('adding the filter label to an issue without a task brings it in', async () => {
      const s = await setup({ label_filter: 'tt' });
      const payload = issuePayload('labeled', { number: 5, labels: ['bug', 'tt'] });
      payload.label = { name: 'TT' };
      const res = await deliver(srv, payload, { secret: s.secret });
      expect(res.body.task_id).to.be.a('number');
      expect((await Task.findByPk(res.body.task_id))!.priority).to.equal('high');
    });

    for (const action of ['locked', 'pinned', 'milestoned', 'unassigned', 'deleted', 'transferred']) {
      it(`answers other actions (${action}) with {ok:true, ignored:true} and changes nothing`, async () => {
        const s = await setup();
        const payload = issuePayload(action);
        payload.repository.full_name = 'Codertocat/Hello-World';
        const res = await deliver(srv, payload, { secret: s.secret });
        expect(res.status).to.equal(200);
        expect(res.body).to.deep.equal({ ok: true, ignored: true });
        expect((await counts()).tasks).to.equal(0);
      });
    }
  });

  describe('assigned', () => {
    it("starts the owner's timer (case-insensitive login), linked to a new task, through the timer service", async () => {
      const s = await setup({ auto_start_timer: true, github_username: 'codertocat' });
      const started: number[] = [];
      const off = events.on('timer.started', 'test', ({ entry }) => void started.push(entry.id));
      try {
        const res = await send(s, 'assigned', { assignee: 'CoderToCat', title: `Fix ${'x'.repeat(300)}` });
        expect(res.status).to.equal(200);
        expect(res.body).to.include({ ok: true, started: true });
        const entry = (await TimeEntry.findByPk(res.body.time_entry_id))!;
        expect(entry).to.include({ user_id: s.user.id, project_id: s.project.id, task_id: res.body.task_id, end_time: null, source: 'github' });
        expect(entry.notes).to.equal(`GitHub issue #1: Fix ${'x'.repeat(156)}`);
        expect((await Task.findByPk(res.body.task_id))!.external_ref).to.equal('github_issue_1');
        expect(started).to.deep.equal([entry.id]);
      } finally {
        off();
      }
    });

    it('links the timer to the existing task when the issue was opened before', async () => {
      const s = await setup({ auto_start_timer: true });
      const opened = await send(s, 'opened');
      const res = await send(s, 'assigned', { assignee: 'Codertocat' });
      expect(res.body.task_id).to.equal(opened.body.task_id);
      expect((await counts()).tasks).to.equal(1);
    });

    it('does nothing when auto_start_timer is off', async () => {
      const s = await setup({ auto_start_timer: false });
      const res = await send(s, 'assigned', { assignee: 'Codertocat' });
      expect(res.body).to.include({ ok: true, ignored: true });
      expect(await counts()).to.deep.include({ tasks: 0, entries: 0 });
    });

    it("does nothing when the assignee is not the owner's github_username, or the owner has none", async () => {
      const s = await setup({ auto_start_timer: true, github_username: 'alice' });
      const lookalike = await makeUser({ github_username: 'Codertocat' });
      expect((await send(s, 'assigned', { assignee: 'Codertocat' })).body.ignored).to.equal(true);
      await s.user.update({ github_username: null });
      expect((await send(s, 'assigned', { assignee: 'Codertocat' })).body.ignored).to.equal(true);
      expect(await TimeEntry.count({ where: { user_id: lookalike.id } })).to.equal(0);
      expect(await counts()).to.deep.include({ tasks: 0, entries: 0 });
    });

    it("answers 200 with the timer service's message when a timer is already running, touching nothing", async () => {
      const s = await setup({ auto_start_timer: true });
      const running = await makeEntry(s.user, s.project, { end: null, notes: 'already running' });
      const res = await send(s, 'assigned', { assignee: 'Codertocat' });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ ok: true, started: false, message: ALREADY_RUNNING });
      await running.reload();
      expect(running.end_time).to.equal(null);
      expect(await counts()).to.deep.include({ tasks: 0, entries: 1 });
    });

    it('respects the label filter', async () => {
      const s = await setup({ auto_start_timer: true, label_filter: 'tt' });
      const res = await send(s, 'assigned', { assignee: 'Codertocat', labels: ['bug'] });
      expect(res.body.skipped).to.be.a('string');
      expect(await counts()).to.deep.include({ tasks: 0, entries: 0 });
    });
  });

  describe('isolation between users', () => {
    it("a delivery for user A's repository never touches user B's tasks", async () => {
      const a = await setup({ repo: 'alice/app' });
      const bUser = await makeUser({ github_username: 'bob' });
      const bProject = await makeProject({ members: [bUser] });
      const b = await connectGithub(srv, bUser, bProject, { repo: 'bob/app' });
      const bTask = (await Task.findByPk((await deliver(srv, issuePayload('opened', { repo: 'bob/app' }), { secret: b.secret })).body.task_id))!;

      await deliver(srv, issuePayload('opened', { repo: 'alice/app' }), { secret: a.secret });
      await deliver(srv, issuePayload('edited', { repo: 'alice/app', title: 'A edit' }), { secret: a.secret });
      await deliver(srv, issuePayload('closed', { repo: 'alice/app' }), { secret: a.secret });
      const forged = await deliver(srv, issuePayload('closed', { repo: 'alice/app' }), { secret: b.secret });
      expect(forged.status, "B's secret cannot act on A's repository").to.equal(401);

      const after = (await Task.findByPk(bTask.id))!;
      expect(after).to.include({ status: 'todo', name: bTask.name, project_id: bProject.id });
      expect(await Task.count({ where: { project_id: a.project.id } })).to.equal(1);
    });

    it('with two users on the same repository, only the integration whose secret signed the delivery acts', async () => {
      const a = await setup({ repo: 'shared/repo' });
      const bUser = await makeUser();
      const bProject = await makeProject({ members: [bUser] });
      const b = await connectGithub(srv, bUser, bProject, { repo: 'Shared/Repo' });
      const res = await deliver(srv, issuePayload('opened', { repo: 'shared/repo' }), { secret: b.secret });
      expect(res.status).to.equal(200);
      expect(await Task.count({ where: { project_id: bProject.id } })).to.equal(1);
      expect(await Task.count({ where: { project_id: a.project.id } })).to.equal(0);
    });

    it('processes the delivery for every integration of the repository whose secret verifies', async () => {
      const a = await setup({ repo: 'shared/repo' });
      const bUser = await makeUser();
      const bProject = await makeProject({ members: [bUser] });
      const b = await connectGithub(srv, bUser, bProject, { repo: 'shared/repo' });
      const aRow = (await Integration.findByPk(a.integrationId))!;
      const bRow = (await Integration.findByPk(b.integrationId))!;
      await bRow.update({ config: { ...bRow.config, webhook_secret: aRow.config.webhook_secret } });
      const res = await deliver(srv, issuePayload('opened', { repo: 'shared/repo' }), { secret: a.secret });
      expect(res.status).to.equal(200);
      expect(res.body.results.map((r: { integration_id: number }) => r.integration_id)).to.deep.equal([a.integrationId, b.integrationId]);
      expect(await Task.count({ where: { project_id: a.project.id } })).to.equal(1);
      expect(await Task.count({ where: { project_id: bProject.id } })).to.equal(1);
      expect((await counts()).deliveries).to.equal(1);
    });
  });
});
