// The token lifecycle, in one place. Under a row lock the config is re-read; the access token is
// refreshed only when it expires within five minutes (or Google just rejected it); the new token
// and expiry are merged over the old config, keeping the refresh token when Google sends none.
// Two callers at once (job + button, two instances) wait for each other and refresh once.
// `invalid_grant` marks the row `needs_reconnect` so the job skips it until the user reconnects.
import type { Transaction } from 'sequelize';
import { logger } from '../../lib/logger.js';
import type { Integration } from '../../models/index.js';
import type { StoredConfig } from '../../models/integration.js';
import { NOT_CONFIGURED, readSecret, sealSecret } from '../connector.js';
import { failureChange, successChange } from '../health.js';
import { needsReconnect } from './settings.js';
import { withLockedRow } from './store.js';
import type { GoogleResult } from './client.js';
import type { GoogleDeps, TokenResponse } from './types.js';

export const REFRESH_MARGIN_MS = 5 * 60 * 1000;
export const RECONNECT_MESSAGE = 'Google access has expired or was revoked; reconnect Google Calendar';

export type TokenResult = { ok: true; token: string } | { ok: false; error: string; needsReconnect?: boolean };

/** The stored config with a fresh token pair merged over it. */
export function mergeTokens(config: StoredConfig, tokens: TokenResponse, now = Date.now()): StoredConfig {
  const lifetimeSec = Number(tokens.expires_in) > 0 ? Number(tokens.expires_in) : 3600;
  const next: StoredConfig = {
    ...config,
    access_token: sealSecret(tokens.access_token),
    token_expiry: new Date(now + lifetimeSec * 1000).toISOString(),
  };
  if (tokens.refresh_token) next.refresh_token = sealSecret(tokens.refresh_token);
  return next;
}

function freshToken(config: StoredConfig, rejected: string | undefined): string | null {
  const access = readSecret(config, 'access_token');
  const expiry = Date.parse(String(config.token_expiry ?? ''));
  if (!access.ok || Number.isNaN(expiry) || expiry - Date.now() <= REFRESH_MARGIN_MS) return null;
  return access.value === rejected ? null : access.value;
}

async function markReconnect(row: Integration, t: Transaction, error: string): Promise<TokenResult> {
  await row.update({ config: { ...row.config, needs_reconnect: true }, ...failureChange(row, error, new Date()) }, { transaction: t });
  logger.warn({ integrationId: row.id }, 'google refresh token refused; reconnect needed');
  return { ok: false, error, needsReconnect: true };
}

async function refreshLocked(deps: GoogleDeps, row: Integration, t: Transaction): Promise<TokenResult> {
  const { clientId, clientSecret } = deps.config.google;
  if (!clientId || !clientSecret) return { ok: false, error: 'Google OAuth is not configured (GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET)' };
  const refresh = readSecret(row.config, 'refresh_token');
  if (!refresh.ok) return markReconnect(row, t, `${refresh.error}; ${RECONNECT_MESSAGE}`);
  const res = await deps.client.refreshAccessToken({ refreshToken: refresh.value, clientId, clientSecret });
  if (!res.ok) {
    if (res.oauthError === 'invalid_grant') return markReconnect(row, t, RECONNECT_MESSAGE);
    const error = `Could not refresh the Google access token: ${res.error}`;
    await row.update(failureChange(row, error, new Date()), { transaction: t });
    return { ok: false, error };
  }
  // A refresh Google accepts proves the grant still works.
  await row.update({ config: mergeTokens(row.config, res.data), ...successChange(new Date()) }, { transaction: t });
  logger.info({ integrationId: row.id }, 'google access token refreshed');
  return { ok: true, token: res.data.access_token };
}

/**
 * A usable access token for the row. `rejected` is a token Google just answered 401 to: it is
 * refreshed even when its stored expiry says it is still good (unless another caller already did).
 */
export async function getAccessToken(deps: GoogleDeps, rowId: number, opts: { rejected?: string } = {}): Promise<TokenResult> {
  const result = await withLockedRow(rowId, async (row, t): Promise<TokenResult> => {
    if (!row.is_active) return { ok: false, error: NOT_CONFIGURED };
    if (needsReconnect(row.config)) return { ok: false, error: RECONNECT_MESSAGE, needsReconnect: true };
    const token = freshToken(row.config, opts.rejected);
    return token ? { ok: true, token } : refreshLocked(deps, row, t);
  });
  return result ?? { ok: false, error: NOT_CONFIGURED };
}

export type TokenFailure = { ok: false; kind: 'token'; error: string; needsReconnect?: boolean; status?: undefined };
export type ApiResult<T> = GoogleResult<T> | TokenFailure;

/**
 * Runs one Google API call with a valid token (refreshed first when needed). When Google answers
 * 401 the token is refreshed once under the lock and the call repeated.
 */
export async function callGoogle<T>(deps: GoogleDeps, rowId: number, call: (token: string) => Promise<GoogleResult<T>>): Promise<ApiResult<T>> {
  const first = await getAccessToken(deps, rowId);
  if (!first.ok) return { ...first, kind: 'token' };
  const res = await call(first.token);
  if (res.ok || res.status !== 401) return res;
  const second = await getAccessToken(deps, rowId, { rejected: first.token });
  if (!second.ok) return { ...second, kind: 'token' };
  return call(second.token);
}
