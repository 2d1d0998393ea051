// The OAuth 2.0 web-server flow: the authorization URL (offline access, forced consent, PKCE S256,
// single-use state), the callback (state, code exchange, granted scopes, email, encrypted tokens),
// and disconnect (revoke at Google, wipe tokens, keep preferences).
import type { CoreConfig } from '../../config.js';
import { logger } from '../../lib/logger.js';
import type { User } from '../../models/index.js';
import type { StoredConfig } from '../../models/integration.js';
import { findIntegration, getOrCreateIntegration, NOT_CONFIGURED, readSecret, secretState } from '../connector.js';
import { successChange } from '../health.js';
import { IDENTITY, PROVIDER, REQUIRED_SCOPE, SCOPES } from './settings.js';
import { consumeState, createState } from './oauthState.js';
import { withLockedRow } from './store.js';
import { mergeTokens } from './tokens.js';
import type { GoogleDeps, TokenResponse } from './types.js';

export const redirectUri = (config: Readonly<CoreConfig>) => `${config.baseUrl}/integrations/google/callback`;

/** Config keys that belong to a connection (wiped on disconnect); everything else is a preference. */
const CONNECTION_KEYS = ['access_token', 'refresh_token', 'token_expiry', 'email', 'needs_reconnect', 'connected_at'];

export type ConnectOutcome = { ok: true; email: string | null } | { ok: false; error: string };

/** Creates a state for the user's session and returns the Google authorization URL. */
export async function authorizationUrl(deps: GoogleDeps, userId: number, sessionNonce: string): Promise<string> {
  const { state, codeChallenge } = await createState(deps.sequelize, userId, sessionNonce);
  const url = new URL(deps.config.google.authUrl);
  url.search = new URLSearchParams({
    client_id: deps.config.google.clientId ?? '',
    redirect_uri: redirectUri(deps.config),
    response_type: 'code',
    scope: SCOPES.join(' '),
    access_type: 'offline',
    prompt: 'consent',
    include_granted_scopes: 'true',
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
  }).toString();
  return url.toString();
}

export interface CallbackQuery {
  code?: string;
  state?: string;
  error?: string;
}

const grantedScopes = (tokens: TokenResponse) => (tokens.scope ?? '').split(/\s+/).filter(Boolean);

/** The email from userinfo, else from the id_token's claims (received directly from Google over TLS). */
async function accountEmail(deps: GoogleDeps, tokens: TokenResponse): Promise<string | null> {
  const info = await deps.client.getUserInfo(tokens.access_token);
  if (info.ok && typeof info.data?.email === 'string') return info.data.email;
  try {
    const claims = JSON.parse(Buffer.from(String(tokens.id_token).split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof claims.email === 'string' ? claims.email : null;
  } catch {
    logger.warn({ reason: info.ok ? 'no email' : info.error }, 'google account email unavailable');
    return null;
  }
}

async function storeConnection(user: User, tokens: TokenResponse, email: string | null): Promise<ConnectOutcome> {
  const row = await getOrCreateIntegration(IDENTITY, user);
  const saved = await withLockedRow(row.id, async (locked, t): Promise<ConnectOutcome> => {
    if (!tokens.refresh_token && secretState(locked.config, 'refresh_token') !== 'set') {
      return { ok: false, error: 'Google sent no refresh token. Remove TimeTracker under myaccount.google.com/permissions and connect again.' };
    }
    const config: StoredConfig = { ...mergeTokens(locked.config, tokens), email };
    delete config.needs_reconnect;
    config.connected_at ??= new Date().toISOString();
    // Google just exchanged the code and answered for the account: the connection is verified.
    await locked.update({ config, is_active: true, ...successChange(new Date()) }, { transaction: t });
    return { ok: true, email };
  });
  return saved ?? { ok: false, error: NOT_CONFIGURED };
}

/** Handles Google's redirect back. Nothing is stored unless every check passes. */
export async function completeConnection(deps: GoogleDeps, user: User, q: CallbackQuery, sessionNonce: string | undefined): Promise<ConnectOutcome> {
  const { clientId, clientSecret } = deps.config.google;
  if (!clientId || !clientSecret) return { ok: false, error: 'Google OAuth is not configured on this server' };
  const verifier = await consumeState(deps.sequelize, q.state ?? '', user.id, sessionNonce);
  if (q.error) return { ok: false, error: `Google sign-in was not completed (${q.error.slice(0, 100)})` };
  if (!verifier) return { ok: false, error: 'This sign-in link is invalid, expired or already used; connect again' };
  if (!q.code) return { ok: false, error: 'Google sent no authorization code; connect again' };
  const exchanged = await deps.client.exchangeCode({ code: q.code, codeVerifier: verifier, redirectUri: redirectUri(deps.config), clientId, clientSecret });
  if (!exchanged.ok) return { ok: false, error: `Google did not accept the sign-in: ${exchanged.error}` };
  if (!grantedScopes(exchanged.data).includes(REQUIRED_SCOPE)) {
    return { ok: false, error: 'Calendar access was not granted; connect again and allow TimeTracker to view and edit your calendar events' };
  }
  return storeConnection(user, exchanged.data, await accountEmail(deps, exchanged.data));
}

export type DisconnectOutcome = { ok: true; revoked: boolean; message: string } | { ok: false; error: string };

/** Revokes the grant at Google (best effort), wipes tokens and export records, keeps preferences. */
export async function disconnect(deps: GoogleDeps, user: User): Promise<DisconnectOutcome> {
  const row = await findIntegration(PROVIDER, user.id);
  if (!row) return { ok: false, error: NOT_CONFIGURED };
  const stored = readSecret(row.config, 'refresh_token');
  const token = stored.ok ? stored : readSecret(row.config, 'access_token');
  const res = token.ok ? await deps.client.revokeToken(token.value) : null;
  const revoked = res !== null && (res.ok || res.oauthError === 'invalid_token');
  await withLockedRow(row.id, async (locked, transaction) => {
    const config = { ...locked.config };
    for (const key of CONNECTION_KEYS) delete config[key];
    await locked.update({ config, is_active: false }, { transaction });
    await deps.sequelize.query('DELETE FROM calendar_exports WHERE integration_id = $1', { bind: [row.id], transaction });
  });
  if (res === null || revoked) return { ok: true, revoked, message: 'Google Calendar disconnected' };
  logger.warn({ integrationId: row.id, error: res.ok ? null : res.error }, 'google revoke failed; tokens wiped locally');
  const message = 'Google Calendar disconnected here, but Google did not confirm the revocation; remove access at myaccount.google.com/permissions';
  return { ok: true, revoked, message };
}
