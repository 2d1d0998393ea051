// One sync of one integration row: import and/or export by `sync_direction`, with the outcome
// written to last_sync_* and config.last_sync_at in one locked update. The /sync endpoint, the
// admin "Sync now" action and the scheduled job all call syncIntegration().
import { Integration, User } from '../../models/index.js';
import type { SyncStatus } from '../../models/integration.js';
import { NOT_CONFIGURED } from '../connector.js';
import { syncChange } from '../health.js';
import { needsReconnect, readPrefs } from './settings.js';
import { exportEntries } from './export.js';
import { importEvents, type ImportResult } from './import.js';
import { updateLockedConfig } from './store.js';
import { RECONNECT_MESSAGE } from './tokens.js';
import type { GoogleDeps } from './types.js';

export interface SyncResult {
  ok: boolean;
  imported: number;
  skipped: number;
  exported: number;
  updated: number;
  errors: string[];
  error?: string;
  skipped_by_reason?: ImportResult['skipped_by_reason'];
}

const empty = (): SyncResult => ({ ok: true, imported: 0, skipped: 0, exported: 0, updated: 0, errors: [] });

const failed = (error: string): SyncResult => ({ ...empty(), ok: false, error, errors: [error] });

function statusOf(result: SyncResult): SyncStatus {
  if (result.errors.length === 0) return 'success';
  return result.imported + result.exported + result.updated > 0 ? 'partial' : 'error';
}

async function finish(row: Integration, result: SyncResult): Promise<SyncResult> {
  const status = statusOf(result);
  const at = new Date();
  const lastError = result.errors.length ? result.errors.slice(0, 5).join('; ') : null;
  await updateLockedConfig(row.id, (config) => ({
    config: { ...config, last_sync_at: at.toISOString() },
    ...syncChange({ provider: row.provider, config }, status, lastError, at),
  }));
  const ok = status !== 'error';
  return ok ? { ...result, ok } : { ...result, ok, error: result.errors[0] };
}

/** The row and its owner when the row can sync now, else why not (nothing is recorded then). */
async function loadSyncable(rowId: number): Promise<{ row: Integration; user: User } | { error: string }> {
  const row = await Integration.findByPk(rowId);
  if (!row || !row.is_active) return { error: NOT_CONFIGURED };
  if (needsReconnect(row.config)) return { error: RECONNECT_MESSAGE };
  const user = await User.findByPk(row.user_id);
  return user?.is_active ? { row, user } : { error: 'The owner of this integration is deactivated' };
}

export async function syncIntegration(deps: GoogleDeps, rowId: number, now = new Date()): Promise<SyncResult> {
  const loaded = await loadSyncable(rowId);
  if ('error' in loaded) return failed(loaded.error);
  const { row, user } = loaded;
  const prefs = readPrefs(row.config);
  const result = empty();
  if (prefs.sync_direction !== 'export') {
    const imported = await importEvents(deps, row, user, prefs, now);
    Object.assign(result, { imported: imported.imported, skipped: imported.skipped, skipped_by_reason: imported.skipped_by_reason });
    result.errors.push(...imported.errors);
    if (imported.tokenFailed) return finish(row, result);
  }
  if (prefs.sync_direction !== 'import') {
    const exported = await exportEntries(deps, row, prefs);
    Object.assign(result, { exported: exported.exported, updated: exported.updated });
    result.errors.push(...exported.errors);
  }
  return finish(row, result);
}
