// "Send test message": posts `:wave: TimeTracker test message.` to the configured channel right
// away (not through the outbox: the user is waiting for the answer). Slack's error code is shown
// on failure. A successful post also tells us the workspace id, which routing uses (routing.ts).
// The caller records the outcome on the row (health.ts recordedTest).
import type { Integration } from '../../models/index.js';
import { NOT_CONFIGURED, readSecret } from '../connector.js';
import type { ConnectorDeps } from '../types.js';
import { postMessage } from './client.js';
import { readSettings } from './settings.js';
import { TEST_MESSAGE } from './messages.js';
import { learnTeam } from './routing.js';

export async function testSlackConnection(row: Integration, deps: Pick<ConnectorDeps, 'config'>): Promise<{ ok: boolean; message: string }> {
  if (!row.is_active) return { ok: false, message: NOT_CONFIGURED };
  const token = readSecret(row.config, 'bot_token');
  if (!token.ok) return { ok: false, message: token.error };
  const { channel_id: channel } = readSettings(row.config);
  if (!channel) return { ok: false, message: 'channel_id: set a channel first' };
  const res = await postMessage({ apiUrl: deps.config.slackApiUrl, token: token.value }, channel, TEST_MESSAGE);
  if (!res.ok) return { ok: false, message: res.error };
  await learnTeam(row, res.team);
  return { ok: true, message: `Test message sent to ${channel}.` };
}
