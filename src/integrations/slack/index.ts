// The Slack connector: /tt slash commands and button clicks on Slack-signed endpoints, timer
// notifications and the daily summary through the PostgreSQL outbox, and the uniform
// config / status / test endpoints. See docs/integrations/SLACK.md.
import { fileURLToPath } from 'node:url';
import type { ConnectorDescriptor } from '../types.js';
import { IDENTITY } from './settings.js';
import { testSlackConnection } from './testConnection.js';
import { slackJobs } from './jobs.js';
import { subscribeNotifications } from './notify.js';
import { slackApiRouter, slackEventsRouter } from './routes.js';

export const slackConnector: ConnectorDescriptor = {
  ...IDENTITY,
  card: { name: 'SlackCard', path: fileURLToPath(new URL('../../../admin/components/connectors/SlackCard', import.meta.url)), testLabel: 'Send test message' },
  adminOnlyActions: [],
  publicRouters: (deps) => [slackEventsRouter(deps)],
  routers: (deps) => [slackApiRouter(deps)],
  jobs: (deps) => slackJobs(deps),
  testConnection: (row, deps) => testSlackConnection(row, deps),
  subscribe: (bus) => subscribeNotifications(bus),
};
