// Every write of a Google integration row's config goes through here: the row is locked
// (SELECT ... FOR UPDATE), re-read, changed and saved in one transaction, so a token refresh, an
// OAuth callback, a preference save and a sync result never overwrite each other's keys.
import type { Transaction } from 'sequelize';
import { db, Integration } from '../../models/index.js';
import type { StoredConfig } from '../../models/integration.js';

export type RowChange = Partial<Pick<Integration, 'is_active' | 'last_error' | 'last_error_at' | 'last_success_at' | 'last_sync_at' | 'last_sync_status'>> & {
  config?: StoredConfig;
};

/** Runs `fn` with the row locked for update inside a transaction; null when the row is gone. */
export async function withLockedRow<T>(rowId: number, fn: (row: Integration, t: Transaction) => Promise<T>): Promise<T | null> {
  const sequelize = db();
  return sequelize.transaction(async (t) => {
    const row = await Integration.findByPk(rowId, { transaction: t, lock: t.LOCK.UPDATE });
    return row ? fn(row, t) : null;
  });
}

/** Locks the row, computes a change from its current config, saves it, and returns the fresh row. */
export async function updateLockedConfig(rowId: number, change: (config: StoredConfig) => RowChange): Promise<Integration | null> {
  return withLockedRow(rowId, async (row, t) => {
    await row.update(change({ ...row.config }), { transaction: t });
    return row;
  });
}
