// The one Slack Web API client. Built on src/lib/http.ts (10-second timeout, typed failures).
// Slack answers most errors with HTTP 200 and `{ok:false, error:"channel_not_found"}`: that is a
// failure too. Slack's error string is surfaced only when it looks like a Slack error code; anything
// else (an upstream echoing the request, bot token included) becomes a generic message. The bot
// token travels only in the Authorization header and is never logged or put into an error message.
import { httpRequest, parseRetryAfter, secretRedactor } from '../../lib/http.js';

/** Slack error strings worth retrying; every other `ok:false` is permanent (bad channel, revoked token...). */
const RETRYABLE_SLACK_ERRORS = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'team_added_to_org',
]);

export interface SlackFailure {
  ok: false;
  /** Human-readable, token-free: Slack's error code when Slack sent one, else a generic message. */
  error: string;
  /** Slack's `error` field (e.g. `channel_not_found`) when the answer carried a Slack error code. */
  slackError?: string;
  retryable: boolean;
  retryAfterSec?: number;
  status?: number;
}

export interface PostedMessage {
  ok: true;
  channel: string | null;
  ts: string | null;
  /** The workspace (team) id Slack reports for the posted message, when present. */
  team: string | null;
}

export type PostMessageResult = PostedMessage | SlackFailure;

export interface SlackClientOptions {
  apiUrl: string;
  token: string;
  timeoutMs?: number;
}

/** Slack error codes (`channel_not_found`, `not_authed`...); nothing else from an answer is shown. */
const SLACK_ERROR_CODE = /^[a-z0-9_.]+$/;
const GENERIC_ERROR = 'Slack rejected the request';

/** Slack's `error` field when it is a Slack error code that contains none of the request's secrets. */
function slackErrorCode(value: unknown, secrets: string[]): string | undefined {
  if (typeof value !== 'string' || value.length > 100 || !SLACK_ERROR_CODE.test(value)) return undefined;
  return secretRedactor(secrets).text(value) === value ? value : undefined;
}

interface SlackPostAnswer {
  ok?: boolean;
  error?: string;
  channel?: string;
  ts?: string;
  message?: { team?: string; bot_profile?: { team_id?: string } };
}

/** `chat.postMessage` with mrkdwn text (the notification fallback) and optional Block Kit blocks. */
export async function postMessage(opts: SlackClientOptions, channel: string, text: string, blocks?: readonly unknown[]): Promise<PostMessageResult> {
  const secrets = [opts.token];
  const res = await httpRequest<SlackPostAnswer>({
    service: 'Slack',
    method: 'POST',
    url: `${opts.apiUrl}/chat.postMessage`,
    headers: { Authorization: `Bearer ${opts.token}` },
    json: { channel, text, ...(blocks && blocks.length ? { blocks } : {}), unfurl_links: false, unfurl_media: false },
    timeoutMs: opts.timeoutMs,
    secrets,
  });
  if (!res.ok) {
    const body = res.body as SlackPostAnswer | undefined;
    const slackError = slackErrorCode(body?.error, secrets);
    const status = res.status;
    const retryable = res.kind !== 'http' || status === 429 || (status !== undefined && status >= 500) || status === 408;
    return {
      ok: false,
      error: slackError ? `Slack error: ${slackError}` : res.error,
      slackError,
      retryable,
      retryAfterSec: res.retryAfterSec,
      status,
    };
  }
  const data = res.data ?? {};
  if (data.ok !== true) {
    const code = slackErrorCode(data.error, secrets);
    const slackError = code ?? (data.error === undefined || data.error === '' ? 'unknown_error' : undefined);
    return {
      ok: false,
      error: slackError ? `Slack error: ${slackError}` : GENERIC_ERROR,
      slackError,
      retryable: slackError !== undefined && RETRYABLE_SLACK_ERRORS.has(slackError),
      retryAfterSec: slackError === 'ratelimited' ? parseRetryAfter(res.headers) : undefined,
      status: res.status,
    };
  }
  return {
    ok: true,
    channel: data.channel ?? null,
    ts: data.ts ?? null,
    team: data.message?.team ?? data.message?.bot_profile?.team_id ?? null,
  };
}

/** Where a `response_url` may point: Slack's hooks host, or the configured Slack API origin (tests, proxies). */
export function isAllowedResponseUrl(value: unknown, apiUrl: string): value is string {
  if (typeof value !== 'string' || value.length > 2000) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:' && url.hostname === 'hooks.slack.com' && (url.port === '' || url.port === '443')) return true;
  return url.origin === new URL(apiUrl).origin;
}

export interface ResponseMessage {
  text: string;
  blocks?: readonly unknown[];
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
}

export type RespondResult = { ok: true } | SlackFailure;

/**
 * Posts a message to an interaction's `response_url` (valid for 30 minutes, no token needed: the
 * URL is the credential, so it is treated as a secret in logs). Refuses any URL that is not
 * Slack's (isAllowedResponseUrl), so a forged payload cannot make the server post elsewhere.
 */
export async function respond(opts: { apiUrl: string; timeoutMs?: number }, responseUrl: string, message: ResponseMessage): Promise<RespondResult> {
  if (!isAllowedResponseUrl(responseUrl, opts.apiUrl)) return { ok: false, error: 'response_url is not a Slack URL', retryable: false };
  const secrets = [new URL(responseUrl).pathname];
  const res = await httpRequest<{ ok?: boolean; error?: string } | null>({
    service: 'Slack',
    method: 'POST',
    url: responseUrl,
    json: message,
    timeoutMs: opts.timeoutMs,
    secrets,
    // Slack answers a response_url with the plain text "ok".
    allowEmpty: true,
  });
  if (!res.ok) {
    const slackError = slackErrorCode((res.body as { error?: unknown } | undefined)?.error, secrets);
    return { ok: false, error: slackError ? `Slack error: ${slackError}` : res.error, slackError, retryable: false, status: res.status };
  }
  if (res.data && typeof res.data === 'object' && res.data.ok === false) {
    const slackError = slackErrorCode(res.data.error, secrets);
    return { ok: false, error: slackError ? `Slack error: ${slackError}` : GENERIC_ERROR, slackError, retryable: false, status: res.status };
  }
  return { ok: true };
}
