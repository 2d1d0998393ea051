// A connector's health, recorded on its row and read by every status answer. The rule: a connector
// is Connected only after it proved it works (a passing connection test or a successful use); a
// failed test or use records the reason (`last_error`, secrets scrubbed) and its time, and the
// state is Error until a success clears it; saved credentials nobody has tried yet are
// "not verified". Nothing here ever returns a secret.
import { scrubText } from '../lib/logger.js';
import { isSealed } from '../lib/secrets.js';
import { db, Integration } from '../models/index.js';
import type { SyncStatus } from '../models/integration.js';
import { readSecret, secretState } from './connector.js';

export const HEALTH_STATES = ['not_connected', 'not_verified', 'connected', 'reconnect', 'error'] as const;
export type HealthState = (typeof HEALTH_STATES)[number];

/** Plain words for each state (the Integrations list in the panel, docs). */
export const HEALTH_LABELS: Record<HealthState, string> = {
  not_connected: 'Not connected',
  not_verified: 'Not verified yet',
  connected: 'Connected',
  reconnect: 'Reconnect needed',
  error: 'Error',
};

/**
 * Successful uses that happen on every request (webhook deliveries, slash commands, sent messages)
 * refresh `last_success_at` at most this often. They write with plain SQL: no Sequelize hook, and
 * the change-notify trigger ignores these columns (migration 0008), so the GitHub routing cache
 * stays warm.
 */
export const USE_REFRESH_MS = 10 * 60 * 1000;
const MAX_ERROR = 2000;

type HealthColumns = Pick<Integration, 'last_error' | 'last_error_at' | 'last_success_at'>;
type RowRef = Pick<Integration, 'id'> & Partial<HealthColumns> & Partial<Pick<Integration, 'provider' | 'config'>>;

/**
 * The text stored as last_error: token-shaped strings and the row's own secret values removed. Every
 * sealed value of the config is a secret, whichever connector wrote it.
 */
export function scrubReason(row: Partial<Pick<Integration, 'provider' | 'config'>>, reason: string): string {
  let text = scrubText(reason);
  const config = row.config ?? {};
  for (const key of Object.keys(config).filter((k) => isSealed(config[k]))) {
    const secret = readSecret(config, key);
    if (secret?.ok && secret.value.length >= 6) text = text.split(secret.value).join('[redacted]');
  }
  return text.slice(0, MAX_ERROR);
}

export const successChange = (at: Date): HealthColumns => ({ last_success_at: at, last_error: null, last_error_at: null });

export const failureChange = (row: Partial<Pick<Integration, 'provider' | 'config'>>, reason: string, at: Date): Pick<HealthColumns, 'last_error' | 'last_error_at'> => ({
  last_error: scrubReason(row, reason),
  last_error_at: at,
});

/** Column changes for the outcome of a sync: a partial sync proved the connection but still failed somewhere. */
export function syncChange(row: Partial<Pick<Integration, 'provider' | 'config'>>, status: SyncStatus, error: string | null, at: Date) {
  const base = { last_sync_at: at, last_sync_status: status };
  if (status === 'success' || !error) return { ...base, ...successChange(at) };
  if (status === 'partial') return { ...base, last_success_at: at, ...failureChange(row, error, at) };
  return { ...base, ...failureChange(row, error, at) };
}

async function write(row: RowRef, change: Partial<Integration>, silent = false): Promise<void> {
  if (row instanceof Integration) await row.update(change, { silent });
  else await Integration.update(change, { where: { id: row.id }, silent });
}

/** Records the outcome of a sync (or any run) on the row. */
export async function recordSync(row: Integration, status: SyncStatus, error: string | null, at: Date = new Date()): Promise<void> {
  await write(row, syncChange(row, status, error, at));
}

/** A failed test or use: the reason (secrets scrubbed) and its time; the state becomes Error. */
export async function recordFailure(row: Integration, reason: string, at: Date = new Date()): Promise<void> {
  await write(row, failureChange(row, reason, at));
}

/** A passing connection test, a sync, a token refresh: proves the stored credentials, clears the error. */
export async function recordSuccess(row: RowRef, at: Date = new Date()): Promise<void> {
  await write(row, successChange(at));
}

const recent = (at: Date | string | null | undefined, now: Date) => at != null && now.getTime() - new Date(at).getTime() < USE_REFRESH_MS;

/**
 * A successful everyday use (message sent, webhook delivered, slash command answered), written at
 * most every USE_REFRESH_MS. `clearsError: false` for uses that do not exercise the credential an
 * earlier error may be about: a GitHub webhook or a Slack command proves the signing secret, not
 * the token.
 */
export async function recordUse(row: RowRef, opts: { clearsError: boolean; at?: Date }): Promise<void> {
  const at = opts.at ?? new Date();
  const clears = opts.clearsError && row.last_error != null;
  if (!clears && recent(row.last_success_at, at)) return;
  const set = clears ? 'last_success_at = $2, last_error = NULL, last_error_at = NULL' : 'last_success_at = $2';
  await db().query(`UPDATE integrations SET ${set} WHERE id = $1`, { bind: [row.id, at.toISOString()] });
  // Keep the caller's copy (a cached routing candidate) in step, so the next use does not write again.
  if (!(row instanceof Integration)) Object.assign(row, clears ? successChange(at) : { last_success_at: at });
}

/** What decides the state besides the row: configured at all, a Google reconnect, a stored secret that does not open. */
export interface HealthFacts {
  configured: boolean;
  reconnect?: boolean;
  problem?: string | null;
}

export function healthState(row: Partial<HealthColumns> | null, facts: HealthFacts): HealthState {
  if (!row) return 'not_connected';
  if (facts.problem) return 'error';
  if (!facts.configured) return 'not_connected';
  if (facts.reconnect) return 'reconnect';
  if (row.last_error) return 'error';
  return row.last_success_at ? 'connected' : 'not_verified';
}

/** The fields every status answer adds: `state`, `last_success_at`, `last_error_at`. */
export function healthFields(row: Partial<HealthColumns> | null, facts: HealthFacts): { state: ReturnType<typeof healthState>; last_success_at: Date | null; last_error_at: Date | null } {
  return {
    state: healthState(row, facts),
    last_success_at: row?.last_success_at ?? null,
    last_error_at: row?.last_error_at ?? null,
  };
}

/**
 * State and plain-words reason of any row, for lists that show many connectors (the panel's
 * Integrations list); the status endpoints use their connector's own facts. `secretKeys` are the
 * row's connector's (its descriptor); a sealed value under any other key is checked as well.
 */
export function rowHealth(
  row: Pick<Integration, 'provider' | 'is_active' | 'config'> & Partial<HealthColumns>,
  secretKeys: readonly string[] = [],
): { state: HealthState; detail: string | null } {
  const keys = [...new Set([...secretKeys, ...Object.keys(row.config).filter((k) => isSealed(row.config[k]))])];
  const broken = keys.find((k) => !k.startsWith('previous_') && secretState(row.config, k) === 'undecryptable');
  const problem = row.is_active && broken ? `${broken}: stored secret cannot be decrypted; re-enter it` : null;
  const reconnect = ['true', '1', 'on'].includes(String(row.config.needs_reconnect ?? '').toLowerCase());
  const state = healthState(row, { configured: row.is_active, reconnect, problem });
  const detail = state === 'error' || state === 'reconnect' ? problem ?? row.last_error ?? null : state === 'not_verified' ? NOT_VERIFIED : null;
  return { state, detail };
}

export const NOT_VERIFIED = 'Not verified yet — run Test connection';

/**
 * Saving new credentials (or what the connection test depends on) makes an earlier verdict
 * stale: the row is "not verified" again until the next test or use.
 */
export function resetOnChange(before: Record<string, unknown>, after: Record<string, unknown>, keys: readonly string[]): Partial<HealthColumns> {
  const changed = keys.some((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null));
  return changed ? { last_success_at: null, last_error: null, last_error_at: null } : {};
}

/** Runs a connection test and records its outcome on the row (the /test route and the panel action). */
export async function recordedTest(row: Integration, test: () => Promise<{ ok: boolean; message: string }>): Promise<{ ok: boolean; message: string }> {
  const result = await test();
  if (result.ok) await recordSuccess(row);
  else await recordFailure(row, result.message);
  return result;
}
