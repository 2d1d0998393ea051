import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { coreJobs, didNothing, Scheduler, wakeJobs, type Job } from '../../src/jobs/scheduler.js';
import { sessionCleanupJob } from '../../src/standalone/sessionStore.js';
import { testDb } from '../support/db.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('jobs/scheduler', () => {
  let schedulers: Scheduler[];
  beforeEach(() => {
    schedulers = [];
  });
  afterEach(async () => {
    await Promise.all(schedulers.map((s) => s.stop()));
  });

  async function pair(job: Job): Promise<[Scheduler, Scheduler]> {
    const { sequelize } = await testDb();
    const a = new Scheduler(sequelize, { instance: 'a' });
    const b = new Scheduler(sequelize, { instance: 'b' });
    a.register(job);
    b.register(job);
    schedulers.push(a, b);
    return [a, b];
  }

  it('runs a locked job once when two instances tick the same tick together', async () => {
    let runs = 0;
    const [a, b] = await pair({
      name: 'count',
      rule: '0 0 1 1 *',
      async run() {
        runs += 1;
        await sleep(50);
      },
    });
    const tick = new Date('2026-03-02T10:00:00.250Z');
    const outcomes = await Promise.all([a.runTick('count', tick), b.runTick('count', tick)]);
    expect(runs).to.equal(1);
    expect(outcomes.filter((o) => o === 'ran')).to.have.length(1);
    expect(outcomes.find((o) => o !== 'ran')).to.be.oneOf(['busy', 'claimed_elsewhere']);
    // A late instance for the same tick finds it claimed.
    expect(await b.runTick('count', tick)).to.equal('claimed_elsewhere');
    expect(runs).to.equal(1);
    const { sequelize } = await testDb();
    const rows = await sequelize.query<{ status: string; instance: string }>('SELECT status, instance FROM job_runs', { type: QueryTypes.SELECT });
    expect(rows).to.have.length(1);
    expect(rows[0].status).to.equal('success');
  });

  it('a result of only zero counts is "nothing to do" (logged at debug, not every 5 s at info)', () => {
    expect(didNothing(undefined)).to.equal(true);
    expect(didNothing({ sent: 0, failed: 0, retried: 0 })).to.equal(true);
    expect(didNothing({ queued: 0, skipped: [] })).to.equal(true);
    expect(didNothing({ sent: 1, failed: 0 })).to.equal(false);
    expect(didNothing({ deleted: 0, status: 'ok' })).to.equal(false);
    expect(didNothing('done')).to.equal(false);
  });

  it('runs again on the next tick', async () => {
    let runs = 0;
    const [a, b] = await pair({ name: 'next', rule: '0 0 1 1 *', run: async () => void (runs += 1) });
    await Promise.all([a.runTick('next', new Date('2026-03-02T10:00:00Z')), b.runTick('next', new Date('2026-03-02T10:00:00Z'))]);
    await Promise.all([a.runTick('next', new Date('2026-03-02T10:01:00Z')), b.runTick('next', new Date('2026-03-02T10:01:00Z'))]);
    expect(runs).to.equal(2);
  });

  it('many instances ticking at once still run the job once per tick', async () => {
    const { sequelize } = await testDb();
    let runs = 0;
    const job: Job = { name: 'many', rule: '0 0 1 1 *', run: async () => void (runs += 1) };
    const many = Array.from({ length: 5 }, (_, i) => {
      const s = new Scheduler(sequelize, { instance: `i${i}` });
      s.register(job);
      schedulers.push(s);
      return s;
    });
    const tick = new Date('2026-03-02T11:00:00Z');
    await Promise.all(many.map((s) => s.runTick('many', tick)));
    expect(runs).to.equal(1);
  });

  it('a job with once:"none" runs in every instance, but never overlapping itself', async () => {
    let running = 0;
    let maxParallel = 0;
    let runs = 0;
    const [a, b] = await pair({
      name: 'claims-rows',
      rule: '0 0 1 1 *',
      once: 'none',
      async run() {
        running += 1;
        runs += 1;
        maxParallel = Math.max(maxParallel, running);
        await sleep(30);
        running -= 1;
      },
    });
    const tick = new Date('2026-03-02T12:00:00Z');
    await a.runTick('claims-rows', tick);
    await b.runTick('claims-rows', tick);
    expect(runs).to.equal(2);
    const outcomes = await Promise.all([a.runTick('claims-rows', tick), b.runTick('claims-rows', tick)]);
    expect(outcomes.sort()).to.deep.equal(['busy', 'ran']);
    expect(maxParallel).to.equal(1);
  });

  it('records a failing run without throwing', async () => {
    const [a] = await pair({
      name: 'fails',
      rule: '0 0 1 1 *',
      run: async () => {
        throw new Error('upstream down');
      },
    });
    expect(await a.runTick('fails', new Date('2026-03-02T13:00:00Z'))).to.equal('failed');
    const { sequelize } = await testDb();
    const [row] = await sequelize.query<{ status: string; error: string }>('SELECT status, error FROM job_runs', { type: QueryTypes.SELECT });
    expect(row).to.deep.equal({ status: 'error', error: 'upstream down' });
  });

  it('refuses to register a job name twice and to run an unknown job', async () => {
    const [a] = await pair({ name: 'dup', rule: '0 0 1 1 *', run: async () => undefined });
    expect(() => a.register({ name: 'dup', rule: '0 0 1 1 *', run: async () => undefined })).to.throw(/registered twice/);
    try {
      await a.runTick('missing');
      expect.fail('expected runTick to reject');
    } catch (err) {
      expect((err as Error).message).to.equal('Unknown job missing');
    }
  });

  it('an unreachable database makes ticks fail quietly: no throw, no unhandled rejection', async () => {
    const { createSequelize } = await import('../../src/db/sequelize.js');
    const { freePort } = await import('../../src/db/embedded.js');
    const dead = createSequelize(`postgres://nobody:x@127.0.0.1:${await freePort()}/none`);
    const s = new Scheduler(dead, { instance: 'offline' });
    schedulers.push(s);
    let ran = 0;
    s.register({ name: 'tick-offline', rule: '* * * * * *', once: 'none', run: async () => void (ran += 1) });
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      expect(await s.runTick('tick-offline')).to.equal('failed');
      s.start();
      await sleep(2300);
    } finally {
      process.off('unhandledRejection', onRejection);
      await s.stop();
      await dead.close();
    }
    expect(rejections).to.deep.equal([]);
    expect(ran).to.equal(0);
  });

  it('start() fires jobs on their rule; stop() cancels them, waits for the running one and refuses new ticks', async () => {
    const { sequelize } = await testDb();
    const s = new Scheduler(sequelize, { instance: 'clock' });
    schedulers.push(s);
    let runs = 0;
    let finished = 0;
    let aborted = false;
    s.register({
      name: 'every-second',
      rule: '* * * * * *',
      async run({ signal }) {
        runs += 1;
        await sleep(300);
        aborted ||= signal.aborted;
        finished += 1;
      },
    });
    s.start();
    const until = Date.now() + 3000;
    while (runs === 0 && Date.now() < until) await sleep(50);
    expect(runs).to.be.at.least(1);
    await s.stop();
    expect(finished).to.equal(runs);
    expect(aborted).to.equal(true);
    const after = runs;
    await sleep(1300);
    expect(runs).to.equal(after);
    expect(await s.runTick('every-second')).to.equal('stopped');
  });

  it('wake-ups coalesce: a run at a time, one more run for any number of wake-ups during it', async () => {
    const { sequelize } = await testDb();
    let runs = 0;
    let active = 0;
    let maxActive = 0;
    let release: () => void = () => undefined;
    const s = new Scheduler(sequelize, { instance: 'w' });
    schedulers.push(s);
    s.register({
      name: 'woken',
      rule: '0 0 1 1 *',
      once: 'none',
      wakeOn: 'tt_test_wake',
      async run() {
        runs += 1;
        active += 1;
        maxActive = Math.max(maxActive, active);
        if (runs === 1) await new Promise<void>((r) => (release = r));
        active -= 1;
      },
    });
    expect(() => s.register({ name: 'ticked', rule: '0 0 1 1 *', wakeOn: 'tt_test_wake', async run() {} })).to.throw(/wakeOn needs once: 'none'/);
    s.start();
    await s.whenListening();
    const deadline = Date.now() + 5_000;
    while (runs < 1 && Date.now() < deadline) await sleep(10); // the run after connecting
    for (let i = 0; i < 20; i += 1) wakeJobs('tt_test_wake');
    await sequelize.query('NOTIFY tt_test_wake');
    await sleep(200);
    expect(runs).to.equal(1);
    release();
    while (active > 0 || runs < 2) await sleep(10);
    await sleep(200);
    expect(runs).to.equal(2);
    expect(maxActive).to.equal(1);
    await s.stop();
    wakeJobs('tt_test_wake');
    await sleep(100);
    expect(runs).to.equal(2);
  });

  it('the housekeeping job deletes expired rate-limit rows; the standalone server\'s job deletes expired sessions', async () => {
    const { sequelize } = await testDb();
    await sequelize.query(`
      INSERT INTO sessions (sid, data, expires_at) VALUES ('old', '{}', now() - interval '1 minute'), ('new', '{}', now() + interval '1 day');
      INSERT INTO rate_limits (key, count, reset_at) VALUES ('k', 3, now() - interval '1 minute');
    `);
    const [job] = coreJobs(sequelize);
    const s = new Scheduler(sequelize, { instance: 'hk' });
    schedulers.push(s);
    s.register(job);
    s.register(sessionCleanupJob(sequelize));
    expect(await s.runTick(job.name)).to.equal('ran');
    expect(await sequelize.query('SELECT 1 FROM sessions', { type: QueryTypes.SELECT })).to.have.length(2);
    expect(await s.runTick('session_cleanup')).to.equal('ran');
    const sessions = await sequelize.query<{ sid: string }>('SELECT sid FROM sessions', { type: QueryTypes.SELECT });
    expect(sessions.map((r) => r.sid)).to.deep.equal(['new']);
    expect(await sequelize.query('SELECT 1 FROM rate_limits', { type: QueryTypes.SELECT })).to.have.length(0);
  });
});
