// Shapes of the Google answers and requests the connector reads or writes (only the fields used),
// and the dependencies every part of the connector receives.
import type { Sequelize } from 'sequelize';
import type { CoreConfig } from '../../config.js';
import type { GoogleClient } from './client.js';

export interface TokenResponse {
  access_token: string;
  expires_in?: number;
  refresh_token?: string;
  scope?: string;
  token_type?: string;
  id_token?: string;
}

export interface UserInfo {
  email?: string;
  email_verified?: boolean;
}

export interface GoogleEventTime {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}

export interface GoogleEvent {
  id?: string;
  status?: string;
  summary?: string;
  description?: string;
  start?: GoogleEventTime;
  end?: GoogleEventTime;
  transparency?: string;
  attendees?: Array<{ email?: string; self?: boolean; responseStatus?: string }>;
  extendedProperties?: { private?: Record<string, string>; shared?: Record<string, string> };
}

export interface GoogleEventList {
  summary?: string;
  items?: GoogleEvent[];
  nextPageToken?: string;
}

/** What the connector's functions need: configuration, the database and the Google client. */
export interface GoogleDeps {
  config: Readonly<CoreConfig>;
  sequelize: Sequelize;
  client: GoogleClient;
}
