// The Google HTTP client: OAuth token endpoint, revocation, userinfo and the Calendar v3 calls the
// connector needs. Built on src/lib/http.ts (10-second timeout, typed failures); base URLs come
// from configuration. Every function answers a GoogleResult and never throws for a remote failure.
// Each request names its secrets (access token, client secret, refresh token, code, verifier), so
// a failure's error and body arrive here already redacted; explain() only reads those fields.
import type { CoreConfig } from '../../config.js';
import { httpRequest, type HttpFailure, type HttpResult } from '../../lib/http.js';
import type { GoogleEvent, GoogleEventList, TokenResponse, UserInfo } from './types.js';

const SERVICE = 'Google';

export type GoogleFailure = HttpFailure & { oauthError?: string };
export type GoogleResult<T> = { ok: true; data: T; status: number } | GoogleFailure;

export interface GoogleClientOptions {
  /** Overrides the 10-second default (tests use a short one). */
  timeoutMs?: number;
}

export interface ListEventsQuery {
  timeMin?: string;
  timeMax?: string;
  pageToken?: string;
  maxResults?: number;
}

type GoogleUrls = CoreConfig['google'];

/**
 * Google's own explanation of a failure: `{error:{message}}` (APIs) or `{error, error_description}`
 * (OAuth). `res` comes from httpRequest with the request's secrets, so its body is already redacted.
 */
function explain(res: HttpFailure): GoogleFailure {
  const body = res.body as { error?: unknown; error_description?: unknown } | undefined;
  if (!body || typeof body !== 'object') return res;
  if (typeof body.error === 'string') {
    const detail = typeof body.error_description === 'string' ? `: ${body.error_description}` : '';
    return { ...res, oauthError: body.error, error: `${res.error} (${body.error}${detail})` };
  }
  const message = (body.error as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? { ...res, error: `${res.error}: ${message}` } : res;
}

function finish<T>(res: HttpResult<T>): GoogleResult<T> {
  return res.ok ? { ok: true, data: res.data, status: res.status } : explain(res);
}

export function createGoogleClient(urls: GoogleUrls, opts: GoogleClientOptions = {}) {
  const timeoutMs = opts.timeoutMs;
  /** The Authorization header and the token as the request's secret. */
  const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` }, secrets: [token] });
  const calendarUrl = (calendarId: string, rest = '') => `${urls.calendarApiUrl}/calendars/${encodeURIComponent(calendarId)}${rest}`;
  const eventUrl = (calendarId: string, eventId: string) => calendarUrl(calendarId, `/events/${encodeURIComponent(eventId)}`);

  /** Every value of a token request but the grant type, client id and redirect URI is a secret. */
  async function tokenRequest(form: Record<string, string>): Promise<GoogleResult<TokenResponse>> {
    const secrets = Object.entries(form).filter(([k]) => k !== 'grant_type' && k !== 'client_id' && k !== 'redirect_uri').map(([, v]) => v);
    const res = finish(await httpRequest<TokenResponse>({ method: 'POST', url: urls.tokenUrl, form, timeoutMs, service: SERVICE, secrets }));
    if (res.ok && (typeof res.data?.access_token !== 'string' || !res.data.access_token)) {
      return { ok: false, kind: 'invalid_json', status: res.status, error: 'Google sent a token answer without an access token' };
    }
    return res;
  }

  return {
    urls,

    exchangeCode(p: { code: string; codeVerifier: string; redirectUri: string; clientId: string; clientSecret: string }) {
      return tokenRequest({
        grant_type: 'authorization_code',
        code: p.code,
        code_verifier: p.codeVerifier,
        redirect_uri: p.redirectUri,
        client_id: p.clientId,
        client_secret: p.clientSecret,
      });
    },

    refreshAccessToken(p: { refreshToken: string; clientId: string; clientSecret: string }) {
      return tokenRequest({ grant_type: 'refresh_token', refresh_token: p.refreshToken, client_id: p.clientId, client_secret: p.clientSecret });
    },

    async revokeToken(token: string): Promise<GoogleResult<null>> {
      return finish(await httpRequest<null>({ method: 'POST', url: urls.revokeUrl, form: { token }, timeoutMs, service: SERVICE, allowEmpty: true, secrets: [token] }));
    },

    async getUserInfo(accessToken: string): Promise<GoogleResult<UserInfo>> {
      return finish(await httpRequest<UserInfo>({ url: urls.userinfoUrl, ...bearer(accessToken), timeoutMs, service: SERVICE }));
    },

    async listEvents(accessToken: string, calendarId: string, q: ListEventsQuery): Promise<GoogleResult<GoogleEventList>> {
      const query = { singleEvents: true, orderBy: 'startTime', maxResults: q.maxResults ?? 250, timeMin: q.timeMin, timeMax: q.timeMax, pageToken: q.pageToken };
      const res = finish(await httpRequest<GoogleEventList>({ url: calendarUrl(calendarId, '/events'), query, ...bearer(accessToken), timeoutMs, service: SERVICE }));
      if (res.ok && res.data?.items !== undefined && !Array.isArray(res.data.items)) {
        return { ok: false, kind: 'invalid_json', status: res.status, error: 'Google sent an event list without an item array' };
      }
      return res;
    },

    async insertEvent(accessToken: string, calendarId: string, event: GoogleEvent): Promise<GoogleResult<GoogleEvent>> {
      return finish(await httpRequest<GoogleEvent>({ method: 'POST', url: calendarUrl(calendarId, '/events'), json: event, ...bearer(accessToken), timeoutMs, service: SERVICE }));
    },

    async patchEvent(accessToken: string, calendarId: string, eventId: string, event: GoogleEvent): Promise<GoogleResult<GoogleEvent>> {
      return finish(await httpRequest<GoogleEvent>({ method: 'PATCH', url: eventUrl(calendarId, eventId), json: event, ...bearer(accessToken), timeoutMs, service: SERVICE }));
    },
  };
}

export type GoogleClient = ReturnType<typeof createGoogleClient>;
