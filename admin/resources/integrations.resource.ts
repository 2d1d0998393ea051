// Integrations in the panel: the owner (or an admin) sees provider, health (Connected only after a
// passing test or use; Error with its reason) and sync results, and can run "Test connection" and
// "Sync now". The config JSON is never sent to the browser: it is
// replaced by a summary where each secret reads only "set" or "not set". Settings are edited on
// the Personal connectors page.
import type { ActionContext, ActionResponse, RecordJSON, ResourceWithOptions } from 'adminjs';
import { Integration } from '../../src/models/index.js';
import { secretKeysOf } from '../../src/integrations/catalog.js';
import { secretState } from '../../src/integrations/connector.js';
import { rowHealth } from '../../src/integrations/health.js';
import { ownRows, ownsRecord, scopedList } from '../access.js';
import type { AdminContext } from '../context.js';
import { mayTest, maySync, syncNowHandler, testConnectionHandler } from './integrationActions.js';

/** `secrets`: the row's connector's secret keys (its descriptor). */
export function configSummary(config: Record<string, unknown>, secrets: readonly string[]): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    if (secrets.includes(k) || k.startsWith('previous_')) continue;
    if (v !== null && typeof v === 'object') continue;
    parts.push(`${k}: ${String(v)}`);
  }
  for (const k of secrets) {
    if (k.startsWith('previous_')) continue;
    const state = secretState(config, k);
    parts.push(`${k}: ${state === 'set' ? 'set' : state === 'undecryptable' ? 'cannot be decrypted — re-enter it' : 'not set'}`);
  }
  return parts.join('\n');
}

export const recordScrubber = (ctx: AdminContext) => async function scrubRecord(record: RecordJSON): Promise<RecordJSON> {
  const row = await Integration.findByPk(Number(record.id), { attributes: ['provider', 'config', 'is_active', 'last_error', 'last_success_at'] });
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record.params)) if (k !== 'config' && !k.startsWith('config.')) params[k] = v;
  const secrets = row ? secretKeysOf(ctx.connectors, row.provider) : [];
  params.config_summary = row ? configSummary(row.config, secrets) : '';
  const health = row ? rowHealth(row, secrets) : null;
  params.health = health?.state ?? 'not_connected';
  params.health_detail = health?.detail ?? null;
  return { ...record, params };
};

const responseScrubber = (scrubRecord: (r: RecordJSON) => Promise<RecordJSON>) =>
  async function scrubResponse(response: ActionResponse, _req: unknown, _ctx: ActionContext): Promise<ActionResponse> {
    if (response.record) response.record = await scrubRecord(response.record as RecordJSON);
    if (Array.isArray(response.records)) response.records = await Promise.all(response.records.map((r: RecordJSON) => scrubRecord(r)));
    return response;
  };

/** `components.health` is the bundled IntegrationHealth component (admin/index.ts). */
export function integrationsResource(ctx: AdminContext, components: { health: string }): ResourceWithOptions {
  const scrubRecord = recordScrubber(ctx);
  const scrubResponse = responseScrubber(scrubRecord);
  const providerValues = ctx.connectors.map((c) => ({ value: c.provider, label: c.title }));
  return {
    resource: Integration,
    options: {
      navigation: { name: 'Connectors', icon: 'Link' },
      listProperties: ['id', 'provider', 'user_id', 'health', 'last_success_at', 'last_sync_at', 'last_sync_status'],
      showProperties: [
        'id', 'name', 'provider', 'user_id', 'is_active', 'health', 'config_summary', 'last_success_at', 'last_error', 'last_error_at',
        'last_sync_at', 'last_sync_status', 'created_at', 'updated_at',
      ],
      filterProperties: ['provider', 'is_active', 'last_sync_status'],
      properties: {
        config: { isVisible: false },
        config_summary: { type: 'textarea', isVisible: { list: false, show: true, edit: false, filter: false } },
        health: { isVisible: { list: true, show: true, edit: false, filter: false }, components: { list: components.health, show: components.health } },
        provider: { availableValues: providerValues },
        user_id: { reference: 'users' },
        last_error: { type: 'textarea' },
      },
      actions: {
        list: { handler: scopedList(Integration, ownRows), after: scrubResponse },
        show: { isAccessible: ownsRecord, after: scrubResponse },
        search: { isAccessible: false },
        new: { isAccessible: false },
        edit: { isAccessible: false },
        delete: { isAccessible: ownsRecord, after: scrubResponse },
        bulkDelete: { isAccessible: false },
        testConnection: {
          actionType: 'record',
          icon: 'Activity',
          component: false,
          isAccessible: ({ currentAdmin, record }) => Boolean(record) && mayTest(ctx, currentAdmin, record!.param('provider'), record!.param('user_id')),
          handler: testConnectionHandler(ctx, scrubRecord),
        },
        syncNow: {
          actionType: 'record',
          icon: 'RefreshCw',
          component: false,
          guard: 'Run a sync for this integration now?',
          isAccessible: ({ currentAdmin, record }) => Boolean(record) && maySync(ctx, currentAdmin, record!.param('provider'), record!.param('user_id')),
          handler: syncNowHandler(ctx, scrubRecord),
        },
      },
    },
  };
}
