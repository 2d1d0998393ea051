// Google Calendar connector: OAuth connect, import of meetings as time entries, export
// of entries as events, and the `google_calendar_sync` job, declared in one descriptor.
import { fileURLToPath } from 'node:url';
import type { ConnectorDeps, ConnectorDescriptor } from '../types.js';
import { createGoogleClient, type GoogleClientOptions } from './client.js';
import { IDENTITY } from './settings.js';
import { googleCalendarJobs } from './jobs.js';
import { apiRouter, oauthRouter } from './routes.js';
import { syncIntegration } from './sync.js';
import { testConnection } from './testConnection.js';
import type { GoogleDeps } from './types.js';

/** Builds the descriptor; `opts.timeoutMs` lets tests shorten the 10-second HTTP timeout. */
export function createGoogleCalendarConnector(opts: GoogleClientOptions = {}): ConnectorDescriptor {
  const withClient = (deps: ConnectorDeps): GoogleDeps => ({ ...deps, client: createGoogleClient(deps.config.google, opts) });
  return {
    ...IDENTITY,
    card: { name: 'GoogleCard', path: fileURLToPath(new URL('../../../admin/components/connectors/GoogleCard', import.meta.url)), testLabel: 'Test connection' },
    adminOnlyActions: [],
    routers: (deps) => {
      const google = withClient(deps);
      return [apiRouter(google), oauthRouter(google)];
    },
    jobs: (deps) => googleCalendarJobs(withClient(deps)),
    testConnection: (row, deps) => testConnection(withClient(deps), row),
    async syncNow(row, _actor, deps) {
      const result = await syncIntegration(withClient(deps), row.id);
      const counts = `imported ${result.imported}, exported ${result.exported}, updated ${result.updated}, skipped ${result.skipped}`;
      return { ...result, message: result.ok ? `Sync finished: ${counts}` : `Sync failed: ${result.error ?? result.errors[0]}` };
    },
  };
}

export const googleCalendarConnector = createGoogleCalendarConnector();
