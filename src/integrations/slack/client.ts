// The one Slack Web API client. Built on src/lib/http.ts (10-second timeout, typed failures).
// Slack answers most errors with HTTP 200 and `{ok:false, error:"channel_not_found"}`: that is a
// failure too, and Slack's error string is surfaced as is. The bot token travels only in the
// Authorization header and is never logged or put into an error message.
import { httpRequest, parseRetryAfter } from '../../lib/http.js';

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
  /** Human-readable, token-free: Slack's own error string when Slack sent one. */
  error: string;
  /** Slack's `error` field (e.g. `channel_not_found`) when the answer was a Slack error. */
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

interface SlackPostAnswer {
  ok?: boolean;
  error?: string;
  channel?: string;
  ts?: string;
  message?: { team?: string; bot_profile?: { team_id?: string } };
}

/** `chat.postMessage` with plain mrkdwn text. */
export async function postMessage(opts: SlackClientOptions, channel: string, text: string): Promise<PostMessageResult> {
  const res = await httpRequest<SlackPostAnswer>({
    service: 'Slack',
    method: 'POST',
    url: `${opts.apiUrl}/chat.postMessage`,
    headers: { Authorization: `Bearer ${opts.token}` },
    json: { channel, text, unfurl_links: false, unfurl_media: false },
    timeoutMs: opts.timeoutMs,
  });
  if (!res.ok) {
    const body = res.body as SlackPostAnswer | undefined;
    const slackError = typeof body?.error === 'string' ? body.error : undefined;
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
    const slackError = typeof data.error === 'string' && data.error ? data.error : 'unknown_error';
    return {
      ok: false,
      error: `Slack error: ${slackError}`,
      slackError,
      retryable: RETRYABLE_SLACK_ERRORS.has(slackError),
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
