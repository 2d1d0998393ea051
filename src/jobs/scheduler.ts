// node-schedule drives jobs in every instance; PostgreSQL decides who runs. A job with
// `once: 'tick'` (the default) claims its tick in `job_runs` (primary key (job, tick)), so N
// instances run each tick once; every run also holds a per-job advisory lock, so a slow run never
// overlaps the next one. Jobs that claim rows themselves (FOR UPDATE SKIP LOCKED) use `once: 'none'`
// and may run everywhere at once. A job may also be woken (`wakeOn`, for `once: 'none'` jobs): a
// PostgreSQL NOTIFY on that channel, heard by one LISTEN connection per scheduler, or wakeJobs() in
// this process runs it at once instead of at its next tick. Wake-ups and ticks of one job coalesce:
// while a run is going, further wake-ups make it run once more when it ends, never a second run
// beside it. No business logic lives here.
import crypto from 'node:crypto';
import schedule from 'node-schedule';
import type { Sequelize } from 'sequelize';
import { QueryTypes } from 'sequelize';
import { PgListener } from '../db/listener.js';
import { trySessionLock } from '../db/locks.js';
import { logger } from '../lib/logger.js';

export interface JobContext {
  tickAt: Date;
  instance: string;
  /** Aborted when the scheduler stops; long jobs should check it between units of work. */
  signal: AbortSignal;
}

export interface Job {
  name: string;
  /** A cron string (seconds allowed) or a node-schedule rule. */
  rule: string | schedule.RecurrenceRule;
  run(ctx: JobContext): Promise<unknown>;
  /** 'tick': one run per tick across all instances (default). 'none': every instance runs it. */
  once?: 'tick' | 'none';
  /**
   * A NOTIFY channel: a notification on it (from any instance), or wakeJobs(channel) in this
   * process, runs the job at once; its rule stays as the fallback. Only for `once: 'none'` jobs.
   */
  wakeOn?: string;
}

export type RunOutcome = 'ran' | 'claimed_elsewhere' | 'busy' | 'failed' | 'stopped';


/** True for a job result that reports only zero counts (or nothing at all). */
export function didNothing(result: unknown): boolean {
  if (result === undefined || result === null) return true;
  if (typeof result !== 'object') return false;
  const values = Object.values(result as Record<string, unknown>);
  return values.every((v) => v === 0 || (Array.isArray(v) && v.length === 0));
}

export class Scheduler {
  readonly instance: string;
  private jobs = new Map<string, Job>();
  private scheduled: schedule.Job[] = [];
  private inFlight = new Set<Promise<RunOutcome>>();
  private controller = new AbortController();
  private stopped = false;
  /** Jobs with a coalescing run going in this process; `again` asks it for one more run. */
  private waking = new Map<string, { again: boolean }>();
  private listener: PgListener | null = null;

  constructor(private readonly sequelize: Sequelize, opts: { instance?: string } = {}) {
    this.instance = opts.instance ?? `${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  }

  register(job: Job): void {
    if (this.jobs.has(job.name)) throw new Error(`Job ${job.name} is registered twice`);
    if (job.wakeOn && job.once !== 'none') throw new Error(`Job ${job.name}: wakeOn needs once: 'none'`);
    this.jobs.set(job.name, job);
  }

  get jobNames(): string[] {
    return [...this.jobs.keys()];
  }

  start(): void {
    for (const job of this.jobs.values()) {
      const s = schedule.scheduleJob(`${job.name}@${this.instance}`, job.rule, (fireDate: Date) => {
        if (job.wakeOn) this.wake(job.name, fireDate);
        else void this.track(this.runTick(job.name, fireDate));
      });
      if (s) this.scheduled.push(s);
    }
    const channels = [...new Set([...this.jobs.values()].flatMap((j) => (j.wakeOn ? [j.wakeOn] : [])))];
    if (channels.length > 0) {
      this.listener = new PgListener(this.sequelize, {
        channels,
        onNotify: (channel) => this.wakeChannel(channel),
        // Notifications sent while not listening are lost: run every wakeable job once.
        onConnected: () => channels.forEach((c) => this.wakeChannel(c)),
        applicationName: 'timetracker-job-wake',
      });
      this.listener.start();
    }
    running.add(this);
    logger.info({ instance: this.instance, jobs: this.jobNames, wakeOn: channels }, 'scheduler started');
  }

  /** Resolves once the wake-up listener is connected (tests wait on it); rejects without one. */
  whenListening(timeoutMs = 10_000): Promise<void> {
    if (!this.listener) return Promise.reject(new Error('no job of this scheduler has wakeOn'));
    return this.listener.whenConnected(timeoutMs);
  }

  /** Wakes every job of this scheduler that declares `wakeOn: channel`. */
  wakeChannel(channel: string): void {
    for (const job of this.jobs.values()) if (job.wakeOn === channel) this.wake(job.name);
  }

  /**
   * Runs the job now, or, when a run started this way is still going, once more after it (any
   * number of wake-ups during a run coalesce into that one extra run). Returns at once.
   */
  wake(name: string, tickAt: Date = new Date()): void {
    if (this.stopped) return;
    const going = this.waking.get(name);
    if (going) {
      going.again = true;
      return;
    }
    const state = { again: false };
    this.waking.set(name, state);
    void this.track(this.runCoalesced(name, state, tickAt));
  }

  private async runCoalesced(name: string, state: { again: boolean }, tickAt: Date): Promise<RunOutcome> {
    try {
      let outcome = await this.runTick(name, tickAt);
      while (state.again && !this.stopped) {
        state.again = false;
        outcome = await this.runTick(name);
      }
      return outcome;
    } finally {
      this.waking.delete(name);
    }
  }

  private track(p: Promise<RunOutcome>): Promise<RunOutcome> {
    this.inFlight.add(p);
    void p.catch(() => undefined).finally(() => this.inFlight.delete(p));
    return p;
  }

  /**
   * Runs one tick of a job now (also used by tests and "run now" buttons). Never rejects for a
   * database problem: an unreachable database makes the tick 'failed' (logged), never an unhandled
   * rejection that would take the process down.
   */
  async runTick(name: string, tickAt: Date = new Date()): Promise<RunOutcome> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`Unknown job ${name}`);
    if (this.stopped) return 'stopped';
    try {
      return await this.runLocked(job, new Date(Math.floor(tickAt.getTime() / 1000) * 1000));
    } catch (err) {
      logger.error({ job: name, instance: this.instance, err }, 'job tick could not run (is the database reachable?)');
      return 'failed';
    }
  }

  private async runLocked(job: Job, tick: Date): Promise<RunOutcome> {
    const outcome = await trySessionLock(this.sequelize, `job:${job.name}`, async () => {
      if ((job.once ?? 'tick') === 'tick' && !(await this.claim(job, tick))) return 'claimed_elsewhere' as const;
      return this.execute(job, tick);
    });
    return outcome.locked ? outcome.value : 'busy';
  }

  private async claim(job: Job, tick: Date): Promise<boolean> {
    const claimed = await this.sequelize.query(
      `INSERT INTO job_runs (job_name, tick_at, instance) VALUES ($1, $2, $3)
       ON CONFLICT (job_name, tick_at) DO NOTHING RETURNING job_name`,
      { bind: [job.name, tick.toISOString(), this.instance], type: QueryTypes.SELECT },
    );
    return claimed.length > 0;
  }

  private async execute(job: Job, tick: Date): Promise<RunOutcome> {
    const started = Date.now();
    try {
      const result = await job.run({ tickAt: tick, instance: this.instance, signal: this.controller.signal });
      await this.finish(job, tick, 'success', null);
      const line = { job: job.name, instance: this.instance, ms: Date.now() - started, result };
      // A frequent job that found nothing to do (every count 0) is debug noise, not news.
      if (didNothing(result)) logger.debug(line, 'job finished, nothing to do');
      else logger.info(line, 'job finished');
      return 'ran';
    } catch (err) {
      await this.finish(job, tick, 'error', String((err as Error)?.message ?? err)).catch(() => undefined);
      logger.error({ job: job.name, instance: this.instance, err }, 'job failed');
      return 'failed';
    }
  }

  private async finish(job: Job, tick: Date, status: 'success' | 'error', error: string | null): Promise<void> {
    if ((job.once ?? 'tick') !== 'tick') return;
    await this.sequelize.query(
      'UPDATE job_runs SET finished_at = now(), status = $3, error = $4 WHERE job_name = $1 AND tick_at = $2',
      { bind: [job.name, tick.toISOString(), status, error?.slice(0, 2000) ?? null] },
    );
  }

  /** Cancels future ticks, signals running jobs, and waits for in-flight runs to finish. */
  async stop(timeoutMs = 15_000): Promise<void> {
    this.stopped = true;
    running.delete(this);
    for (const s of this.scheduled) s.cancel();
    this.scheduled = [];
    this.controller.abort();
    await this.listener?.stop();
    this.listener = null;
    const pending = Promise.allSettled([...this.inFlight]);
    await Promise.race([pending, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }
}

/** The started schedulers of this process (normally one), for wakeJobs(). */
const running = new Set<Scheduler>();

/**
 * In-process wake-up: runs at once every job declaring `wakeOn: channel` in this process's started
 * schedulers (a no-op without one). Other instances hear the NOTIFY on the same channel instead.
 */
export function wakeJobs(channel: string): void {
  for (const s of running) s.wakeChannel(channel);
}

/** Housekeeping that every install runs. */
export function coreJobs(sequelize: Sequelize): Job[] {
  return [
    {
      name: 'housekeeping',
      rule: '17 * * * *',
      async run() {
        await sequelize.query(`
          DELETE FROM rate_limits WHERE reset_at <= now();
          DELETE FROM oauth_states WHERE expires_at <= now() - interval '1 day';
          DELETE FROM job_runs WHERE tick_at < now() - interval '7 days';
          DELETE FROM webhook_deliveries WHERE received_at < now() - interval '30 days';
        `);
      },
    },
  ];
}
