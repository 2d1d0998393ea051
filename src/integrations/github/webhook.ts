// POST /api/integrations/github/webhook. Order matters: raw body (1 MB) → JSON → integrations of
// `repository.full_name` with their owner and default project (one indexed query, cached while
// nothing it depends on changed) → constant-time signature check against each candidate's
// secrets → only then anything else. The delivery id is recorded by the same statement as the
// task work (deliveryStatement.ts), so a failure leaves the delivery unprocessed and GitHub's
// redelivery can succeed; a delivery already recorded changes nothing. One round trip to
// PostgreSQL in the common case (two when the routing read is not cached).
//
// A cached routing answer is a hint, never the last word: when it verifies no candidate (a secret
// rotated a moment ago) or the write finds its integration or project gone (foreign key), the
// delivery is routed again from the database before answering.
import type { Middleware } from 'koa';
import { badRequest, conflict, unauthorized, unprocessable } from '../../errors.js';
import { ONE_MB, readRaw } from '../../web/body.js';
import type { AppContextExtras, AppState } from '../../web/types.js';
import { logger } from '../../lib/logger.js';
import { recordUse } from '../health.js';
import { findCandidates, type Candidate, type RoutingRead } from './candidates.js';
import { projectProblem, settingsOf } from './settings.js';
import { applyDelivery, type WorkResult } from './deliveryStatement.js';
import { answer, handleIssues, type Body, type IssueContext, type Plan, type Target } from './issueActions.js';
import { verifyWithFallback } from './verifySignature.js';
import { candidateSecrets } from './webhookSecret.js';

type EventHandler = (c: Omit<IssueContext, 'issue'>) => Plan | Promise<Plan>;

const EVENT_HANDLERS: Readonly<Record<string, EventHandler>> = {
  ping: () => answer({ message: 'Webhook received' }),
  issues: handleIssues,
};
const NO_WORK: WorkResult = { taskId: null, created: false };

function parsePayload(raw: Buffer): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest('Malformed JSON body (set the webhook content type to application/json)');
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw badRequest('The webhook payload must be a JSON object');
  return payload as Record<string, unknown>;
}

function toTarget(c: Candidate): Target | null {
  const settings = settingsOf(c.config);
  if (!settings) return null;
  const project = c.project_status === null ? null : { name: c.project_name ?? '', status: c.project_status, allowed: c.project_allowed };
  return { integrationId: c.id, owner: { id: c.user_id, github_username: c.github_username }, settings, projectProblem: projectProblem(project) };
}

interface Routed {
  targets: Target[];
  /** The candidates behind `targets`: a processed delivery counts as a successful use of each. */
  verified: Candidate[];
  /** The candidates came from the routing cache. */
  cached: boolean;
}

/** The candidates whose current (or, during rotation, previous) secret verifies the raw body. */
async function verifiedTargets(payload: Record<string, unknown>, raw: Buffer, signature: string, mode: RoutingRead): Promise<Routed> {
  const fullName = (payload.repository as { full_name?: unknown } | undefined)?.full_name;
  // No repository name has control characters (PostgreSQL text cannot even hold a NUL).
  if (!signature || typeof fullName !== 'string' || fullName.length > 300 || /[\u0000-\u001f]/.test(fullName)) return { targets: [], verified: [], cached: false };
  const now = new Date();
  const targets: Target[] = [];
  const verified: Candidate[] = [];
  const candidates = await findCandidates(fullName, mode);
  for (const candidate of candidates.rows) {
    const { secrets, problems } = candidateSecrets(candidate.config, now);
    if (problems.length) logger.warn({ integration_id: candidate.id, problems }, 'github webhook secret unusable');
    const target = verifyWithFallback(secrets, raw, signature) >= 0 ? toTarget(candidate) : null;
    if (target) {
      targets.push(target);
      verified.push(candidate);
    }
  }
  return { targets, verified, cached: candidates.cached };
}

/** Verified targets (401 when none); a cached answer that verifies nothing is checked against the database. */
async function route(payload: Record<string, unknown>, raw: Buffer, signature: string, mode: RoutingRead): Promise<Routed> {
  let routed = await verifiedTargets(payload, raw, signature, mode);
  if (routed.targets.length === 0 && routed.cached) routed = await verifiedTargets(payload, raw, signature, 'refresh');
  if (routed.targets.length === 0) throw unauthorized('Invalid signature');
  return routed;
}

/** The write named an integration, project or owner that no longer exists: nothing was recorded. */
class StaleRoute extends Error {}

/** A StaleRoute after a fresh read is a real conflict (a concurrent delete), answered 409. */
const unstale = (err: unknown) =>
  err instanceof StaleRoute
    ? conflict('The integration or its project was deleted while this delivery was processed; nothing was recorded (redeliver it from GitHub once the connector is set up again)')
    : err;

function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: unknown; parent?: { code?: unknown } } | null;
  return e?.code === '23503' || e?.parent?.code === '23503';
}

/** Plans every target's work, then records the delivery and runs the work in one statement. */
async function dispatch(targets: Target[], event: string, deliveryId: string, payload: Record<string, unknown>): Promise<Body> {
  const handler = EVENT_HANDLERS[event];
  const plans = await Promise.all(targets.map((t) => handler({ ...t, payload })));
  const record = { deliveryId, integrationId: targets[0].integrationId, event };
  const { fresh, results } = await applyDelivery(record, plans.map((p) => p.work ?? null)).catch((err: unknown) => {
    throw isForeignKeyViolation(err) ? new StaleRoute() : err;
  });
  if (!fresh) return { ok: true, duplicate: true };
  const bodies: Body[] = [];
  for (const [i, plan] of plans.entries()) {
    const outcome = plan.finish(results[i] ?? NO_WORK);
    const body = outcome.afterCommit ? await outcome.afterCommit() : outcome.body;
    bodies.push(targets.length > 1 ? { integration_id: targets[i].integrationId, ...body } : body);
  }
  return bodies.length === 1 ? bodies[0] : { ok: true, results: bodies };
}

export function githubWebhook(opts: { routingCache: boolean }): Middleware<AppState, AppContextExtras> {
  return async function receiveGithubWebhook(ctx) {
    const raw = await readRaw(ctx, ONE_MB);
    const payload = parsePayload(raw);
    const signature = ctx.get('X-Hub-Signature-256');
    let routed = await route(payload, raw, signature, opts.routingCache ? 'cached' : 'uncached');
    const event = ctx.get('X-GitHub-Event');
    if (!event) throw badRequest('X-GitHub-Event header is missing');
    if (!Object.hasOwn(EVENT_HANDLERS, event)) throw unprocessable(`Unhandled event: ${event}`);
    const deliveryId = ctx.get('X-GitHub-Delivery');
    if (!deliveryId) throw badRequest('X-GitHub-Delivery header is missing');
    const send = (r: Routed) => dispatch(r.targets, event, deliveryId, payload);
    try {
      ctx.body = await send(routed);
    } catch (err) {
      if (!(err instanceof StaleRoute) || !routed.cached) throw unstale(err);
      routed = await route(payload, raw, signature, 'refresh');
      ctx.body = await send(routed).catch((e: unknown) => {
        throw unstale(e);
      });
    }
    // A delivery proves the webhook secret, not the token: it never clears a recorded error.
    for (const c of routed.verified) await recordUse(c, { clearsError: false });
    logger.info({ event, action: payload.action, delivery: deliveryId, integrations: routed.targets.map((t) => t.integrationId) }, 'github webhook processed');
  };
}
