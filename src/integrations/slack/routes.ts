// HTTP surface of the Slack connector.
//  - POST /api/integrations/slack/events (public, Slack-signed): slash commands (form body),
//    url_verification and other Events API callbacks (JSON). Signature headers and timestamp are
//    checked before any database work; the signing secret is chosen by routing.ts; every failure
//    is the same opaque 401. Every command reply is ephemeral JSON with HTTP 200.
//  - POST /config, GET /status, POST /test behind the session (uniform connector routes).
import Router from '@koa/router';
import { readRaw } from '../../web/body.js';
import type { AppContextExtras, AppState } from '../../web/types.js';
import { logger } from '../../lib/logger.js';
import { User } from '../../models/index.js';
import { recordUse } from '../health.js';
import { authedConnectorRouter, registerUniformRoutes, type ConnectorRouter } from '../routes.js';
import type { ConnectorDeps } from '../types.js';
import { runCommand } from './commands.js';
import { saveSlackConfig, PROVIDER, SLACK_USER_ID, slackStatus } from './settings.js';
import { testSlackConnection } from './testConnection.js';
import { reply } from './messages.js';
import { learnTeam, recentRows, routeCommand, rowsForTeam, verifiedAmong, type CommandRoute } from './routing.js';
import { readEnvelope, type SignedEnvelope } from './verifyRequest.js';

export const EVENTS_BODY_LIMIT = 256 * 1024;
type Ctx = Router.RouterContext<AppState, AppContextExtras>;

function deny(ctx: Ctx, reason: string): void {
  logger.info({ reason, ip: ctx.ip }, 'slack request refused');
  ctx.status = 401;
  ctx.body = { ok: false, error: 'Invalid signature' };
}

function ephemeral(ctx: Ctx, text: string): void {
  ctx.status = 200;
  ctx.body = { response_type: 'ephemeral', text };
}

const hint = (v: string | null, re: RegExp): string | null => (v && re.test(v) ? v : null);

async function replyFor(route: Exclude<CommandRoute, { kind: 'invalid' }>, form: URLSearchParams, teamId: string | null): Promise<string> {
  switch (route.kind) {
    case 'not_linked':
      return reply.notLinked(form.get('user_id') || 'unknown');
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
      return runCommand({ user, now: new Date() }, form.get('text') ?? '');
    }
  }
}

async function handleCommand(ctx: Ctx, raw: Buffer, envelope: SignedEnvelope, form: URLSearchParams): Promise<void> {
  const teamId = hint(form.get('team_id'), /^[TE][A-Z0-9]{2,}$/);
  const route = await routeCommand(envelope, raw, { slackUserId: hint(form.get('user_id'), SLACK_USER_ID), teamId });
  if (route.kind === 'invalid') return deny(ctx, 'bad_signature');
  ephemeral(ctx, await replyFor(route, form, teamId));
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
export function slackEventsRouter(): Router<AppState, AppContextExtras> {
  const router = new Router<AppState, AppContextExtras>({ prefix: '/api/integrations/slack' });
  router.post('/events', handleEvents);
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
