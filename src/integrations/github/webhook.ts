// POST /api/integrations/github/webhook. Order matters: raw body (1 MB) → JSON → integrations of
// `repository.full_name` (one indexed query) → constant-time signature check against each
// candidate's secrets → only then anything else. The delivery id is recorded in the same
// transaction as the task work, so a failure leaves the delivery unprocessed and GitHub's
// redelivery can succeed; a delivery already recorded changes nothing.
import type { Middleware } from 'koa';
import { badRequest, unauthorized, unprocessable } from '../../errors.js';
import { ONE_MB, readRaw } from '../../http/middleware/body.js';
import type { AppContextExtras, AppState } from '../../http/types.js';
import { logger } from '../../lib/logger.js';
import { Integration, User } from '../../models/index.js';
import { recordDelivery } from '../deliveries.js';
import { defaultProjectProblem, PROVIDER, settingsOf } from './config.js';
import { handleIssues, type Body, type DeliveryOutcome, type IssueContext } from './issueActions.js';
import { verifyWithFallback } from './verifySignature.js';
import { candidateSecrets } from './webhookSecret.js';

/** At most this many integrations of one repository are tried (each user has their own webhook). */
export const MAX_CANDIDATES = 10;

type EventHandler = (c: Omit<IssueContext, 'issue'>) => Promise<DeliveryOutcome>;

const EVENT_HANDLERS: Readonly<Record<string, EventHandler>> = {
  ping: async () => ({ body: { ok: true, message: 'Webhook received' } }),
  issues: handleIssues,
};

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

/** Active integrations (of active users) fed by this repository: one query on the expression index. */
export async function integrationsForRepository(fullName: string): Promise<Integration[]> {
  return Integration.sequelize!.query(
    `SELECT i.* FROM integrations i JOIN users u ON u.id = i.user_id AND u.is_active
      WHERE i.provider = 'github_connector' AND i.is_active
        AND lower((i.config->>'repo_owner') || '/' || (i.config->>'repo_name')) = lower($1)
      ORDER BY i.id LIMIT ${MAX_CANDIDATES}`,
    { bind: [fullName], model: Integration, mapToModel: true },
  );
}

/** The candidates whose current (or, during rotation, previous) secret verifies the raw body. */
async function verifiedIntegrations(payload: Record<string, unknown>, raw: Buffer, signature: string): Promise<Integration[]> {
  const fullName = (payload.repository as { full_name?: unknown } | undefined)?.full_name;
  if (!signature || typeof fullName !== 'string' || fullName.length > 300) return [];
  const now = new Date();
  return (await integrationsForRepository(fullName)).filter((row) => {
    const { secrets, problems } = candidateSecrets(row.config, now);
    if (problems.length) logger.warn({ integration_id: row.id, problems }, 'github webhook secret unusable');
    return verifyWithFallback(secrets, raw, signature) >= 0;
  });
}

async function dispatch(rows: Integration[], event: string, deliveryId: string, payload: Record<string, unknown>): Promise<Body> {
  const handler = EVENT_HANDLERS[event];
  // Reads that need no lock happen before the transaction, so a burst of deliveries never holds
  // every pooled connection while waiting for another one.
  const targets = await Promise.all(
    rows.map(async (row) => {
      const owner = (await User.findByPk(row.user_id))!;
      const settings = settingsOf(row.config)!;
      return { row, owner, settings, projectProblem: await defaultProjectProblem(owner, settings.default_project_id) };
    }),
  );
  const outcomes = await Integration.sequelize!.transaction(async (transaction) => {
    const fresh = await recordDelivery(PROVIDER, deliveryId, { integrationId: rows[0].id, event, transaction });
    if (!fresh) return null;
    const out: Array<{ row: Integration; outcome: DeliveryOutcome }> = [];
    for (const t of targets) out.push({ row: t.row, outcome: await handler({ ...t, payload, transaction }) });
    return out;
  });
  if (outcomes === null) return { ok: true, duplicate: true };
  const bodies: Body[] = [];
  for (const { row, outcome } of outcomes) {
    const body = outcome.afterCommit ? await outcome.afterCommit() : outcome.body;
    bodies.push(rows.length > 1 ? { integration_id: row.id, ...body } : body);
  }
  return bodies.length === 1 ? bodies[0] : { ok: true, results: bodies };
}

export function githubWebhook(): Middleware<AppState, AppContextExtras> {
  return async function receiveGithubWebhook(ctx) {
    const raw = await readRaw(ctx, ONE_MB);
    const payload = parsePayload(raw);
    const rows = (await verifiedIntegrations(payload, raw, ctx.get('X-Hub-Signature-256'))).filter((r) => settingsOf(r.config));
    if (rows.length === 0) throw unauthorized('Invalid signature');
    const event = ctx.get('X-GitHub-Event');
    if (!event) throw badRequest('X-GitHub-Event header is missing');
    if (!Object.hasOwn(EVENT_HANDLERS, event)) throw unprocessable(`Unhandled event: ${event}`);
    const deliveryId = ctx.get('X-GitHub-Delivery');
    if (!deliveryId) throw badRequest('X-GitHub-Delivery header is missing');
    ctx.body = await dispatch(rows, event, deliveryId, payload);
    logger.info({ event, action: payload.action, delivery: deliveryId, integrations: rows.map((r) => r.id) }, 'github webhook processed');
  };
}
