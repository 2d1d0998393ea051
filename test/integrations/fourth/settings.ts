// The fourth connector's identity and settings: one secret (the webhook signing secret) and a label.
import { z } from 'zod';
import {
  findIntegration, getOrCreateIntegration, healthFields, mergeConfig, parseInput, publicConfig, type ConnectorIdentity, type User,
} from '../../../src/integrations/api.js';

export const IDENTITY = {
  provider: 'fourth_connector',
  slug: 'fourth',
  title: 'Fourth',
  secretKeys: ['webhook_secret'],
  source: 'fourth',
} as const satisfies ConnectorIdentity;
export const PROVIDER = IDENTITY.provider;
export const SECRET_KEYS: readonly string[] = IDENTITY.secretKeys;

const saveSchema = z.object({ webhook_secret: z.string().max(200).nullable().optional(), label: z.string().max(100).optional() }).strict();

export async function fourthStatus(user: Pick<User, 'id'>) {
  const row = await findIntegration(PROVIDER, user.id);
  return {
    connected: Boolean(row?.is_active),
    ...publicConfig(row?.config ?? {}, SECRET_KEYS),
    ...healthFields(row, { configured: Boolean(row?.is_active) }),
  };
}

export async function saveFourthConfig(user: User, body: unknown) {
  const input = parseInput(saveSchema, body ?? {});
  const row = await getOrCreateIntegration(IDENTITY, user);
  const config = mergeConfig(row.config, input, SECRET_KEYS);
  await row.update({ config, is_active: typeof config.webhook_secret === 'string' });
  return fourthStatus(user);
}
