// The explicit list of connectors. Each declares its routes, jobs and event handlers in its own
// index.ts; nothing is discovered by globbing.
import { githubConnector } from './github/index.js';
import { googleCalendarConnector } from './google-calendar/index.js';
import { slackConnector } from './slack/index.js';
import type { ConnectorDescriptor } from './types.js';

export const connectors: readonly ConnectorDescriptor[] = [githubConnector, googleCalendarConnector, slackConnector];
