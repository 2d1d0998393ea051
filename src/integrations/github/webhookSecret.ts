// The per-integration webhook secret: generated on first save (32 random bytes, base64url),
// revealed to its owner so it can be pasted into GitHub, and rotated with a grace period during
// which the previous secret still verifies (GitHub keeps signing with the old one until the user
// pastes the new secret into the webhook settings).
import crypto from 'node:crypto';
import { conflict, notFound } from '../../errors.js';
import { logger } from '../../lib/logger.js';
import { db, Integration, type User } from '../../models/index.js';
import type { StoredConfig } from '../../models/integration.js';
import { findIntegration, NOT_CONFIGURED, readSecret, sealSecret, secretState } from '../connector.js';

export const ROTATED_AT_KEY = 'webhook_secret_rotated_at';
export const ROTATION_GRACE_MS = 24 * 3600 * 1000;

export function generateWebhookSecret(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** The config with a freshly generated webhook secret when none is stored. */
export function ensureWebhookSecret(config: StoredConfig): StoredConfig {
  if (secretState(config, 'webhook_secret') !== 'not_set') return config;
  return { ...config, webhook_secret: sealSecret(generateWebhookSecret()) };
}

/** New secret; the current one (when readable) stays valid as the previous secret for the grace period. */
export function rotateWebhookSecret(config: StoredConfig, now: Date = new Date()): StoredConfig {
  const next: StoredConfig = { ...config, webhook_secret: sealSecret(generateWebhookSecret()) };
  if (secretState(config, 'webhook_secret') === 'set') {
    next.previous_webhook_secret = config.webhook_secret;
    next[ROTATED_AT_KEY] = now.toISOString();
  } else {
    delete next.previous_webhook_secret;
    delete next[ROTATED_AT_KEY];
  }
  return next;
}

export interface CandidateSecrets {
  secrets: string[];
  /** Why a stored secret could not be used (never the secret itself). */
  problems: string[];
}

/** The secrets a delivery may be signed with at `now`: the current one, plus the previous one during the grace period. */
export function candidateSecrets(config: StoredConfig, now: Date = new Date()): CandidateSecrets {
  const out: CandidateSecrets = { secrets: [], problems: [] };
  const current = readSecret(config, 'webhook_secret');
  if (current.ok) out.secrets.push(current.value);
  else if (!current.missing) out.problems.push(current.error);
  const rotatedAt = Date.parse(String(config[ROTATED_AT_KEY] ?? ''));
  if (Number.isFinite(rotatedAt) && now.getTime() - rotatedAt < ROTATION_GRACE_MS) {
    const previous = readSecret(config, 'previous_webhook_secret');
    if (previous.ok) out.secrets.push(previous.value);
  }
  return out;
}

export interface RevealedSecret {
  webhook_secret: string;
  rotated: boolean;
  previous_valid_until: string | null;
}

/**
 * Reveals the owner's webhook secret; with `regenerate` (or when none is stored yet) rotates it
 * first. The row is locked so two rotations at once cannot lose the previous secret.
 */
export async function revealWebhookSecret(user: User, regenerate: boolean, now: Date = new Date()): Promise<RevealedSecret> {
  const existing = await findIntegration('github_connector', user.id);
  if (!existing) throw notFound(NOT_CONFIGURED);
  let rotated = false;
  const row = await db().transaction(async (transaction) => {
    const locked = (await Integration.findByPk(existing.id, { transaction, lock: transaction.LOCK.UPDATE }))!;
    if (regenerate || secretState(locked.config, 'webhook_secret') === 'not_set') {
      await locked.update({ config: rotateWebhookSecret(locked.config, now) }, { transaction });
      logger.info({ integration_id: locked.id }, 'github webhook secret rotated');
      rotated = true;
    }
    return locked;
  });
  const secret = readSecret(row.config, 'webhook_secret');
  if (!secret.ok) throw conflict(`${secret.error} (use Regenerate to create a new webhook secret)`);
  const rotatedAt = Date.parse(String(row.config[ROTATED_AT_KEY] ?? ''));
  const validUntil = Number.isFinite(rotatedAt) ? new Date(rotatedAt + ROTATION_GRACE_MS) : null;
  return {
    webhook_secret: secret.value,
    rotated,
    previous_valid_until: validUntil && validUntil > now ? validUntil.toISOString() : null,
  };
}
