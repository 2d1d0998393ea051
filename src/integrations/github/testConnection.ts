// "Test connection": GET /user with the row's token, so the answer proves the token in one call.
// The caller records the outcome on the row (health.ts recordedTest).
import type { Integration } from '../../models/index.js';
import { NOT_CONFIGURED, readSecret } from '../connector.js';
import { getUser } from './client.js';

/** GET /user with the row's token → "Connected as <login>". */
export async function testConnection(row: Integration, apiUrl: string): Promise<{ ok: boolean; message: string }> {
  if (!row.is_active) return { ok: false, message: NOT_CONFIGURED };
  const token = readSecret(row.config, 'github_token');
  if (!token.ok) return { ok: false, message: token.error };
  const res = await getUser({ apiUrl, token: token.value });
  return res.ok ? { ok: true, message: `Connected as ${res.data.login}` } : { ok: false, message: res.error };
}
