import { expect } from 'chai';
import { events } from '../../../src/events.js';
import { runRunawayTimers } from '../../../src/services/runawayTimers.js';
import { ProjectMember, TimeEntry } from '../../../src/models/index.js';
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

    it('takes billable from the body, else from the project', async () => {
      const { project, c } = await member();
      const res = await c.post('/api/timer/start', { project_id: project.id, billable: false });
      expect(res.status).to.equal(201);
      expect(res.body.entry.billable).to.equal(false);
      await c.post('/api/timer/stop');
      expect((await c.post('/api/timer/start', { project_id: project.id })).body.entry.billable).to.equal(true);
      const bad = await c.post('/api/timer/start', { project_id: project.id, billable: 'maybe' });
      expect(bad.status).to.equal(400);
      expect(bad.body).to.deep.equal(refused('billable: must be true or false'));
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

  describe('POST /api/timer/switch', () => {
    let seen: string[];
    let off: Array<() => void>;
    beforeEach(() => {
      seen = [];
      off = [
        events.on('timer.stopped', 'switch-test', ({ entry }) => void seen.push(`stopped ${entry.project_id}`)),
        events.on('timer.started', 'switch-test', ({ entry }) => void seen.push(`started ${entry.project_id}`)),
      ];
    });
    afterEach(() => off.forEach((f) => f()));

    it('stops the running timer and starts the new one in one step (201), emitting stop then start', async () => {
      const { user, project, c } = await member();
      const other = await makeProject({ members: [user], name: 'Internal', billable: false });
      const task = await makeTask(other, { name: 'Planning' });
      const old = await makeEntry(user, project, { start: new Date(Date.now() - 600_000), end: null, source: 'timer' });
      const res = await c.post('/api/timer/switch', { project_id: other.id, task_id: task.id, notes: 'Sprint planning' });
      expect(res.status).to.equal(201);
      expect(res.body.ok).to.equal(true);
      expect(res.body.stopped).to.include({ id: old.id, project_id: project.id });
      expect(res.body.stopped.duration_seconds).to.be.within(599, 610);
      expect(res.body.entry).to.include({ project_id: other.id, task_id: task.id, notes: 'Sprint planning', end_time: null, source: 'timer', billable: false });
      // The new entry begins where the old one ends.
      expect(res.body.entry.start_time).to.equal(res.body.stopped.end_time);
      const running = await TimeEntry.findAll({ where: { user_id: user.id, end_time: null } });
      expect(running.map((e) => e.id)).to.deep.equal([res.body.entry.id]);
      expect(seen).to.deep.equal([`stopped ${project.id}`, `started ${other.id}`]);
      const status = await c.get('/api/timer/status');
      expect(status.body.entry).to.include({ id: res.body.entry.id, project_name: 'Internal', task_name: 'Planning' });
    });

    it('with nothing running it just starts (201, stopped: null)', async () => {
      const { user, project, c } = await member();
      const res = await c.post('/api/timer/switch', { project_id: project.id });
      expect(res.status).to.equal(201);
      expect(res.body.stopped).to.equal(null);
      expect(res.body.entry).to.include({ project_id: project.id, end_time: null });
      expect(await TimeEntry.count({ where: { user_id: user.id, end_time: null } })).to.equal(1);
      expect(seen).to.deep.equal([`started ${project.id}`]);
    });

    it('a foreign project → 403 and the old timer still runs, untouched, with no events', async () => {
      const { user, project, c } = await member();
      const old = await makeEntry(user, project, { start: new Date(Date.now() - 60_000), end: null, source: 'timer' });
      const foreign = await makeProject({ name: 'Secret' });
      const res = await c.post('/api/timer/switch', { project_id: foreign.id });
      expect(res.status).to.equal(403);
      expect(res.body).to.deep.equal({ ok: false, error: 'Forbidden' });
      const after = await TimeEntry.findAll({ where: { user_id: user.id } });
      expect(after.map((e) => [e.id, e.end_time])).to.deep.equal([[old.id, null]]);
      expect(seen).to.deep.equal([]);
    });

    it('bad input → 400 with every field, and nothing changes', async () => {
      const { user, project, c } = await member();
      const old = await makeEntry(user, project, { start: new Date(Date.now() - 60_000), end: null, source: 'timer' });
      const res = await c.post('/api/timer/switch', { project_id: 'x', task_id: -3, notes: 'n'.repeat(5001), billable: 'maybe' });
      expect(res.status).to.equal(400);
      expect(res.body.fields).to.deep.equal({
        project_id: 'must be a number',
        task_id: 'must be a positive id',
        notes: 'must be at most 5000 characters',
        billable: 'must be true or false',
      });
      expect((await c.post('/api/timer/switch', {})).body).to.deep.equal(refused('project_id: is required'));
      const foreignTask = await makeTask(await makeProject());
      const wrongTask = await c.post('/api/timer/switch', { project_id: project.id, task_id: foreignTask.id });
      expect(wrongTask.body).to.deep.equal(refused('task_id: task does not belong to this project'));
      const archived = await makeProject({ members: [user], status: 'archived', name: 'Old' });
      expect((await c.post('/api/timer/switch', { project_id: archived.id })).status).to.equal(400);
      expect((await c.post('/api/timer/switch', { project_id: 999999 })).status).to.equal(404);
      const after = await TimeEntry.findAll({ where: { user_id: user.id } });
      expect(after.map((e) => [e.id, e.end_time])).to.deep.equal([[old.id, null]]);
      expect(seen).to.deep.equal([]);
    });

    it('concurrent switches leave exactly one running timer', async () => {
      const { user, project, c } = await member();
      await c.post('/api/timer/start', { project_id: project.id });
      const results = await Promise.all(Array.from({ length: 8 }, () => c.post('/api/timer/switch', { project_id: project.id })));
      expect(results.every((r) => r.status === 201 || r.status === 409), results.map((r) => r.status).join()).to.equal(true);
      expect(results.some((r) => r.status === 201)).to.equal(true);
      expect(await TimeEntry.count({ where: { user_id: user.id, end_time: null } })).to.equal(1);
    });
  });

  describe('GET /api/timer/recent', () => {
    it('answers the last five distinct project/task pairs of own entries, most recent first', async () => {
      const { user, project, c } = await member();
      const b = await makeProject({ members: [user], name: 'Beta' });
      const t1 = await makeTask(project, { name: 'One' });
      const t2 = await makeTask(project, { name: 'Two' });
      const t3 = await makeTask(b, { name: 'Three', external_ref: 'github_issue_42' });
      const hour = 3600_000;
      const at = (h: number) => new Date(Date.now() - h * hour);
      // Oldest to newest: seven distinct pairs, one of them used twice (its newest use counts).
      await makeEntry(user, b, { start: at(30) }); // (Beta, -) oldest: falls off
      await makeEntry(user, project, { start: at(20), task: t1 }); // (Client work, One)
      await makeEntry(user, b, { start: at(10), task: t3 }); // (Beta, Three)
      await makeEntry(user, project, { start: at(9) }); // (Client work, -)
      await makeEntry(user, project, { start: at(8), task: t2 }); // (Client work, Two)
      await makeEntry(user, project, { start: at(7), task: t1 }); // (Client work, One) again, newer
      await makeEntry(user, b, { start: at(6), task: t3 }); // (Beta, Three) again
      await makeEntry(user, b, { start: at(0.1), end: null }); // (Beta, -) running: newest
      // Another user's entries never show up.
      const other = await makeUser();
      await makeEntry(other, project, { start: at(0.05), task: t2 });
      const res = await c.get('/api/timer/recent');
      expect(res.status).to.equal(200);
      expect(res.body.ok).to.equal(true);
      expect(res.body.recent.map((r: { project_name: string; task_name: string | null }) => `${r.project_name}/${r.task_name ?? '-'}`)).to.deep.equal([
        'Beta/-', 'Beta/Three', 'Client work/One', 'Client work/Two', 'Client work/-',
      ]);
      const { last_used_at: lastUsed, ...pair } = res.body.recent[1];
      expect(pair).to.deep.equal({ project_id: b.id, project_name: 'Beta', task_id: t3.id, task_name: 'Three', task_external_ref: 'github_issue_42' });
      expect(Date.parse(lastUsed)).to.be.closeTo(at(6).getTime(), 1000);
    });

    it('leaves out projects the user may no longer use (membership gone, archived)', async () => {
      const { user, project, c } = await member();
      const left = await makeProject({ members: [user], name: 'Left' });
      const archived = await makeProject({ members: [user], name: 'Archived' });
      await makeEntry(user, project, { start: new Date(Date.now() - 3 * 3600_000) });
      await makeEntry(user, left, { start: new Date(Date.now() - 2 * 3600_000) });
      await makeEntry(user, archived, { start: new Date(Date.now() - 3600_000) });
      await ProjectMember.destroy({ where: { user_id: user.id, project_id: left.id } });
      await archived.update({ status: 'archived' });
      const res = await c.get('/api/timer/recent');
      expect(res.body).to.deep.equal({ ok: true, recent: [{ project_id: project.id, project_name: 'Client work', task_id: null, task_name: null, task_external_ref: null, last_used_at: res.body.recent[0].last_used_at }] });
    });

    it('answers an empty list for a user without entries', async () => {
      const { c } = await member();
      expect((await c.get('/api/timer/recent')).body).to.deep.equal({ ok: true, recent: [] });
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
      expect((await c.get('/api/timer/status')).body).to.deep.equal({ ok: true, active: false, auto_stopped_entry: null });
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

  describe('auto-stopped entries: GET /api/timer/status and POST /api/timer/auto-stopped/:id/ack', () => {
    it('shows the newest unacknowledged auto-stopped entry of the last 24 h until it is acknowledged', async () => {
      const { user, project, c } = await member();
      const start = new Date(Date.now() - 11 * 3600_000);
      const older = await makeEntry(user, project, { start: new Date(start.getTime() - 3600_000), end: new Date(start.getTime() - 1800_000) });
      await older.update({ auto_stopped: true });
      const entry = await makeEntry(user, project, { start, end: null });
      expect((await runRunawayTimers()).stopped).to.equal(1);
      const status = await c.get('/api/timer/status');
      expect(status.body).to.deep.include({ ok: true, active: false });
      expect(status.body.auto_stopped_entry).to.include({ id: entry.id, project_name: 'Client work', duration_seconds: 36_000 });
      // Also next to a running timer.
      await c.post('/api/timer/start', { project_id: project.id });
      expect((await c.get('/api/timer/status')).body.auto_stopped_entry.id).to.equal(entry.id);

      const ack = await c.post(`/api/timer/auto-stopped/${entry.id}/ack`, {});
      expect(ack.status).to.equal(200);
      expect(ack.body).to.deep.equal({ ok: true });
      expect((await TimeEntry.findByPk(entry.id))!.auto_stop_seen_at).to.be.instanceOf(Date);
      // The older one (also unacknowledged, within 24 h) shows next; then nothing.
      expect((await c.get('/api/timer/status')).body.auto_stopped_entry.id).to.equal(older.id);
      expect((await c.post(`/api/timer/auto-stopped/${older.id}/ack`, {})).status).to.equal(200);
      expect((await c.get('/api/timer/status')).body.auto_stopped_entry).to.equal(null);
    });

    it('ignores auto-stops older than 24 h; acknowledging another user\'s or a normal entry is 404, a bad id 400', async () => {
      const { user, project, c } = await member();
      const old = await makeEntry(user, project, { start: new Date(Date.now() - 30 * 3600_000), end: new Date(Date.now() - 25 * 3600_000) });
      await old.update({ auto_stopped: true });
      const normal = await makeEntry(user, project);
      const stranger = await makeUser();
      const theirs = await makeEntry(stranger, project);
      await theirs.update({ auto_stopped: true });
      expect((await c.get('/api/timer/status')).body.auto_stopped_entry).to.equal(null);
      expect((await c.post(`/api/timer/auto-stopped/${normal.id}/ack`, {})).status).to.equal(404);
      const foreign = await c.post(`/api/timer/auto-stopped/${theirs.id}/ack`, {});
      expect(foreign.status).to.equal(404);
      expect((await TimeEntry.findByPk(theirs.id))!.auto_stop_seen_at).to.equal(null);
      const bad = await c.post('/api/timer/auto-stopped/abc/ack', {});
      expect(bad.status).to.equal(400);
      expect(bad.body.error).to.equal('id: must be a number');
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
