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

/** `chat.postMessage` with plain mrkdwn text. */
export async function postMessage(opts: SlackClientOptions, channel: string, text: string): Promise<PostMessageResult> {
  const secrets = [opts.token];
  const res = await httpRequest<SlackPostAnswer>({
    service: 'Slack',
    method: 'POST',
    url: `${opts.apiUrl}/chat.postMessage`,
    headers: { Authorization: `Bearer ${opts.token}` },
    json: { channel, text, unfurl_links: false, unfurl_media: false },
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
