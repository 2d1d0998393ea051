// The durable Slack outbox (table outbox_messages). Producers only INSERT (fast, inside or right
// after the timer change) and wake the worker: a NOTIFY on OUTBOX_CHANNEL sent by the same
// statement (PostgreSQL delivers it at commit, to every instance), plus an in-process wake-up after
// commit. The wake-up only runs the worker earlier; what is due is still decided below, and the
// slack_outbox job's 5 s poll remains the fallback. The worker delivers:
//  - claims due rows with FOR UPDATE SKIP LOCKED and a lease (`locked_until`), so parallel workers
//    never hold the same row and a crashed worker's rows come back when the lease expires;
//  - takes the channel's pacing slot (atomic upsert in slack_channel_pacing) before posting, so a
//    channel gets about one message per second across all instances;
//  - records the outcome only while still holding its lease (`locked_until` is the fencing token),
//    so a row is marked sent once and never handed to a second sender;
//  - retries network errors, timeouts, 5xx and Slack's transient errors with exponential backoff
//    plus jitter, waits out 429 Retry-After, and gives up after MAX_ATTEMPTS (status 'failed',
//    last_error on the message and on the integration row, where the admin panel shows it); a
//    message sent proves the connector works (health.ts).
import { QueryTypes, type Transaction } from 'sequelize';
import { wakeJobs } from '../../jobs/scheduler.js';
import { logger } from '../../lib/logger.js';
import { db, Integration } from '../../models/index.js';
import { readSecret } from '../connector.js';
import { recordFailure, recordUse } from '../health.js';
import { postMessage, type PostMessageResult } from './client.js';
import { PROVIDER } from './settings.js';

export const MAX_ATTEMPTS = 12;
export const LEASE_MS = 60_000;
export const PACE_MS = 1_000;
export const BASE_BACKOFF_MS = 15_000;
export const MAX_BACKOFF_MS = 3_600_000;
export const DEFAULT_RETRY_AFTER_SEC = 30;
/** The NOTIFY channel that wakes the slack_outbox job (src/jobs/scheduler.ts `wakeOn`). */
export const OUTBOX_CHANNEL = 'tt_slack_outbox';

/** Keeps the table small: sent messages for 30 days (they also carry the daily-summary markers), failed ones for 90. */
export async function pruneOutbox(now: Date = new Date()): Promise<void> {
  await db().query(
    `DELETE FROM outbox_messages
      WHERE provider = 'slack_connector'
        AND ((status = 'sent' AND sent_at < $1::timestamptz - interval '30 days')
          OR (status = 'failed' AND updated_at < $1::timestamptz - interval '90 days'))`,
    { bind: [now.toISOString()] },
  );
}

export type OutboxKind = 'timer_started' | 'timer_stopped' | 'timer_auto_stopped' | 'timer_reminder' | 'daily_summary' | 'test';

export interface EnqueueInput {
  integrationId: number;
  kind: OutboxKind;
  channel: string;
  text: string;
  /** Block Kit blocks sent with the text (which stays the notification and fallback text). */
  blocks?: readonly unknown[];
  /** Unique key: a second insert with the same key is a no-op (exactly-once markers). */
  dedupeKey: string;
}

/**
 * Inserts a pending message and wakes the worker once it is committed (NOTIFY for every instance,
 * wakeJobs() for this one); false, and no wake-up, when the dedupe key already exists.
 */
export async function enqueueMessage(input: EnqueueInput, transaction?: Transaction): Promise<boolean> {
  const rows = await db().query(
    `WITH added AS (
       INSERT INTO outbox_messages (provider, integration_id, kind, channel, payload, dedupe_key)
       VALUES ('slack_connector', $1, $2, $3, $4::jsonb, $5) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id
     )
     SELECT id, pg_notify('${OUTBOX_CHANNEL}', '') FROM added`,
    { bind: [input.integrationId, input.kind, input.channel, JSON.stringify({ text: input.text, ...(input.blocks ? { blocks: input.blocks } : {}) }), input.dedupeKey], type: QueryTypes.SELECT, transaction },
  );
  if (rows.length !== 1) return false;
  const wake = () => wakeJobs(OUTBOX_CHANNEL);
  if (transaction) transaction.afterCommit(wake);
  else wake();
  return true;
}

interface ClaimedRow {
  id: string;
  integration_id: number;
  channel: string;
  payload: { text?: string; blocks?: unknown[] };
  attempts: number;
  locked_until: Date;
}

/** How many of the oldest due rows one claim looks at (bounds the cost after a long outage). */
const SCAN_LIMIT = 500;

/**
 * Claims up to `limit` due rows, one per channel (the first queued of its due rows, so a message
 * deferred for pacing keeps its place before later ones), under a lease ending at now + LEASE_MS.
 */
export async function claimDue(now: Date, limit: number): Promise<ClaimedRow[]> {
  const rows = await db().query<ClaimedRow>(
    `WITH heads AS (
       SELECT id FROM (
         SELECT id, row_number() OVER (PARTITION BY channel ORDER BY id) AS rn
           FROM (SELECT id, channel, next_attempt_at FROM outbox_messages
                  WHERE provider = 'slack_connector' AND status = 'pending' AND next_attempt_at <= $1
                    AND (locked_until IS NULL OR locked_until <= $1)
                  ORDER BY next_attempt_at, id LIMIT ${SCAN_LIMIT}) oldest
       ) ranked WHERE rn = 1 ORDER BY id LIMIT $2
     ), due AS (
       SELECT o.id FROM outbox_messages o JOIN heads h ON h.id = o.id
        WHERE o.status = 'pending' AND (o.locked_until IS NULL OR o.locked_until <= $1)
        FOR UPDATE OF o SKIP LOCKED
     )
     UPDATE outbox_messages o SET locked_until = $3, updated_at = now()
       FROM due WHERE o.id = due.id
     RETURNING o.id, o.integration_id, o.channel, o.payload, o.attempts, o.locked_until`,
    { bind: [now.toISOString(), limit, new Date(now.getTime() + LEASE_MS).toISOString()], type: QueryTypes.SELECT },
  );
  return rows.sort((a, b) => Number(a.id) - Number(b.id));
}

/** Takes the channel's next send slot; returns null on success, or when the slot frees up. */
async function takeChannelSlot(channel: string, now: Date): Promise<Date | null> {
  const sequelize = db();
  const taken = await sequelize.query(
    `INSERT INTO slack_channel_pacing (channel, next_send_at) VALUES ($1, $3)
     ON CONFLICT (channel) DO UPDATE SET next_send_at = EXCLUDED.next_send_at
       WHERE slack_channel_pacing.next_send_at <= $2
     RETURNING channel`,
    { bind: [channel, now.toISOString(), new Date(now.getTime() + PACE_MS).toISOString()], type: QueryTypes.SELECT },
  );
  if (taken.length === 1) return null;
  const [slot] = await sequelize.query<{ next_send_at: Date }>('SELECT next_send_at FROM slack_channel_pacing WHERE channel = $1', {
    bind: [channel],
    type: QueryTypes.SELECT,
  });
  return slot?.next_send_at ?? new Date(now.getTime() + PACE_MS);
}

async function holdChannel(channel: string, until: Date): Promise<void> {
  await db().query(
    'UPDATE slack_channel_pacing SET next_send_at = GREATEST(next_send_at, $2) WHERE channel = $1',
    { bind: [channel, until.toISOString()] },
  );
}

type Outcome =
  | { status: 'sent' }
  | { status: 'retry'; at: Date; error: string }
  | { status: 'failed'; error: string }
  | { status: 'deferred'; at: Date };

/** Writes the outcome if this worker still holds the lease. */
async function finish(row: ClaimedRow, outcome: Outcome, now: Date): Promise<boolean> {
  const counts = outcome.status === 'deferred' ? 0 : 1;
  const status = outcome.status === 'sent' || outcome.status === 'failed' ? outcome.status : 'pending';
  const nextAt = outcome.status === 'retry' || outcome.status === 'deferred' ? outcome.at : now;
  const error = outcome.status === 'retry' || outcome.status === 'failed' ? outcome.error.slice(0, 2000) : null;
  const [rows] = (await db().query(
    `UPDATE outbox_messages
        SET status = $3::text, attempts = attempts + $4::int, next_attempt_at = $5::timestamptz, locked_until = NULL,
            last_error = COALESCE($6::text, CASE WHEN $3::text = 'sent' THEN NULL ELSE last_error END),
            sent_at = CASE WHEN $3::text = 'sent' THEN $7::timestamptz ELSE sent_at END, updated_at = now()
      WHERE id = $1 AND locked_until = $2::timestamptz AND status = 'pending'
      RETURNING id`,
    { bind: [row.id, row.locked_until.toISOString(), status, counts, nextAt.toISOString(), error, now.toISOString()] },
  )) as [unknown[], unknown];
  return rows.length === 1;
}

export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BASE_BACKOFF_MS * 2 ** Math.max(0, attempt - 1), MAX_BACKOFF_MS);
  return Math.round(base * (1 + 0.2 * random()));
}

function classify(row: ClaimedRow, res: PostMessageResult, now: Date): Outcome {
  if (res.ok) return { status: 'sent' };
  const attempt = row.attempts + 1;
  if (!res.retryable) return { status: 'failed', error: res.error };
  if (attempt >= MAX_ATTEMPTS) return { status: 'failed', error: `gave up after ${attempt} attempts: ${res.error}` };
  if (res.status === 429 || res.slackError === 'ratelimited') {
    const wait = (res.retryAfterSec ?? DEFAULT_RETRY_AFTER_SEC) * 1000;
    return { status: 'retry', at: new Date(now.getTime() + wait), error: `rate limited by Slack, retrying after ${wait / 1000} s` };
  }
  return { status: 'retry', at: new Date(now.getTime() + backoffMs(attempt)), error: res.error };
}

export interface DeliverOptions {
  apiUrl: string;
  now?: Date;
  limit?: number;
  /** HTTP timeout per message (default: the client's 10 s). */
  timeoutMs?: number;
}

export interface DeliverReport {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  deferred: number;
}

async function deliverOne(row: ClaimedRow, integration: Integration | undefined, opts: DeliverOptions, now: Date): Promise<Outcome> {
  if (!integration || !integration.is_active) return { status: 'failed', error: 'Integration not configured' };
  const token = readSecret(integration.config, 'bot_token');
  if (!token.ok) {
    if (!token.missing) await recordFailure(integration, token.error);
    return { status: 'failed', error: token.error };
  }
  const slotFreeAt = await takeChannelSlot(row.channel, now);
  if (slotFreeAt) return { status: 'deferred', at: slotFreeAt };
  const res = await postMessage({ apiUrl: opts.apiUrl, token: token.value, timeoutMs: opts.timeoutMs }, row.channel, row.payload.text ?? '', row.payload.blocks);
  const outcome = classify(row, res, now);
  if (outcome.status === 'retry' && !res.ok && (res.status === 429 || res.slackError === 'ratelimited')) await holdChannel(row.channel, outcome.at);
  if (outcome.status === 'failed') await recordFailure(integration, `Slack message ${row.id} was not delivered: ${outcome.error}`);
  if (outcome.status === 'sent') await recordUse(integration, { clearsError: true });
  return outcome;
}

/** Delivers every due message once (one per channel per call). Shared by the job and the tests. */
export async function deliverDueMessages(opts: DeliverOptions): Promise<DeliverReport> {
  const now = opts.now ?? new Date();
  const claimed = await claimDue(now, opts.limit ?? 10);
  const report: DeliverReport = { claimed: claimed.length, sent: 0, retried: 0, failed: 0, deferred: 0 };
  if (claimed.length === 0) return report;
  const ids = [...new Set(claimed.map((r) => r.integration_id))];
  const integrations = new Map((await Integration.findAll({ where: { id: ids, provider: PROVIDER } })).map((i) => [i.id, i]));
  await Promise.all(
    claimed.map(async (row) => {
      let outcome: Outcome;
      try {
        outcome = await deliverOne(row, integrations.get(row.integration_id), opts, now);
      } catch (err) {
        logger.error({ err, outboxId: row.id }, 'slack outbox delivery crashed');
        outcome = { status: 'retry', at: new Date(now.getTime() + backoffMs(row.attempts + 1)), error: 'internal error while sending' };
      }
      if (!(await finish(row, outcome, now))) logger.warn({ outboxId: row.id }, 'slack outbox lease lost before recording the outcome');
      const key = outcome.status === 'sent' ? 'sent' : outcome.status === 'retry' ? 'retried' : outcome.status;
      report[key] += 1;
      if (outcome.status === 'failed') logger.warn({ outboxId: row.id, integrationId: row.integration_id, error: outcome.error }, 'slack message failed');
    }),
  );
  return report;
}
