// Record actions on an Integration: "Test connection" and "Sync now". Both run the connector's own
// descriptor hooks (src/integrations/types.ts), answer with an AdminJS notice and never send the
// row's config to the browser. Owner or admin only; a connector's `adminOnlyActions` are admin only.
import type { ActionContext, ActionRequest, ActionResponse, CurrentAdmin, RecordJSON } from 'adminjs';
import { logger } from '../../src/lib/logger.js';
import { Integration } from '../../src/models/index.js';
import type { Provider } from '../../src/models/integration.js';
import { NOT_CONFIGURED } from '../../src/integrations/connector.js';
import { recordedTest } from '../../src/integrations/health.js';
import type { ConnectorAction, ConnectorDescriptor } from '../../src/integrations/types.js';
import { adminId, isAdminUser, userFor } from '../access.js';
import { connectorFor, depsOf, type AdminContext } from '../context.js';

type Notice = { message: string; type: 'success' | 'error' | 'info' };
type RecordScrubber = (record: RecordJSON) => Promise<RecordJSON>;

const ownerOrAdmin = (currentAdmin: CurrentAdmin | undefined, userId: unknown) =>
  isAdminUser(currentAdmin) || Number(userId) === adminId(currentAdmin);

/** The owner or an admin, and only an admin when the connector lists the action in `adminOnlyActions`. */
function mayRun(connector: ConnectorDescriptor, action: ConnectorAction, currentAdmin: CurrentAdmin | undefined, userId: unknown): boolean {
  if (!ownerOrAdmin(currentAdmin, userId)) return false;
  return !connector.adminOnlyActions.includes(action) || isAdminUser(currentAdmin);
}

/** Who may run "Sync now" on a row. */
export function maySync(ctx: AdminContext, currentAdmin: CurrentAdmin | undefined, provider: unknown, userId: unknown): boolean {
  const connector = connectorFor(ctx, provider as Provider);
  return Boolean(connector?.syncNow) && mayRun(connector!, 'syncNow', currentAdmin, userId);
}

export function mayTest(ctx: AdminContext, currentAdmin: CurrentAdmin | undefined, provider: unknown, userId: unknown): boolean {
  const connector = connectorFor(ctx, provider as Provider);
  return Boolean(connector?.testConnection) && mayRun(connector!, 'testConnection', currentAdmin, userId);
}

/** Summarises a sync result such as `{ok, synced, skipped, errors}` when it has no message. */
export function syncMessage(result: { ok: boolean; message?: string } & Record<string, unknown>): string {
  if (result.message) return result.message;
  const counts = ['synced', 'imported', 'exported', 'skipped']
    .filter((k) => typeof result[k] === 'number')
    .map((k) => `${k} ${result[k]}`);
  const errors = Array.isArray(result.errors) ? result.errors.length : 0;
  if (!result.ok) return typeof result.error === 'string' ? result.error : 'Sync failed';
  return `Sync finished: ${counts.join(', ') || 'done'}${errors ? `, ${errors} error(s)` : ''}`;
}

function recordActionHandler(ctx: AdminContext, scrub: RecordScrubber, run: (row: Integration, context: ActionContext) => Promise<Notice>) {
  return async (_request: ActionRequest, _response: unknown, context: ActionContext): Promise<ActionResponse> => {
    const { record, currentAdmin, h, resource } = context;
    if (!record) throw new Error('Record not found');
    const row = await Integration.findByPk(Number(record.id()));
    if (!row) throw new Error('Record not found');
    let notice: Notice;
    if (!row.is_active) {
      notice = { message: NOT_CONFIGURED, type: 'error' };
    } else {
      try {
        notice = await run(row, context);
      } catch (err) {
        logger.error({ err, integrationId: row.id, action: context.action.name }, 'admin integration action failed');
        notice = { message: 'The action failed with an internal error; see the server log.', type: 'error' };
      }
    }
    const fresh = (await resource.findOne(String(row.id), context)) ?? record;
    return {
      record: await scrub(fresh.toJSON(currentAdmin)),
      redirectUrl: h.recordActionUrl({ resourceId: resource.id(), recordId: String(row.id), actionName: 'show' }),
      notice,
    };
  };
}

export function testConnectionHandler(ctx: AdminContext, scrub: RecordScrubber) {
  return recordActionHandler(ctx, scrub, async (row) => {
    const test = connectorFor(ctx, row.provider)?.testConnection;
    if (!test) return { message: 'This connector has no connection test.', type: 'info' };
    const result = await recordedTest(row, () => test(row, depsOf(ctx)));
    return { message: result.message, type: result.ok ? 'success' : 'error' };
  });
}

export function syncNowHandler(ctx: AdminContext, scrub: RecordScrubber) {
  return recordActionHandler(ctx, scrub, async (row, context) => {
    const connector = connectorFor(ctx, row.provider);
    const actor = await userFor(context.currentAdmin);
    if (!connector?.syncNow || !actor) return { message: 'This connector does not sync.', type: 'info' };
    const result = await connector.syncNow(row, actor, depsOf(ctx));
    return { message: syncMessage(result), type: result.ok ? 'success' : 'error' };
  });
}
