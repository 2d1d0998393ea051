import type { ConnectorDescriptor } from '../types.js';

export const githubConnector: ConnectorDescriptor = {
  provider: 'github_connector',
  slug: 'github',
  title: 'GitHub',
  routers: () => [],
};
