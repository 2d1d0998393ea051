// OAuth `state` and PKCE for the connect flow. Only sha256(state) is stored, bound to the user and
// to a random nonce kept in their session, with a 10-minute lifetime; the PKCE code_verifier is
// sealed at rest. Consuming a state is a single UPDATE ... RETURNING, so it works exactly once.
import crypto from 'node:crypto';
import { QueryTypes, type Sequelize } from 'sequelize';
import { readSecret, sealSecret } from '../connector.js';
import { PROVIDER } from './settings.js';

export const STATE_TTL_MINUTES = 10;

export const sha256Hex = (value: string) => crypto.createHash('sha256').update(value).digest('hex');
export const randomToken = () => crypto.randomBytes(32).toString('base64url');
export const pkceChallenge = (verifier: string) => crypto.createHash('sha256').update(verifier).digest('base64url');

export interface NewState {
  state: string;
  codeChallenge: string;
}

export async function createState(sequelize: Sequelize, userId: number, sessionNonce: string): Promise<NewState> {
  const state = randomToken();
  const verifier = randomToken();
  await sequelize.query(
    `INSERT INTO oauth_states (state_hash, provider, user_id, session_hash, code_verifier, expires_at)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(mins => $6))`,
    { bind: [sha256Hex(state), PROVIDER, userId, sha256Hex(sessionNonce), sealSecret(verifier), STATE_TTL_MINUTES] },
  );
  return { state, codeChallenge: pkceChallenge(verifier) };
}

/**
 * Marks the state used and returns its code_verifier, or null when the state is unknown, expired,
 * already used, or belongs to another user or session (a foreign attempt cannot burn it).
 */
export async function consumeState(sequelize: Sequelize, state: string, userId: number, sessionNonce: string | undefined): Promise<string | null> {
  if (!state || !sessionNonce) return null;
  const rows = await sequelize.query<{ code_verifier: string }>(
    `UPDATE oauth_states SET used_at = now()
      WHERE state_hash = $1 AND provider = $2 AND user_id = $3 AND session_hash = $4
        AND used_at IS NULL AND expires_at > now()
      RETURNING code_verifier`,
    { bind: [sha256Hex(state), PROVIDER, userId, sha256Hex(sessionNonce)], type: QueryTypes.SELECT },
  );
  if (rows.length === 0) return null;
  const verifier = readSecret({ v: rows[0].code_verifier }, 'v');
  return verifier.ok ? verifier.value : null;
}
