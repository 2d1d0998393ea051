// Shared builders for the Slack connector tests: integration rows with sealed secrets, signed
// slash-command and Events API requests, and a nock scope for the Slack Web API.
import nock from 'nock';
import { mergeConfig } from '../../../src/integrations/connector.js';
import { SECRET_KEYS } from '../../../src/integrations/slack/settings.js';
import { signatureHeader } from '../../../src/integrations/slack/verifyRequest.js';
import { Integration, type User } from '../../../src/models/index.js';
import type { TestClient, TestResponse } from '../../support/server.js';

export const SLACK_HOST = 'https://slack.test';
export const SLACK_API = `${SLACK_HOST}/api`;
export const SLACK_ENV = { SLACK_API_URL: SLACK_API };
export const EVENTS = '/api/integrations/slack/events';
export const BOT_TOKEN = 'xoxb-test-1234567890-abcdefghijkl';
export const SECRET = 'shared-signing-secret-0123456789abcdef';

export interface SlackRowOptions {
  botToken?: string | null;
  signingSecret?: string | null;
  channel?: string | null;
  linked?: string | null;
  team?: string | null;
  notifyOnStart?: boolean;
  notifyOnStop?: boolean;
  dailySummary?: boolean;
  time?: string;
}

export async function makeSlackIntegration(user: User, o: SlackRowOptions = {}): Promise<Integration> {
  const botToken = o.botToken === undefined ? BOT_TOKEN : o.botToken;
  const input: Record<string, unknown> = {
    bot_token: botToken ?? undefined,
    signing_secret: o.signingSecret === undefined ? SECRET : o.signingSecret ?? undefined,
    channel_id: o.channel === undefined ? '#time' : o.channel ?? undefined,
    linked_slack_user_id: o.linked ?? undefined,
    slack_team_id: o.team ?? undefined,
    notify_on_start: o.notifyOnStart,
    notify_on_stop: o.notifyOnStop,
    daily_summary: o.dailySummary,
    daily_summary_time: o.time,
  };
  return Integration.create({
    provider: 'slack_connector',
    user_id: user.id,
    name: 'Slack',
    is_active: Boolean(botToken),
    config: mergeConfig({}, input, SECRET_KEYS),
    last_sync_at: null,
    last_sync_status: null,
    last_error: null,
  });
}

export const nowSec = () => String(Math.floor(Date.now() / 1000));

let triggers = 0;

export function commandBody(fields: { userId: string; text?: string; teamId?: string }): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: fields.teamId ?? 'T0TEAM1',
    team_domain: 'acme',
    channel_id: 'C0CHAN1',
    channel_name: 'general',
    user_id: fields.userId,
    user_name: 'someone',
    command: '/tt',
    text: fields.text ?? '',
    api_app_id: 'A0APP1',
    response_url: 'https://hooks.slack.test/commands/T0TEAM1/1/abc',
    trigger_id: `${Date.now()}.${++triggers}.abc`,
  }).toString();
}

export function signedHeaders(secret: string, body: string, opts: { ts?: string; json?: boolean } = {}): Record<string, string> {
  const ts = opts.ts ?? nowSec();
  return {
    'Content-Type': opts.json ? 'application/json' : 'application/x-www-form-urlencoded',
    'X-Slack-Request-Timestamp': ts,
    'X-Slack-Signature': signatureHeader(secret, ts, body),
  };
}

/** Sends `/tt {text}` as Slack would, signed with `secret`. */
export function slash(client: TestClient, userId: string, text: string, opts: { secret?: string; teamId?: string } = {}): Promise<TestResponse> {
  const body = commandBody({ userId, text, teamId: opts.teamId });
  return client.post(EVENTS, undefined, { body, headers: signedHeaders(opts.secret ?? SECRET, body) });
}

export interface PostedMessage {
  channel: string;
  text: string;
  auth: string;
}

/** Intercepts chat.postMessage, answering `ok:true`, and records every call. */
export function slackAccepts(posted: PostedMessage[], opts: { times?: number; delayMs?: number; team?: string } = {}) {
  const scope = nock(SLACK_HOST)
    .post('/api/chat.postMessage')
    .times(opts.times ?? 1)
    .delay(opts.delayMs ?? 0)
    .reply(function (_uri, body) {
      const b = body as { channel: string; text: string };
      posted.push({ channel: b.channel, text: b.text, auth: String(this.req.headers.authorization ?? '') });
      return [200, { ok: true, channel: 'C0CHAN1', ts: '1700000000.000100', message: { team: opts.team ?? 'T0TEAM1', text: b.text } }];
    });
  return scope;
}

export const INTERACTIONS = '/api/integrations/slack/interactions';
/** A response_url on the configured Slack API origin (the server accepts it in tests, like hooks.slack.com). */
export const RESPONSE_PATH = '/actions/T0TEAM1/1234567890/response-url-secret-abcdef';
export const RESPONSE_URL = `${SLACK_HOST}${RESPONSE_PATH}`;

export interface ClickOptions {
  userId: string;
  actionId: string;
  value?: string;
  selected?: string;
  triggerId?: string;
  responseUrl?: string | null;
  messageText?: string;
  teamId?: string;
  /** A timepicker's HH:MM (sets the action's type to timepicker). */
  selectedTime?: string;
  blockId?: string;
}

/** A block_actions payload as Slack sends it for one click. */
export function clickPayload(o: ClickOptions): Record<string, unknown> {
  const type = o.selectedTime !== undefined ? 'timepicker' : o.selected ? 'static_select' : 'button';
  const action: Record<string, unknown> = { action_id: o.actionId, block_id: o.blockId ?? 'b1', type, action_ts: `${Date.now() / 1000}` };
  if (o.selectedTime !== undefined) action.selected_time = o.selectedTime;
  if (o.value !== undefined) action.value = o.value;
  if (o.selected !== undefined) action.selected_option = { text: { type: 'plain_text', text: 'x' }, value: o.selected };
  return {
    type: 'block_actions',
    user: { id: o.userId, username: 'someone', team_id: o.teamId ?? 'T0TEAM1' },
    api_app_id: 'A0APP1',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0CHAN1', is_ephemeral: false },
    trigger_id: o.triggerId ?? `${Date.now()}.${++triggers}.click`,
    team: { id: o.teamId ?? 'T0TEAM1', domain: 'acme' },
    channel: { id: 'C0CHAN1', name: 'time' },
    ...(o.messageText !== undefined ? { message: { type: 'message', text: o.messageText, ts: '1700000000.000100' } } : {}),
    ...(o.responseUrl === null ? {} : { response_url: o.responseUrl ?? RESPONSE_URL }),
    actions: [action],
  };
}

export const interactionBody = (payload: unknown): string => new URLSearchParams({ payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }).toString();

/** Posts a signed interaction body as Slack would. */
export function postInteraction(client: TestClient, body: string, opts: { secret?: string; headers?: Record<string, string> } = {}): Promise<TestResponse> {
  return client.post(INTERACTIONS, undefined, { body, headers: opts.headers ?? signedHeaders(opts.secret ?? SECRET, body) });
}

/** Intercepts the response_url follow-ups, recording every message; `next()` waits for the next one. */
export function responseUrlCatcher(opts: { hold?: Promise<void> } = {}) {
  const messages: Array<Record<string, unknown>> = [];
  const waiters: Array<(m: Record<string, unknown>) => void> = [];
  let received = 0;
  let consumed = 0;
  const scope = nock(SLACK_HOST)
    .post(RESPONSE_PATH)
    .times(20)
    .reply(async (_uri, body) => {
      received += 1;
      if (opts.hold) await opts.hold;
      const m = body as Record<string, unknown>;
      messages.push(m);
      const waiter = waiters.shift();
      if (waiter) {
        consumed += 1;
        waiter(m);
      }
      return [200, 'ok', { 'Content-Type': 'text/plain' }];
    });
  return {
    scope,
    messages,
    received: () => received,
    next: (): Promise<Record<string, unknown>> =>
      consumed < messages.length ? Promise.resolve(messages[consumed++]) : new Promise((resolve) => waiters.push(resolve)),
  };
}
