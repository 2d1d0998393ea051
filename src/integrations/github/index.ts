// The GitHub connector: issues of one repository become tasks of one project, and an
// assignment to the owner can start their timer. Everything it adds to the app is declared here.
import type { ConnectorDescriptor } from '../types.js';
import { PROVIDER } from './settings.js';
import { githubPublicRouters, githubRouters } from './routes.js';
import { syncNow } from './sync.js';
import { testConnection } from './testConnection.js';

export const githubConnector: ConnectorDescriptor = {
  provider: PROVIDER,
  slug: 'github',
  title: 'GitHub',
  publicRouters: (deps) => githubPublicRouters(deps),
  routers: (deps) => githubRouters(deps),
  testConnection: (row, deps) => testConnection(row, deps.config.githubApiUrl),
  syncNow: (row, actor, deps) => syncNow(row, actor, deps.config.githubApiUrl),
};
