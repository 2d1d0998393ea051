// The webhook delivery log: (provider, delivery id) is unique, so a re-delivered webhook is
// recognised and changes nothing. Record inside the same transaction as the work it guards.
import type { Transaction } from 'sequelize';
import { QueryTypes } from 'sequelize';
import { db, Integration } from '../models/index.js';

/** True when this delivery is new (and now recorded); false when it was already processed. */
export async function recordDelivery(
  provider: string,
  deliveryId: string,
  opts: { integrationId?: number | null; event?: string | null; transaction?: Transaction } = {},
): Promise<boolean> {
  const rows = await db().query<{ id: string }>(
    `INSERT INTO webhook_deliveries (provider, delivery_id, integration_id, event)
     VALUES ($1, $2, $3, $4) ON CONFLICT (provider, delivery_id) DO NOTHING RETURNING id`,
    {
      bind: [provider, deliveryId.slice(0, 200), opts.integrationId ?? null, opts.event?.slice(0, 100) ?? null],
      type: QueryTypes.SELECT,
      transaction: opts.transaction,
    },
  );
  return rows.length === 1;
}
