// "Test connection": lists one event of the configured calendar with a valid (refreshed if needed)
// token, so the answer proves the grant, the scope and the calendar id in one call.
import type { Integration } from '../../models/index.js';
import { NOT_CONFIGURED } from '../connector.js';
import { readPrefs } from './settings.js';
import { callGoogle } from './tokens.js';
import type { GoogleDeps } from './types.js';

export async function testConnection(deps: GoogleDeps, row: Integration): Promise<{ ok: boolean; message: string }> {
  if (!row.is_active) return { ok: false, message: NOT_CONFIGURED };
  const { calendar_id } = readPrefs(row.config);
  const res = await callGoogle(deps, row.id, (token) => deps.client.listEvents(token, calendar_id, { maxResults: 1 }));
  if (!res.ok) return { ok: false, message: res.error };
  const who = typeof row.config.email === 'string' ? ` as ${row.config.email}` : '';
  const title = res.data.summary || calendar_id;
  return { ok: true, message: `Connected${who}: calendar "${title}" is reachable` };
}
