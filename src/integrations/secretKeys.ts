// Which config keys of each provider are secrets (sealed at rest, never shown).
import type { Provider } from '../models/integration.js';

export const SECRET_KEYS: Record<Provider, readonly string[]> = {
  github_connector: ['github_token', 'webhook_secret', 'previous_webhook_secret'],
  google_calendar_connector: ['access_token', 'refresh_token'],
  slack_connector: ['bot_token', 'signing_secret'],
};
