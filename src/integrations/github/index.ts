// The GitHub connector: issues of one repository become tasks of one project, and an
// assignment to the owner can start their timer. Everything it adds to the app is declared here.
import { fileURLToPath } from 'node:url';
import type { ConnectorDescriptor } from '../types.js';
import { IDENTITY } from './settings.js';
import { githubPublicRouters, githubRouters } from './routes.js';
import { syncNow } from './sync.js';
import { testConnection } from './testConnection.js';

export const githubConnector: ConnectorDescriptor = {
  ...IDENTITY,
  card: { name: 'GitHubCard', path: fileURLToPath(new URL('../../../admin/components/connectors/GitHubCard', import.meta.url)), testLabel: 'Test connection' },
  // A sync creates tasks in a shared project for every issue, so only admins run it (like POST /sync).
  adminOnlyActions: ['syncNow'],
  publicRouters: (deps) => githubPublicRouters(deps),
  routers: (deps) => githubRouters(deps),
  testConnection: (row, deps) => testConnection(row, deps.config.githubApiUrl),
  syncNow: (row, actor, deps) => syncNow(row, actor, deps.config.githubApiUrl),
};
