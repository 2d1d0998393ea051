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
