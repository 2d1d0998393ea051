import type { ConnectorDescriptor } from '../types.js';

export const slackConnector: ConnectorDescriptor = {
  provider: 'slack_connector',
  slug: 'slack',
  title: 'Slack',
  routers: () => [],
};
