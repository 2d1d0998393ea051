// POST /api/integrations/github/webhook. Order matters: raw body (1 MB) → JSON → integrations of
// `repository.full_name` with their owner and default project (one indexed query) →
// constant-time signature check against each candidate's secrets → only then anything else. The
// delivery id is recorded by the same statement as the task work (deliveryStatement.ts), so a
// failure leaves the delivery unprocessed and GitHub's redelivery can succeed; a delivery already
// recorded changes nothing. Two round trips to PostgreSQL in the common case.
import type { Middleware } from 'koa';
import { badRequest, unauthorized, unprocessable } from '../../errors.js';
import { ONE_MB, readRaw } from '../../http/middleware/body.js';
import type { AppContextExtras, AppState } from '../../http/types.js';
import { logger } from '../../lib/logger.js';
import { findCandidates, type Candidate } from './candidates.js';
import { projectProblem, settingsOf } from './config.js';
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

/** The candidates whose current (or, during rotation, previous) secret verifies the raw body. */
async function verifiedTargets(payload: Record<string, unknown>, raw: Buffer, signature: string): Promise<Target[]> {
  const fullName = (payload.repository as { full_name?: unknown } | undefined)?.full_name;
  // No repository name has control characters (PostgreSQL text cannot even hold a NUL).
  if (!signature || typeof fullName !== 'string' || fullName.length > 300 || /[\u0000-\u001f]/.test(fullName)) return [];
  const now = new Date();
  const targets: Target[] = [];
  for (const candidate of await findCandidates(fullName)) {
    const { secrets, problems } = candidateSecrets(candidate.config, now);
    if (problems.length) logger.warn({ integration_id: candidate.id, problems }, 'github webhook secret unusable');
    const target = verifyWithFallback(secrets, raw, signature) >= 0 ? toTarget(candidate) : null;
    if (target) targets.push(target);
  }
  return targets;
}

/** Plans every target's work, then records the delivery and runs the work in one statement. */
async function dispatch(targets: Target[], event: string, deliveryId: string, payload: Record<string, unknown>): Promise<Body> {
  const handler = EVENT_HANDLERS[event];
  const plans = await Promise.all(targets.map((t) => handler({ ...t, payload })));
  const record = { deliveryId, integrationId: targets[0].integrationId, event };
  const { fresh, results } = await applyDelivery(record, plans.map((p) => p.work ?? null));
  if (!fresh) return { ok: true, duplicate: true };
  const bodies: Body[] = [];
  for (const [i, plan] of plans.entries()) {
    const outcome = plan.finish(results[i] ?? NO_WORK);
    const body = outcome.afterCommit ? await outcome.afterCommit() : outcome.body;
    bodies.push(targets.length > 1 ? { integration_id: targets[i].integrationId, ...body } : body);
  }
  return bodies.length === 1 ? bodies[0] : { ok: true, results: bodies };
}

export function githubWebhook(): Middleware<AppState, AppContextExtras> {
  return async function receiveGithubWebhook(ctx) {
    const raw = await readRaw(ctx, ONE_MB);
    const payload = parsePayload(raw);
    const targets = await verifiedTargets(payload, raw, ctx.get('X-Hub-Signature-256'));
    if (targets.length === 0) throw unauthorized('Invalid signature');
    const event = ctx.get('X-GitHub-Event');
    if (!event) throw badRequest('X-GitHub-Event header is missing');
    if (!Object.hasOwn(EVENT_HANDLERS, event)) throw unprocessable(`Unhandled event: ${event}`);
    const deliveryId = ctx.get('X-GitHub-Delivery');
    if (!deliveryId) throw badRequest('X-GitHub-Delivery header is missing');
    ctx.body = await dispatch(targets, event, deliveryId, payload);
    logger.info({ event, action: payload.action, delivery: deliveryId, integrations: targets.map((t) => t.integrationId) }, 'github webhook processed');
  };
}
