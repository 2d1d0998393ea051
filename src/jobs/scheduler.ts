// node-schedule drives jobs in every instance; PostgreSQL decides who runs. A job with
// `once: 'tick'` (the default) claims its tick in `job_runs` (primary key (job, tick)), so N
// instances run each tick once; every run also holds a per-job advisory lock, so a slow run never
// overlaps the next one. Jobs that claim rows themselves (FOR UPDATE SKIP LOCKED) use `once: 'none'`
// and may run everywhere at once. No business logic lives here.
import crypto from 'node:crypto';
import schedule from 'node-schedule';
import type { Sequelize } from 'sequelize';
import { QueryTypes } from 'sequelize';
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

  constructor(private readonly sequelize: Sequelize, opts: { instance?: string } = {}) {
    this.instance = opts.instance ?? `${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  }

  register(job: Job): void {
    if (this.jobs.has(job.name)) throw new Error(`Job ${job.name} is registered twice`);
    this.jobs.set(job.name, job);
  }

  get jobNames(): string[] {
    return [...this.jobs.keys()];
  }

  start(): void {
    for (const job of this.jobs.values()) {
      const s = schedule.scheduleJob(`${job.name}@${this.instance}`, job.rule, (fireDate: Date) => {
        void this.track(this.runTick(job.name, fireDate));
      });
      if (s) this.scheduled.push(s);
    }
    logger.info({ instance: this.instance, jobs: this.jobNames }, 'scheduler started');
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
    for (const s of this.scheduled) s.cancel();
    this.scheduled = [];
    this.controller.abort();
    const pending = Promise.allSettled([...this.inFlight]);
    await Promise.race([pending, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }
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
