// Slack jobs, registered by the scheduler (src/jobs/scheduler.ts adds locking, timing, logging):
//  - slack_outbox: drains due outbox messages as soon as one is queued (woken by the NOTIFY on
//    OUTBOX_CHANNEL or in-process, see outbox.ts; `wake: false` turns that off) and every 5 s as the
//    fallback. It claims rows itself (FOR UPDATE SKIP LOCKED + lease), so it needs no per-tick
//    claim (`once: 'none'`); the scheduler coalesces wake-ups and ticks into one run at a time per
//    process. Within one run it keeps going while messages wait only for their channel's pacing
//    slot, up to a time budget; messages not yet due (pacing, backoff, Retry-After) stay queued.
//  - slack_daily_summary: every 5 minutes, one run per tick across instances; queues summaries
//    and prunes old outbox rows.
import type { Job } from '../../jobs/scheduler.js';
import type { ConnectorDeps } from '../types.js';
import { enqueueDailySummaries } from './dailySummary.js';
import { deliverDueMessages, OUTBOX_CHANNEL, PACE_MS, pruneOutbox, type DeliverReport } from './outbox.js';

export const OUTBOX_BUDGET_MS = 4_000;
const BATCH = 10;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

/** Drains the outbox repeatedly until nothing is due, the budget is spent or the scheduler stops. */
export async function runOutboxWorker(opts: { apiUrl: string; signal: AbortSignal; budgetMs?: number }): Promise<DeliverReport> {
  const total: DeliverReport = { claimed: 0, sent: 0, retried: 0, failed: 0, deferred: 0 };
  const started = Date.now();
  const budget = opts.budgetMs ?? OUTBOX_BUDGET_MS;
  let waitingForSlot = false;
  while (!opts.signal.aborted && Date.now() - started < budget) {
    const r = await deliverDueMessages({ apiUrl: opts.apiUrl, limit: BATCH });
    for (const k of Object.keys(total) as Array<keyof DeliverReport>) total[k] += r[k];
    if (r.deferred > 0) waitingForSlot = true;
    if (r.claimed > r.deferred) continue;
    if (!waitingForSlot) break;
    waitingForSlot = false;
    await sleep(PACE_MS, opts.signal);
  }
  return total;
}

export function slackJobs(deps: Pick<ConnectorDeps, 'config'>): Job[] {
  return [
    {
      name: 'slack_outbox',
      rule: '*/5 * * * * *',
      once: 'none',
      ...(deps.config.slackOutboxWake ? { wakeOn: OUTBOX_CHANNEL } : {}),
      run: ({ signal }) => runOutboxWorker({ apiUrl: deps.config.slackApiUrl, signal }),
    },
    {
      name: 'slack_daily_summary',
      rule: '*/5 * * * *',
      once: 'tick',
      run: async ({ tickAt }) => {
        const queued = await enqueueDailySummaries(tickAt);
        await pruneOutbox(tickAt);
        return { queued };
      },
    },
  ];
}
