import { expect } from 'chai';
import { TimeEntry } from '../../../src/models/index.js';
import { makeEntry, makeProject, makeTask, makeUser } from '../../factories.js';
import { loginAs, useTestServer } from '../../support/server.js';
import { refused } from '../../support/validation.js';

describe('time entries API', () => {
  const srv = useTestServer();

  async function member() {
    const user = await makeUser();
    const project = await makeProject({ members: [user], billable: true });
    return { user, project, c: await loginAs(srv, user) };
  }

  describe('GET /api/time-entries', () => {
    it('lists only the caller\'s entries, newest first', async () => {
      const { user, project, c } = await member();
      const other = await makeUser();
      const older = await makeEntry(user, project, { start: new Date('2026-03-01T09:00:00Z') });
      const newer = await makeEntry(user, project, { start: new Date('2026-03-02T09:00:00Z') });
      await makeEntry(other, project, { start: new Date('2026-03-02T10:00:00Z') });
      const res = await c.get('/api/time-entries');
      expect(res.status).to.equal(200);
      expect(res.body.entries.map((e: { id: number }) => e.id)).to.deep.equal([newer.id, older.id]);
    });

    it('filters by from (inclusive) and to (exclusive) on the start time', async () => {
      const { user, project, c } = await member();
      const a = await makeEntry(user, project, { start: new Date('2026-03-01T09:00:00Z') });
      const b = await makeEntry(user, project, { start: new Date('2026-03-02T00:00:00Z') });
      const d = await makeEntry(user, project, { start: new Date('2026-03-03T00:00:00Z') });
      const ids = async (q: string) => (await c.get(`/api/time-entries?${q}`)).body.entries.map((e: { id: number }) => e.id);
      expect(await ids('from=2026-03-02T00:00:00Z')).to.deep.equal([d.id, b.id]);
      expect(await ids('to=2026-03-02T00:00:00Z')).to.deep.equal([a.id]);
      expect(await ids('from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z')).to.deep.equal([b.id]);
      expect(await ids(`from=${encodeURIComponent('2026-03-02T09:00:00+09:00')}&to=2026-03-02T01:00:00Z`)).to.deep.equal([b.id]);
    });

    it('rejects a bad date with 400 "<field>: <reason>"', async () => {
      const { c } = await member();
      const res = await c.get('/api/time-entries?from=yesterday-ish');
      expect(res.status).to.equal(400);
      expect(res.body).to.deep.equal(refused('from: must be an ISO 8601 date-time'));
    });
  });

  describe('POST /api/time-entries', () => {
    it('creates a manual entry (201) with its duration and the project\'s billable default', async () => {
      const { user, project, c } = await member();
      const task = await makeTask(project);
      const res = await c.post('/api/time-entries', {
        project_id: project.id,
        task_id: task.id,
        start_time: '2026-03-02T09:00:00Z',
        end_time: '2026-03-02T10:15:30Z',
        notes: 'Planning',
      });
      expect(res.status).to.equal(201);
      expect(res.body.entry).to.include({ user_id: user.id, project_id: project.id, task_id: task.id, duration_seconds: 4530, source: 'manual', billable: true, notes: 'Planning' });
      expect(res.body.entry.start_time).to.equal('2026-03-02T09:00:00.000Z');
    });

    it('rejects bad input with 400 and creates nothing', async () => {
      const { project, c } = await member();
      const base = { project_id: project.id, start_time: '2026-03-02T09:00:00Z', end_time: '2026-03-02T10:00:00Z' };
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ ...base, start_time: undefined }, 'start_time: is required'],
        [{ ...base, end_time: undefined }, 'end_time: is required'],
        [{ ...base, project_id: undefined }, 'project_id: is required'],
        [{ ...base, end_time: 'soon' }, 'end_time: must be an ISO 8601 date-time'],
        [{ ...base, end_time: '2026-03-02T08:00:00Z' }, 'end_time: must not be before start_time'],
        [{ ...base, billable: 'maybe' }, 'billable: must be true or false'],
      ];
      for (const [body, error] of cases) {
        const res = await c.post('/api/time-entries', body);
        expect(res.status, error).to.equal(400);
        expect(res.body).to.deep.equal(refused(error));
      }
      expect(await TimeEntry.count()).to.equal(0);
    });

    it('refuses a project the user may not use (403), an unknown one (404) and a foreign task (400)', async () => {
      const { project, c } = await member();
      const times = { start_time: '2026-03-02T09:00:00Z', end_time: '2026-03-02T10:00:00Z' };
      expect((await c.post('/api/time-entries', { ...times, project_id: (await makeProject()).id })).status).to.equal(403);
      expect((await c.post('/api/time-entries', { ...times, project_id: 999999 })).status).to.equal(404);
      const foreign = await makeTask(await makeProject());
      const res = await c.post('/api/time-entries', { ...times, project_id: project.id, task_id: foreign.id });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.equal('task_id: task does not belong to this project');
      expect(await TimeEntry.count()).to.equal(0);
    });
  });

  describe('PATCH /api/time-entries/:id', () => {
    it('updates an own entry and recomputes the duration', async () => {
      const { user, project, c } = await member();
      const entry = await makeEntry(user, project, { start: new Date('2026-03-02T09:00:00Z'), end: new Date('2026-03-02T10:00:00Z') });
      const res = await c.patch(`/api/time-entries/${entry.id}`, { end_time: '2026-03-02T11:30:00Z', notes: 'Longer', billable: true });
      expect(res.status).to.equal(200);
      expect(res.body.entry).to.include({ id: entry.id, duration_seconds: 9000, notes: 'Longer', billable: true });
      await entry.reload();
      expect(entry.duration_seconds).to.equal(9000);
    });

    it('moves an entry to another allowed project (dropping its task) but not to a foreign one', async () => {
      const { user, project, c } = await member();
      const task = await makeTask(project);
      const entry = await makeEntry(user, project, { task });
      const second = await makeProject({ members: [user] });
      const moved = await c.patch(`/api/time-entries/${entry.id}`, { project_id: second.id });
      expect(moved.body.entry).to.include({ project_id: second.id, task_id: null });
      const foreign = await c.patch(`/api/time-entries/${entry.id}`, { project_id: (await makeProject()).id });
      expect(foreign.status).to.equal(403);
    });

    it('answers 403 for another user\'s entry and 404 for an unknown id, changing nothing', async () => {
      const { project, c } = await member();
      const other = await makeUser();
      const theirs = await makeEntry(other, project, { notes: 'theirs' });
      const res = await c.patch(`/api/time-entries/${theirs.id}`, { notes: 'mine now' });
      expect(res.status).to.equal(403);
      expect(res.body).to.deep.equal({ ok: false, error: 'Forbidden' });
      await theirs.reload();
      expect(theirs.notes).to.equal('theirs');
      const unknown = await c.patch('/api/time-entries/999999', { notes: 'x' });
      expect(unknown.status).to.equal(404);
      expect(unknown.body).to.deep.equal({ ok: false, error: 'Time entry not found' });
      expect((await c.patch('/api/time-entries/abc', { notes: 'x' })).body.error).to.equal('id: must be a number');
    });

    it('rejects bad input with 400', async () => {
      const { user, project, c } = await member();
      const entry = await makeEntry(user, project, { start: new Date('2026-03-02T09:00:00Z'), end: new Date('2026-03-02T10:00:00Z') });
      expect((await c.patch(`/api/time-entries/${entry.id}`, { end_time: '2026-03-02T08:00:00Z' })).body.error).to.equal('end_time: must not be before start_time');
      expect((await c.patch(`/api/time-entries/${entry.id}`, { user_id: 5 })).body.error).to.equal('user_id: is not a known field');
      expect((await c.patch(`/api/time-entries/${entry.id}`, { start_time: 'never' })).body.error).to.equal('start_time: must be an ISO 8601 date-time');
      const running = await makeEntry(user, project, { end: null });
      const res = await c.patch(`/api/time-entries/${running.id}`, { end_time: '2026-03-02T10:00:00Z' });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.match(/^end_time: this timer is still running/);
    });
  });

  describe('DELETE /api/time-entries/:id', () => {
    it('deletes an own entry', async () => {
      const { user, project, c } = await member();
      const entry = await makeEntry(user, project);
      const res = await c.delete(`/api/time-entries/${entry.id}`);
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ ok: true, deleted: entry.id });
      expect(await TimeEntry.findByPk(entry.id)).to.equal(null);
    });

    it('answers 403 for another user\'s entry (kept) and 404 for an unknown id', async () => {
      const { project, c } = await member();
      const theirs = await makeEntry(await makeUser(), project);
      expect((await c.delete(`/api/time-entries/${theirs.id}`)).status).to.equal(403);
      expect(await TimeEntry.findByPk(theirs.id)).not.to.equal(null);
      expect((await c.delete('/api/time-entries/999999')).status).to.equal(404);
    });
  });
});
