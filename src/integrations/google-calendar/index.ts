import type { ConnectorDescriptor } from '../types.js';

export const googleCalendarConnector: ConnectorDescriptor = {
  provider: 'google_calendar_connector',
  slug: 'google',
  title: 'Google Calendar',
  routers: () => [],
};
