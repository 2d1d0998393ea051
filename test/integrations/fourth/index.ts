// A fourth connector defined outside src/, through the public connector API only
// (src/integrations/api.ts): a signed webhook, a settings card, a job, a connection test and a
// table of its own (migrations.ts).
import { fileURLToPath } from 'node:url';
import type { ConnectorDescriptor } from '../../../src/integrations/api.js';
import { fourthJobs } from './jobs.js';
import { fourthMigrations } from './migrations.js';
import { fourthApiRouter, fourthWebhookRouter } from './routes.js';
import { IDENTITY } from './settings.js';
import { testConnection } from './testConnection.js';

export const fourthConnector: ConnectorDescriptor = {
  ...IDENTITY,
  card: { name: 'FourthCard', path: fileURLToPath(new URL('./FourthCard', import.meta.url)), testLabel: 'Test connection' },
  adminOnlyActions: ['testConnection'],
  publicRouters: () => [fourthWebhookRouter()],
  routers: (deps) => [fourthApiRouter(deps)],
  jobs: () => fourthJobs(),
  testConnection: (row) => testConnection(row),
  migrations: fourthMigrations,
};
