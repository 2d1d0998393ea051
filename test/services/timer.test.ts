import { expect } from 'chai';
import { events, type TimerEventPayload } from '../../src/events.js';
import { TimeEntry } from '../../src/models/index.js';
import { todaySummary } from '../../src/services/summary.js';
import { ALREADY_RUNNING, activeEntry, NO_ACTIVE_TIMER, startTimer, stopTimer, switchTimer } from '../../src/services/timer.js';
import { makeAdmin, makeEntry, makeProject, makeTask, makeUser } from '../factories.js';

async function rejection(p: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { status: number; message: string };
  }
  expect.fail('expected the promise to be rejected');
}

describe('services/timer', () => {
  let seen: Array<{ name: string; payload: TimerEventPayload }>;
  let unsubscribe: Array<() => void>;
  beforeEach(() => {
    seen = [];
    unsubscribe = [
      events.on('timer.started', 'test', (payload) => void seen.push({ name: 'timer.started', payload })),
      events.on('timer.stopped', 'test', (payload) => void seen.push({ name: 'timer.stopped', payload })),
    ];
  });
  afterEach(() => unsubscribe.forEach((u) => u()));

  describe('startTimer', () => {
    it('starts a running entry on an allowed, active project and emits timer.started once', async () => {
      const user = await makeUser();
      const project = await makeProject({ members: [user], billable: true });
      const task = await makeTask(project);
      const at = new Date('2026-03-01T09:00:00Z');
      const entry = await startTimer(user, { project_id: project.id, task_id: task.id, notes: 'hello' }, at);
      expect(entry).to.deep.include({ user_id: user.id, project_id: project.id, task_id: task.id, end_time: null, duration_seconds: null, notes: 'hello', source: 'timer', billable: true });
      expect(entry.start_time.toISOString()).to.equal(at.toISOString());
      expect(seen.map((e) => e.name)).to.deep.equal(['timer.started']);
      expect(seen[0].payload.entry.id).to.equal(entry.id);
      expect(seen[0].payload.project.id).to.equal(project.id);
      expect(seen[0].payload.task?.id).to.equal(task.id);
      expect(seen[0].payload.user.id).to.equal(user.id);
    });

    it('keeps the given source (slack, github, api)', async () => {
      const user = await makeUser();
      const project = await makeProject({ members: [user] });
      const entry = await startTimer(user, { project_id: project.id, source: 'slack' });
      expect(entry.source).to.equal('slack');
    });

    it('refuses a second running timer with the exact message (409) and emits nothing', async () => {
      const user = await makeUser();
      const project = await makeProject({ members: [user] });
      await startTimer(user, { project_id: project.id });
      const err = await rejection(startTimer(user, { project_id: project.id }));
      expect(err.status).to.equal(409);
      expect(err.message).to.equal('You already have an active timer. Stop it before starting a new one.');
      expect(err.message).to.equal(ALREADY_RUNNING);
      expect(seen).to.have.length(1);
    });

    it('20 concurrent starts leave exactly one running entry and one event', async () => {
      const user = await makeUser();
      const project = await makeProject({ members: [user] });
      const results = await Promise.allSettled(Array.from({ length: 20 }, () => startTimer(user, { project_id: project.id })));
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(rejected).to.have.length(19);
      for (const r of rejected) expect(r.reason).to.include({ status: 409, message: ALREADY_RUNNING });
      expect(await TimeEntry.count({ where: { user_id: user.id, end_time: null } })).to.equal(1);
      expect(await TimeEntry.count()).to.equal(1);
      expect(seen).to.have.length(1);
    });

    it('lets different users run timers at the same time', async () => {
      const a = await makeUser();
      const b = await makeUser();
      const project = await makeProject({ members: [a, b] });
      await Promise.all([startTimer(a, { project_id: project.id }), startTimer(b, { project_id: project.id })]);
      expect(await TimeEntry.count({ where: { end_time: null } })).to.equal(2);
    });

    it('refuses a project the user is not a member of (403)', async () => {
      const user = await makeUser();
      const project = await makeProject();
      const err = await rejection(startTimer(user, { project_id: project.id }));
      expect(err).to.include({ status: 403, message: 'Forbidden' });
      expect(await TimeEntry.count()).to.equal(0);
      expect(seen).to.have.length(0);
    });

    it('lets an admin use any project', async () => {
      const admin = await makeAdmin();
      const project = await makeProject();
      expect((await startTimer(admin, { project_id: project.id })).project_id).to.equal(project.id);
    });

    it('refuses an archived or inactive project (400 naming project_id)', async () => {
      const user = await makeUser();
      for (const status of ['archived', 'inactive'] as const) {
        const project = await makeProject({ members: [user], status, name: `P ${status}` });
        const err = await rejection(startTimer(user, { project_id: project.id }));
        expect(err.status).to.equal(400);
        expect(err.message).to.equal(`project_id: project "P ${status}" is ${status}; choose an active project`);
      }
      expect(await TimeEntry.count()).to.equal(0);
    });

    it('refuses an unknown project (404)', async () => {
      const user = await makeUser();
      const err = await rejection(startTimer(user, { project_id: 999_999 }));
      expect(err).to.include({ status: 404, message: 'Project not found' });
    });

    it('refuses a task of another project (400) and an unknown task (404)', async () => {
      const user = await makeUser();
      const project = await makeProject({ members: [user] });
      const elsewhere = await makeTask(await makeProject({ members: [user] }));
      const wrong = await rejection(startTimer(user, { project_id: project.id, task_id: elsewhere.id }));
      expect(wrong).to.include({ status: 400, message: 'task_id: task does not belong to this project' });
      const unknown = await rejection(startTimer(user, { project_id: project.id, task_id: 987_654 }));
      expect(unknown).to.include({ status: 404, message: 'Task not found' });
      expect(await TimeEntry.count()).to.equal(0);
    });
  });

  describe('stopTimer', () => {
    it('stops the running timer, computes duration_seconds and emits timer.stopped once', async () => {
      const user = await makeUser();
      const project = await makeProject({ members: [user] });
      const started = await startTimer(user, { project_id: project.id }, new Date('2026-03-01T09:00:00Z'));
      const stopped = await stopTimer(user, new Date('2026-03-01T10:30:15.900Z'));
      expect(stopped.id).to.equal(started.id);
      expect(stopped.end_time!.toISOString()).to.equal('2026-03-01T10:30:15.900Z');
      expect(stopped.duration_seconds).to.equal(5415);
      expect(seen.map((e) => e.name)).to.deep.equal(['timer.started', 'timer.stopped']);
      expect(seen[1].payload.entry.duration_seconds).to.equal(5415);
      expect(await activeEntry(user.id)).to.equal(null);
    });

    it('answers "No active timer found" (404) when nothing runs, and emits nothing', async () => {
      const user = await makeUser();
      const err = await rejection(stopTimer(user));
      expect(err).to.include({ status: 404, message: 'No active timer found' });
      expect(err.message).to.equal(NO_ACTIVE_TIMER);
      expect(seen).to.have.length(0);
    });

    it('concurrent stops stop once and emit one event', async () => {
      const user = await makeUser();
      const project = await makeProject({ members: [user] });
      await startTimer(user, { project_id: project.id });
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => stopTimer(user)));
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
      expect(seen.filter((e) => e.name === 'timer.stopped')).to.have.length(1);
    });

    it('never produces a negative duration when the clock is behind the start', async () => {
      const user = await makeUser();
      const project = await makeProject({ members: [user] });
      await startTimer(user, { project_id: project.id }, new Date('2026-03-01T09:00:00Z'));
      const stopped = await stopTimer(user, new Date('2026-03-01T08:59:00Z'));
      expect(stopped.duration_seconds).to.equal(0);
    });

    it('a handler that throws does not break the timer', async () => {
      const off = events.on('timer.started', 'broken', () => {
        throw new Error('connector down');
      });
      try {
        const user = await makeUser();
        const project = await makeProject({ members: [user] });
        const entry = await startTimer(user, { project_id: project.id });
        expect(entry.id).to.be.a('number');
        expect(seen).to.have.length(1);
      } finally {
        off();
      }
    });
  });

  describe('switchTimer', () => {
    it('stops and starts at the same instant, then emits timer.stopped and timer.started', async () => {
      const user = await makeUser();
      const a = await makeProject({ members: [user] });
      const b = await makeProject({ members: [user], billable: false });
      const old = await startTimer(user, { project_id: a.id }, new Date('2026-03-01T09:00:00Z'));
      seen = [];
      const at = new Date('2026-03-01T10:30:00Z');
      const { stopped, started } = await switchTimer(user, { project_id: b.id, notes: 'next' }, at);
      expect(stopped?.id).to.equal(old.id);
      expect(stopped?.end_time?.toISOString()).to.equal(at.toISOString());
      expect(stopped?.duration_seconds).to.equal(5400);
      expect(started).to.deep.include({ project_id: b.id, end_time: null, notes: 'next', billable: false, source: 'timer' });
      expect(started.start_time.toISOString()).to.equal(at.toISOString());
      expect(seen.map((e) => `${e.name} ${e.payload.entry.id}`)).to.deep.equal([`timer.stopped ${old.id}`, `timer.started ${started.id}`]);
      expect(seen[0].payload.project.id).to.equal(a.id);
      expect(seen[1].payload.project.id).to.equal(b.id);
    });

    it('rolls the stop back when the start fails inside the transaction: the old timer keeps running', async () => {
      const user = await makeUser();
      const a = await makeProject({ members: [user] });
      const b = await makeProject({ members: [user] });
      const old = await startTimer(user, { project_id: a.id });
      seen = [];
      // The insert fails after the UPDATE ran (an invalid source is refused by the model).
      const err = await rejection(switchTimer(user, { project_id: b.id, source: 'Not A Source' }));
      expect(String((err as unknown as Error).name)).to.equal('SequelizeValidationError');
      const running = await activeEntry(user.id);
      expect(running?.id).to.equal(old.id);
      expect((await TimeEntry.findByPk(old.id))!.duration_seconds).to.equal(null);
      expect(await TimeEntry.count()).to.equal(1);
      expect(seen).to.deep.equal([]);
    });

    it('refuses a project the user may not use (403) before touching the running timer', async () => {
      const user = await makeUser();
      const a = await makeProject({ members: [user] });
      const old = await startTimer(user, { project_id: a.id });
      const err = await rejection(switchTimer(user, { project_id: (await makeProject()).id }));
      expect(err.status).to.equal(403);
      expect((await activeEntry(user.id))?.id).to.equal(old.id);
    });
  });

  describe('todaySummary', () => {
    const hour = 3600_000;

    it('counts completed entries whose start lies in the user\'s local day (Asia/Tokyo, UTC+9)', async () => {
      const user = await makeUser({ timezone: 'Asia/Tokyo' });
      const p1 = await makeProject({ members: [user] });
      const p2 = await makeProject({ members: [user] });
      // Tokyo's 2026-03-02 runs from 2026-03-01T15:00Z to 2026-03-02T15:00Z.
      await makeEntry(user, p1, { start: new Date('2026-03-01T14:59:00Z'), end: new Date('2026-03-01T15:30:00Z') }); // 23:59 on the 1st: not today
      await makeEntry(user, p1, { start: new Date('2026-03-01T15:00:00Z'), end: new Date('2026-03-01T16:30:00Z') }); // 00:00 local: today, 1.5 h
      await makeEntry(user, p2, { start: new Date('2026-03-02T14:00:00Z'), end: new Date('2026-03-02T14:45:00Z') }); // 23:00 local: today, 0.75 h
      await makeEntry(user, p2, { start: new Date('2026-03-02T15:00:00Z'), end: new Date('2026-03-02T16:00:00Z') }); // next local day
      await makeEntry(user, p2, { start: new Date('2026-03-02T03:00:00Z'), end: null }); // running: not counted
      const s = await todaySummary(user, new Date('2026-03-02T10:00:00Z'));
      expect(s).to.deep.equal({ seconds: 2.25 * 3600, hours: 2.25, projects: 2 });
    });

    it('uses the local day west of UTC (America/Los_Angeles, around local midnight)', async () => {
      const user = await makeUser({ timezone: 'America/Los_Angeles' });
      const p = await makeProject({ members: [user] });
      // In March 2026 before the DST switch (8 March), LA is UTC-8: local 2026-03-02 is 08:00Z..08:00Z+1d.
      await makeEntry(user, p, { start: new Date('2026-03-02T07:59:00Z'), end: new Date('2026-03-02T08:59:00Z') }); // 23:59 on the 1st
      await makeEntry(user, p, { start: new Date('2026-03-02T08:00:00Z'), end: new Date('2026-03-02T08:20:00Z') }); // 00:00 local on the 2nd
      await makeEntry(user, p, { start: new Date('2026-03-03T07:30:00Z'), end: new Date('2026-03-03T07:50:00Z') }); // 23:30 local on the 2nd
      // 00:10 local on the 2nd.
      const justAfterMidnight = new Date('2026-03-02T08:10:00Z');
      expect(await todaySummary(user, justAfterMidnight)).to.deep.include({ hours: 0.67, projects: 1 });
      // 23:55 local on the 2nd is 07:55Z on the 3rd (UTC already says the 3rd): still the 2nd's entries.
      expect(await todaySummary(user, new Date('2026-03-03T07:55:00Z'))).to.deep.include({ hours: 0.67 });
      // Just before local midnight on the 1st (07:58Z on the 2nd): only the 23:59 entry's day.
      expect(await todaySummary(user, new Date('2026-03-02T07:58:00Z'))).to.deep.include({ hours: 1, projects: 1 });
    });

    it('handles a DST day (America/Los_Angeles, 8 March 2026 has 23 hours)', async () => {
      const user = await makeUser({ timezone: 'America/Los_Angeles' });
      const p = await makeProject({ members: [user] });
      // Local 2026-03-08 runs from 08:00Z to 07:00Z next day (UTC-8 → UTC-7).
      await makeEntry(user, p, { start: new Date('2026-03-09T06:30:00Z'), end: new Date('2026-03-09T06:45:00Z') }); // 23:30 PDT on the 8th
      await makeEntry(user, p, { start: new Date('2026-03-09T07:00:00Z'), end: new Date('2026-03-09T07:15:00Z') }); // 00:00 on the 9th
      expect(await todaySummary(user, new Date('2026-03-08T20:00:00Z'))).to.deep.include({ hours: 0.25, projects: 1 });
    });

    it('rounds hours to two decimals and counts only the user\'s own entries', async () => {
      const user = await makeUser();
      const other = await makeUser();
      const p = await makeProject({ members: [user, other] });
      const start = new Date('2026-03-02T09:00:00Z');
      await makeEntry(user, p, { start, end: new Date(start.getTime() + 1000 * 1000) }); // 1000 s = 0.2777… h
      await makeEntry(other, p, { start, end: new Date(start.getTime() + 5 * hour) });
      expect(await todaySummary(user, new Date('2026-03-02T12:00:00Z'))).to.deep.equal({ seconds: 1000, hours: 0.28, projects: 1 });
    });

    it('answers zero for a day without entries', async () => {
      const user = await makeUser();
      expect(await todaySummary(user, new Date())).to.deep.equal({ seconds: 0, hours: 0, projects: 0 });
    });
  });
});
