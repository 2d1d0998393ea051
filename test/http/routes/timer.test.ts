import { expect } from 'chai';
import { TimeEntry } from '../../../src/models/index.js';
import { makeEntry, makeProject, makeTask, makeUser } from '../../factories.js';
import { loginAs, useTestServer } from '../../support/server.js';
import { refused } from '../../support/validation.js';

describe('timer API', () => {
  const srv = useTestServer();

  async function member() {
    const user = await makeUser();
    const project = await makeProject({ members: [user], name: 'Client work' });
    return { user, project, c: await loginAs(srv, user) };
  }

  describe('POST /api/timer/start', () => {
    it('starts a timer (201) with task and notes', async () => {
      const { user, project, c } = await member();
      const task = await makeTask(project);
      const res = await c.post('/api/timer/start', { project_id: project.id, task_id: task.id, notes: 'Kick-off' });
      expect(res.status).to.equal(201);
      expect(res.body.ok).to.equal(true);
      expect(res.body.entry).to.include({ user_id: user.id, project_id: project.id, task_id: task.id, notes: 'Kick-off', source: 'timer', end_time: null });
    });

    it('refuses a second start with 409 and the exact message', async () => {
      const { project, c } = await member();
      await c.post('/api/timer/start', { project_id: project.id });
      const res = await c.post('/api/timer/start', { project_id: project.id });
      expect(res.status).to.equal(409);
      expect(res.body).to.deep.equal({ ok: false, error: 'You already have an active timer. Stop it before starting a new one.' });
    });

    it('20 concurrent HTTP starts: exactly one 201 and one running entry', async () => {
      const { user, project, c } = await member();
      const results = await Promise.all(Array.from({ length: 20 }, () => c.post('/api/timer/start', { project_id: project.id })));
      expect(results.filter((r) => r.status === 201)).to.have.length(1);
      expect(results.filter((r) => r.status === 409)).to.have.length(19);
      expect(await TimeEntry.count({ where: { user_id: user.id, end_time: null } })).to.equal(1);
    });

    it('rejects bad input (400), unknown ids (404) and projects the user may not use (403)', async () => {
      const { project, c } = await member();
      expect((await c.post('/api/timer/start', {})).body).to.deep.equal(refused('project_id: is required'));
      expect((await c.post('/api/timer/start', { project_id: 'x' })).body.error).to.equal('project_id: must be a number');
      expect((await c.post('/api/timer/start', { project_id: -1 })).body.error).to.equal('project_id: must be a positive id');
      expect((await c.post('/api/timer/start', { project_id: project.id, notes: 'n'.repeat(5001) })).body.error).to.equal('notes: must be at most 5000 characters');
      const unknown = await c.post('/api/timer/start', { project_id: 999999 });
      expect(unknown.status).to.equal(404);
      const unknownTask = await c.post('/api/timer/start', { project_id: project.id, task_id: 999999 });
      expect(unknownTask.status).to.equal(404);
      expect(unknownTask.body.error).to.equal('Task not found');
      const foreignTask = await makeTask(await makeProject());
      const wrongTask = await c.post('/api/timer/start', { project_id: project.id, task_id: foreignTask.id });
      expect(wrongTask.status).to.equal(400);
      expect(wrongTask.body.error).to.equal('task_id: task does not belong to this project');
      const notMine = await c.post('/api/timer/start', { project_id: (await makeProject()).id });
      expect(notMine.status).to.equal(403);
      expect(notMine.body).to.deep.equal({ ok: false, error: 'Forbidden' });
      expect(await TimeEntry.count()).to.equal(0);
    });

    it('refuses an archived project with 400', async () => {
      const user = await makeUser();
      const archived = await makeProject({ members: [user], status: 'archived', name: 'Old' });
      const c = await loginAs(srv, user);
      const res = await c.post('/api/timer/start', { project_id: archived.id });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.equal('project_id: project "Old" is archived; choose an active project');
    });
  });

  describe('POST /api/timer/stop', () => {
    it('stops the running timer and reports its duration', async () => {
      const { user, project, c } = await member();
      await makeEntry(user, project, { start: new Date(Date.now() - 90_000), end: null, source: 'timer' });
      const res = await c.post('/api/timer/stop');
      expect(res.status).to.equal(200);
      expect(res.body.entry.end_time).to.be.a('string');
      expect(res.body.entry.duration_seconds).to.be.within(89, 95);
    });

    it('answers 404 "No active timer found" when nothing runs', async () => {
      const { c } = await member();
      const res = await c.post('/api/timer/stop');
      expect(res.status).to.equal(404);
      expect(res.body).to.deep.equal({ ok: false, error: 'No active timer found' });
    });

    it('does not stop another user\'s timer', async () => {
      const { project, c } = await member();
      const other = await makeUser();
      await makeEntry(other, project, { end: null });
      expect((await c.post('/api/timer/stop')).status).to.equal(404);
      expect(await TimeEntry.count({ where: { end_time: null } })).to.equal(1);
    });
  });

  describe('GET /api/timer/status', () => {
    it('answers {ok, active:false} without a running timer', async () => {
      const { c } = await member();
      expect((await c.get('/api/timer/status')).body).to.deep.equal({ ok: true, active: false });
    });

    it('answers the running entry with project, task and elapsed seconds', async () => {
      const { user, project, c } = await member();
      const task = await makeTask(project, { name: 'Design' });
      const entry = await makeEntry(user, project, { start: new Date(Date.now() - 120_000), end: null, task });
      const res = await c.get('/api/timer/status');
      expect(res.body).to.deep.include({ ok: true, active: true });
      expect(res.body.entry).to.include({ id: entry.id, project_name: 'Client work', task_name: 'Design' });
      expect(res.body.entry.elapsed_seconds).to.be.within(119, 125);
    });
  });

  describe('GET /api/summary/today', () => {
    it('answers hours and distinct projects of today\'s completed entries', async () => {
      const { user, project, c } = await member();
      const other = await makeProject({ members: [user] });
      const now = Date.now();
      const todayStart = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z').getTime();
      const base = Math.max(todayStart, now - 6 * 3600_000);
      await makeEntry(user, project, { start: new Date(base), end: new Date(base + 3600_000) });
      await makeEntry(user, other, { start: new Date(base + 60_000), end: new Date(base + 60_000 + 1800_000) });
      await makeEntry(user, project, { start: new Date(now - 5 * 86400_000), end: new Date(now - 5 * 86400_000 + 3600_000) });
      const res = await c.get('/api/summary/today');
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ ok: true, hours: 1.5, projects: 2 });
    });
  });
});
