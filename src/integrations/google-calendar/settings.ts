// Google Calendar preferences: the config keys, their defaults and limits, the save schema, and
// the status presenter. Tokens are not preferences: only the OAuth callback writes them.
import { z } from 'zod';
import type { CoreConfig } from '../../config.js';
import { formBool, id } from '../../validation/schemas.js';
import { parseInput } from '../../validation/validate.js';
import type { Integration, User } from '../../models/index.js';
import type { StoredConfig } from '../../models/integration.js';
import { requireAllowedProject } from '../../services/access.js';
import { findIntegration, getOrCreateIntegration, mergeConfig, secretState, syncFields } from '../connector.js';
import { healthFields, resetOnChange } from '../health.js';
import type { ConnectorIdentity } from '../types.js';
import { updateLockedConfig } from './store.js';

/** Who this connector is; its descriptor (index.ts) spreads it, the rest of the app derives from it. */
export const IDENTITY = {
  provider: 'google_calendar_connector',
  slug: 'google',
  title: 'Google Calendar',
  secretKeys: ['access_token', 'refresh_token'],
  source: 'google_calendar',
  settingLabels: {
    access_token: 'Access token', refresh_token: 'Refresh token', calendar_id: 'Calendar', sync_direction: 'Sync direction',
    default_project_id: 'Default project', sync_days_back: 'Days to import',
  },
} as const satisfies ConnectorIdentity;
export const PROVIDER = IDENTITY.provider;
/** Config keys holding secrets: sealed at rest, never shown. */
export const SECRET_KEYS: readonly string[] = IDENTITY.secretKeys;
export const SCOPES = ['https://www.googleapis.com/auth/calendar.events', 'openid', 'email'] as const;
export const REQUIRED_SCOPE = SCOPES[0];
export const DIRECTIONS = ['import', 'export', 'both'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const DAYS_BACK = { min: 1, max: 30, default: 7 } as const;

export interface Prefs {
  calendar_id: string;
  sync_direction: Direction;
  default_project_id: number | null;
  sync_days_back: number;
}

export function clampDays(n: number): number {
  if (!Number.isFinite(n)) return DAYS_BACK.default;
  return Math.min(DAYS_BACK.max, Math.max(DAYS_BACK.min, Math.round(n)));
}

/** The preferences of a stored config, with defaults and limits applied. */
export function readPrefs(config: StoredConfig): Prefs {
  const calendar = typeof config.calendar_id === 'string' && config.calendar_id.trim() ? config.calendar_id.trim() : 'primary';
  const direction = DIRECTIONS.includes(config.sync_direction as Direction) ? (config.sync_direction as Direction) : 'import';
  const project = Number(config.default_project_id);
  return {
    calendar_id: calendar,
    sync_direction: direction,
    default_project_id: Number.isInteger(project) && project > 0 ? project : null,
    sync_days_back: config.sync_days_back === undefined ? DAYS_BACK.default : clampDays(Number(config.sync_days_back)),
  };
}

const blankIsNull = (v: unknown) => (v === '' ? null : v);

export const configSchema = z.object({
  calendar_id: z
    .string({ invalid_type_error: 'must be a string' })
    .trim()
    .max(1024, 'must be at most 1024 characters')
    .nullable()
    .optional()
    .transform((v) => (v === undefined ? undefined : v || 'primary')),
  sync_direction: z.enum(DIRECTIONS, { errorMap: () => ({ message: 'must be import, export or both' }) }).optional(),
  default_project_id: z.preprocess(blankIsNull, id.nullable().optional()),
  sync_days_back: z.preprocess(
    blankIsNull,
    z.coerce.number({ invalid_type_error: 'must be a number' }).refine(Number.isFinite, 'must be a number').transform(clampDays).nullable().optional(),
  ),
});

export const oauthConfigured = (config: Readonly<CoreConfig>) => Boolean(config.google.clientId && config.google.clientSecret);

export const needsReconnect = (config: StoredConfig): boolean => formBool.safeParse(config.needs_reconnect ?? false).data === true;

/** Connected = switched on with a usable token pair stored. */
export function isConnected(row: Integration | null): boolean {
  return row !== null && row.is_active && secretState(row.config, 'refresh_token') === 'set';
}

/** A stored token that no configured key opens: only a new connection can fix it. */
function secretProblem(row: Integration | null): string | null {
  if (!row?.is_active) return null;
  const broken = SECRET_KEYS.find((k) => secretState(row.config, k) === 'undecryptable');
  return broken ? `${broken}: stored secret cannot be decrypted; reconnect Google Calendar` : null;
}

export function presentStatus(row: Integration | null, appConfig: Readonly<CoreConfig>): Record<string, unknown> {
  const config = row?.config ?? {};
  const problem = secretProblem(row);
  return {
    ...syncFields(row),
    ...healthFields(row, { configured: isConnected(row), reconnect: needsReconnect(config), problem }),
    last_error: problem ?? row?.last_error ?? null,
    connected: isConnected(row),
    needs_reconnect: needsReconnect(config),
    email: typeof config.email === 'string' ? config.email : null,
    ...readPrefs(config),
    oauth_configured: oauthConfigured(appConfig),
    connect_url: '/integrations/google/connect',
  };
}

export async function saveConfig(user: User, body: unknown, appConfig: Readonly<CoreConfig>): Promise<Record<string, unknown>> {
  const input = parseInput(configSchema, body);
  if (typeof input.default_project_id === 'number') {
    await requireAllowedProject(user, input.default_project_id, { field: 'default_project_id' });
  }
  const row = await getOrCreateIntegration(IDENTITY, user);
  const saved = await updateLockedConfig(row.id, (stored) => {
    const config = mergeConfig(stored, input, SECRET_KEYS);
    // The connection test reads the calendar: another calendar has not been verified yet.
    const calendar = (c: StoredConfig) => ({ calendar_id: readPrefs(c).calendar_id });
    return { config, ...resetOnChange(calendar(stored), calendar(config), ['calendar_id']) };
  });
  return presentStatus(saved, appConfig);
}

export async function statusOf(user: User, appConfig: Readonly<CoreConfig>): Promise<Record<string, unknown>> {
  return presentStatus(await findIntegration(PROVIDER, user.id), appConfig);
}
