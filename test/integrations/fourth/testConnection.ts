// "Test connection": the stored webhook secret opens (nothing remote to call).
import { NOT_CONFIGURED, readSecret, type Integration } from '../../../src/integrations/api.js';

export async function testConnection(row: Integration): Promise<{ ok: boolean; message: string }> {
  if (!row.is_active) return { ok: false, message: NOT_CONFIGURED };
  const secret = readSecret(row.config, 'webhook_secret');
  return secret.ok ? { ok: true, message: 'Fourth: the webhook secret is set' } : { ok: false, message: secret.error };
}
