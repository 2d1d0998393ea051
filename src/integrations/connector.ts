// What every connector shares: its integration row (one per provider and user), config with
// named secret fields sealed by src/lib/secrets.ts, save semantics (blank keeps, null clears),
// the common status fields, and the "not configured" result (recording outcomes: ./health.ts).
// Nothing here ever returns a secret.
import { Transaction, UniqueConstraintError } from 'sequelize';
import { isSealed, keyring, SecretDecryptError } from '../lib/secrets.js';
import { db, Integration, type User } from '../models/index.js';
import type { Provider, StoredConfig } from '../models/integration.js';
import type { ConnectorIdentity } from './types.js';

export const NOT_CONFIGURED = 'Integration not configured';
export const notConfigured = () => ({ ok: false as const, error: NOT_CONFIGURED });

export async function findIntegration(provider: Provider, userId: number, transaction?: Transaction): Promise<Integration | null> {
  return Integration.findOne({ where: { provider, user_id: userId }, transaction });
}

/** The active row, or null: the graceful-degradation gate every connector method starts with. */
export async function findActiveIntegration(provider: Provider, userId: number): Promise<Integration | null> {
  const row = await findIntegration(provider, userId);
  return row && row.is_active ? row : null;
}

/**
 * The user's row for a connector, created (inactive, empty config, named after its title) on first
 * use; race-safe. Give the connector's IDENTITY; a bare provider key names the row after the key.
 */
export async function getOrCreateIntegration(
  connector: Pick<ConnectorIdentity, 'provider' | 'title'> | Provider,
  user: Pick<User, 'id'>,
  transaction?: Transaction,
): Promise<Integration> {
  const { provider, title } = typeof connector === 'string' ? { provider: connector, title: connector } : connector;
  const existing = await findIntegration(provider, user.id, transaction);
  if (existing) return existing;
  const create = (t?: Transaction) =>
    Integration.create(
      { provider, user_id: user.id, name: title, is_active: false, config: {}, last_sync_at: null, last_sync_status: null, last_error: null },
      { transaction: t },
    );
  try {
    // Inside a caller's transaction a unique violation would abort it: create under a savepoint.
    return transaction ? await db().transaction({ transaction }, (savepoint) => create(savepoint)) : await create();
  } catch (err) {
    if (err instanceof UniqueConstraintError) return (await findIntegration(provider, user.id, transaction))!;
    throw err;
  }
}

export type SecretState = 'set' | 'not_set' | 'undecryptable';

export function secretState(config: StoredConfig, key: string): SecretState {
  const v = config[key];
  if (v === undefined || v === null || v === '') return 'not_set';
  if (!isSealed(v)) return 'undecryptable';
  try {
    keyring().decrypt(v);
    return 'set';
  } catch {
    return 'undecryptable';
  }
}

export type SecretRead = { ok: true; value: string } | { ok: false; missing: boolean; error: string };

/** Opens a sealed field. A value that cannot be opened is an explicit error, never "". */
export function readSecret(config: StoredConfig, key: string): SecretRead {
  const v = config[key];
  if (v === undefined || v === null || v === '') return { ok: false, missing: true, error: `${key} is not set` };
  try {
    if (!isSealed(v)) throw new SecretDecryptError('stored secret is not in the sealed format; re-enter it');
    return { ok: true, value: keyring().decrypt(v) };
  } catch (err) {
    const message = err instanceof SecretDecryptError ? err.message : 'stored secret cannot be decrypted; re-enter it';
    return { ok: false, missing: false, error: `${key}: ${message}` };
  }
}

export function sealSecret(plain: string): string {
  return keyring().encrypt(plain);
}

/**
 * Merges submitted values over the stored config. For secret keys: `undefined` or "" keeps the
 * stored value, `null` clears it, a string is sealed. Other keys are copied when not undefined
 * (`null` removes the key).
 */
export function mergeConfig(stored: StoredConfig, input: Record<string, unknown>, secretKeys: readonly string[]): StoredConfig {
  const next: StoredConfig = { ...stored };
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (secretKeys.includes(key)) {
      if (value === null) delete next[key];
      else if (typeof value === 'string' && value.trim() !== '') next[key] = sealSecret(value.trim());
      continue;
    }
    if (value === null) delete next[key];
    else next[key] = value;
  }
  return next;
}

/** Config without secret values: each secret key becomes `has_{key}: boolean`. For presenters. */
export function publicConfig(config: StoredConfig, secretKeys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (!secretKeys.includes(k)) out[k] = v;
  for (const k of secretKeys) out[`has_${k}`] = secretState(config, k) === 'set';
  return out;
}

/** Common fields of every status answer. */
export function syncFields(row: Integration | null): { id: number | null; last_sync_at: Date | null; last_sync_status: string | null; last_error: string | null } {
  return {
    id: row?.id ?? null,
    last_sync_at: row?.last_sync_at ?? null,
    last_sync_status: row?.last_sync_status ?? null,
    last_error: row?.last_error ?? null,
  };
}
