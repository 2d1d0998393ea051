// HTTP surface of the Slack connector.
//  - POST /api/integrations/slack/events (public, Slack-signed): slash commands (form body),
//    url_verification and other Events API callbacks (JSON). Signature headers and timestamp are
//    checked before any database work; the signing secret is chosen by routing.ts; every failure
//    is the same opaque 401. Every command reply is ephemeral JSON with HTTP 200.
//  - POST /api/integrations/slack/interactions (public, Slack-signed): button and picker clicks
//    (form body `payload=` JSON), verified and routed by `payload.user.id` exactly like a slash
//    command. Slack gives up after 3 s, so the click's database work (a few ms) runs, the request
//    is answered 200 at once, and the visible answer goes afterwards to the click's response_url.
//    A repeated delivery of the same click (webhook_deliveries, unique) does nothing.
//  - POST /config, GET /status, POST /test behind the session (uniform connector routes).
import Router from '@koa/router';
import { readRaw } from '../../web/body.js';
import type { AppContextExtras, AppState } from '../../web/types.js';
import { logger } from '../../lib/logger.js';
import { User } from '../../models/index.js';
import { recordDelivery } from '../deliveries.js';
import { recordUse } from '../health.js';
import { authedConnectorRouter, registerUniformRoutes, type ConnectorRouter } from '../routes.js';
import type { ConnectorDeps } from '../types.js';
import { isAllowedResponseUrl, respond, type ResponseMessage } from './client.js';
import { runCommand } from './commands.js';
import { deliveryIdOf, parseInteraction, teamOf, type ParsedInteraction } from './interactionPayload.js';
import { ephemeral as ephemeralMessage, runAction } from './interactions.js';
import { saveSlackConfig, PROVIDER, SLACK_USER_ID, slackStatus } from './settings.js';
import { testSlackConnection } from './testConnection.js';
import { clickReply, reply } from './messages.js';
import { learnTeam, recentRows, routeCommand, rowsForTeam, verifiedAmong, type CommandRoute } from './routing.js';
import { readEnvelope, type SignedEnvelope } from './verifyRequest.js';

export const EVENTS_BODY_LIMIT = 256 * 1024;
type Ctx = Router.RouterContext<AppState, AppContextExtras>;

function deny(ctx: Ctx, reason: string): void {
  logger.info({ reason, ip: ctx.ip }, 'slack request refused');
  ctx.status = 401;
  ctx.body = { ok: false, error: 'Invalid signature' };
}

function ephemeral(ctx: Ctx, text: string, blocks?: readonly unknown[]): void {
  ctx.status = 200;
  ctx.body = blocks ? { response_type: 'ephemeral', text, blocks } : { response_type: 'ephemeral', text };
}

const hint = (v: string | null, re: RegExp): string | null => (v && re.test(v) ? v : null);

type VerifiedRoute = Exclude<CommandRoute, { kind: 'invalid' }>;

/** The linked, active user a verified request acts for, or the reply explaining why there is none. */
async function linkedUser(route: VerifiedRoute, slackUserId: string | null, teamId: string | null): Promise<{ user: User; integrationId: number } | string> {
  switch (route.kind) {
    case 'not_linked':
      return reply.notLinked(slackUserId || 'unknown');
    case 'secret_mismatch':
      return reply.secretMismatch;
    case 'ambiguous':
      return reply.ambiguousLink;
    case 'inactive':
      return reply.connectorOff;
    case 'linked': {
      await learnTeam(route.row, teamId);
      // A verified command proves the signing secret, not the bot token: it never clears an error.
      await recordUse(route.row, { clearsError: false });
      const user = await User.findByPk(route.row.user_id);
      if (!user || !user.is_active) return reply.accountInactive;
      return { user, integrationId: route.row.id };
    }
  }
}

async function handleCommand(ctx: Ctx, raw: Buffer, envelope: SignedEnvelope, form: URLSearchParams): Promise<void> {
  const teamId = hint(form.get('team_id'), /^[TE][A-Z0-9]{2,}$/);
  const route = await routeCommand(envelope, raw, { slackUserId: hint(form.get('user_id'), SLACK_USER_ID), teamId });
  if (route.kind === 'invalid') return deny(ctx, 'bad_signature');
  const linked = await linkedUser(route, form.get('user_id'), teamId);
  if (typeof linked === 'string') return ephemeral(ctx, linked);
  const answer = await runCommand({ user: linked.user, now: new Date() }, form.get('text') ?? '');
  ephemeral(ctx, answer.text, answer.blocks);
}

/** What a verified click answers; null for a repeated delivery of a click already handled. */
async function clickAnswer(route: VerifiedRoute, parsed: ParsedInteraction, slackUserId: string | null, teamId: string | null): Promise<ResponseMessage | null> {
  // Without a readable user there is nobody to tell "not linked": the payload itself is the problem.
  if (!parsed.ok && !slackUserId) return ephemeralMessage(clickReply.malformed);
  const linked = await linkedUser(route, slackUserId, teamId);
  if (typeof linked === 'string') return ephemeralMessage(linked);
  if (!parsed.ok) return ephemeralMessage(clickReply.malformed);
  const { interaction } = parsed;
  const action = interaction.actions[0];
  const fresh = await recordDelivery(PROVIDER, deliveryIdOf(interaction), { integrationId: linked.integrationId, event: `block_actions.${action.action_id}` });
  if (!fresh) return null;
  return runAction({ user: linked.user, action, now: new Date(), messageText: interaction.message?.text ?? null });
}

/** Sends the answer to response_url after the 200 went out; the outcome is only logged. */
function followUp(apiUrl: string, responseUrl: string, message: ResponseMessage): void {
  void respond({ apiUrl }, responseUrl, message).then(
    (res) => {
      if (!res.ok) logger.warn({ error: res.error, status: res.status }, 'slack response_url follow-up failed');
    },
    (err: unknown) => logger.error({ err }, 'slack response_url follow-up crashed'),
  );
}

async function handleInteractions(ctx: Ctx, apiUrl: string): Promise<void> {
  const raw = await readRaw(ctx, EVENTS_BODY_LIMIT);
  const env = readEnvelope(ctx.req.headersDistinct ?? ctx.req.headers, new Date());
  if (!env.ok) return deny(ctx, env.reason);
  const parsed = parseInteraction(new URLSearchParams(raw.toString('utf8')).get('payload'));
  const slackUserId = parsed.ok ? parsed.interaction.user.id : parsed.hints.slackUserId;
  const teamId = parsed.ok ? teamOf(parsed.interaction) : parsed.hints.teamId;
  const route = await routeCommand(env.envelope, raw, { slackUserId, teamId });
  if (route.kind === 'invalid') return deny(ctx, 'bad_signature');
  const message = await clickAnswer(route, parsed, slackUserId, teamId);
  const responseUrl = parsed.ok ? parsed.interaction.response_url : parsed.hints.responseUrl;
  ctx.status = 200;
  if (message && isAllowedResponseUrl(responseUrl, apiUrl)) {
    ctx.body = '';
    followUp(apiUrl, responseUrl, message);
  } else {
    // A repeated click answers nothing; without a usable response_url the answer rides on the 200.
    ctx.body = message ? { response_type: 'ephemeral', text: message.text } : '';
  }
}

async function handleJson(ctx: Ctx, raw: Buffer, envelope: SignedEnvelope): Promise<void> {
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    body = parsed as Record<string, unknown>;
  } catch {
    return deny(ctx, 'malformed_body');
  }
  const teamId = hint(typeof body.team_id === 'string' ? body.team_id : null, /^[TE][A-Z0-9]{2,}$/);
  const candidates = teamId ? await rowsForTeam(teamId, []) : await recentRows();
  if (!verifiedAmong(envelope, raw, candidates)) return deny(ctx, 'bad_signature');
  ctx.status = 200;
  // No Events API subscription is needed; other callbacks are acknowledged and ignored.
  ctx.body = body.type === 'url_verification' ? { challenge: String(body.challenge ?? '') } : { ok: true };
}

async function handleEvents(ctx: Ctx): Promise<void> {
  const raw = await readRaw(ctx, EVENTS_BODY_LIMIT);
  const isJson = /^application\/([a-z0-9.-]+\+)?json\s*(;|$)/i.test(ctx.get('Content-Type'));
  const form = isJson ? null : new URLSearchParams(raw.toString('utf8'));
  if (form?.get('ssl_check') === '1') {
    // Slack's certificate probe: answered before verification because it reads and changes nothing.
    ctx.status = 200;
    ctx.body = '';
    return;
  }
  const env = readEnvelope(ctx.req.headersDistinct ?? ctx.req.headers, new Date());
  if (!env.ok) return deny(ctx, env.reason);
  if (form) return handleCommand(ctx, raw, env.envelope, form);
  return handleJson(ctx, raw, env.envelope);
}

/** Public router (mounted before sessions): Slack's signed requests. */
export function slackEventsRouter(deps: ConnectorDeps): Router<AppState, AppContextExtras> {
  const router = new Router<AppState, AppContextExtras>({ prefix: '/api/integrations/slack' });
  router.post('/events', handleEvents);
  router.post('/interactions', (ctx) => handleInteractions(ctx, deps.config.slackApiUrl));
  return router;
}

/** Session router: the uniform config / status / test endpoints. */
export function slackApiRouter(deps: ConnectorDeps): ConnectorRouter {
  const baseUrl = deps.config.baseUrl;
  const router = authedConnectorRouter('slack', baseUrl);
  registerUniformRoutes(router, PROVIDER, {
    saveConfig: (user, body) => saveSlackConfig(user, body, baseUrl),
    status: (user) => slackStatus(user, baseUrl),
    test: (_user, row) => testSlackConnection(row, deps),
  });
  return router;
}
