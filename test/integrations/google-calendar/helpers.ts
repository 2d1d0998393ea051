// Shared builders for the Google Calendar tests: app configuration with an OAuth client, connector
// dependencies for direct calls, a connected integration row, and Google answers.
import { loadConfig } from '../../../src/config.js';
import { sealSecret } from '../../../src/integrations/connector.js';
import { createGoogleClient } from '../../../src/integrations/google-calendar/client.js';
import type { GoogleDeps, GoogleEvent } from '../../../src/integrations/google-calendar/types.js';
import { Integration, type User } from '../../../src/models/index.js';
import type { StoredConfig } from '../../../src/models/integration.js';
import { testDb } from '../../support/db.js';

export const GOOGLE_ENV = { GOOGLE_CLIENT_ID: 'test-client-id.apps.googleusercontent.com', GOOGLE_CLIENT_SECRET: 'test-client-secret' };
export const ACCOUNTS = 'https://accounts.google.com';
export const OAUTH2 = 'https://oauth2.googleapis.com';
export const USERINFO = 'https://openidconnect.googleapis.com';
export const CALENDAR = 'https://www.googleapis.com';
export const EVENTS_PATH = '/calendar/v3/calendars/primary/events';
export const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar.events';

export const ACCESS = 'ya29.access-token-for-tests';
export const REFRESH = '1//refresh-token-for-tests';

export async function googleDeps(opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<GoogleDeps> {
  const { sequelize } = await testDb();
  const config = loadConfig({ NODE_ENV: 'test', BASE_URL: 'http://127.0.0.1:3999', ...GOOGLE_ENV, ...opts.env });
  return { config, sequelize, client: createGoogleClient(config.google, { timeoutMs: opts.timeoutMs }) };
}

/** A connected row: sealed tokens valid for an hour (unless `expiresInMs` says otherwise). */
export async function connectRow(user: User, config: StoredConfig = {}, opts: { expiresInMs?: number; access?: string; refresh?: string } = {}): Promise<Integration> {
  return Integration.create({
    provider: 'google_calendar_connector',
    user_id: user.id,
    name: 'Google Calendar',
    is_active: true,
    config: {
      access_token: sealSecret(opts.access ?? ACCESS),
      refresh_token: sealSecret(opts.refresh ?? REFRESH),
      token_expiry: new Date(Date.now() + (opts.expiresInMs ?? 3600_000)).toISOString(),
      email: `${user.username}@gmail.test`,
      connected_at: new Date(Date.now() - 86_400_000).toISOString(),
      ...config,
    },
    last_sync_at: null,
    last_sync_status: null,
    last_error: null,
  });
}

export async function reload(row: Integration): Promise<Integration> {
  return (await Integration.findByPk(row.id))!;
}

/** A timed event that ended an hour ago, lasting 30 minutes, unless overridden. */
export function timedEvent(id: string, over: Partial<GoogleEvent> = {}): GoogleEvent {
  const end = new Date(Date.now() - 3600_000);
  const start = new Date(end.getTime() - 1800_000);
  return {
    id,
    status: 'confirmed',
    summary: `Meeting ${id}`,
    start: { dateTime: start.toISOString() },
    end: { dateTime: end.toISOString() },
    ...over,
  };
}
