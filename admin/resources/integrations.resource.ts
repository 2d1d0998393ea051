// Integrations in the panel: the owner (or an admin) sees provider, health (Connected only after a
// passing test or use; Error with its reason) and sync results, and can run "Test connection" and
// "Sync now". The config JSON is never sent to the browser: it is
// replaced by a summary where each secret reads only "set" or "not set". Settings are edited on
// the Personal connectors page.
import type { ActionContext, ActionResponse, RecordJSON, ResourceWithOptions } from 'adminjs';
import { Integration, Project } from '../../src/models/index.js';
import { connectorByProvider, secretKeysOf } from '../../src/integrations/catalog.js';
import type { ConnectorIdentity } from '../../src/integrations/types.js';
import { secretState } from '../../src/integrations/connector.js';
import { rowHealth } from '../../src/integrations/health.js';
import { ownRows, ownsRecord, scopedList } from '../access.js';
import type { AdminContext } from '../context.js';
import { humanize, listedWith, shownWith, type FieldComponents } from './fields.js';
import { mayTest, maySync, syncNowHandler, testConnectionHandler } from './integrationActions.js';

/** "repo_name" → "Repo name", "default_project_id" → "Default project". */
const humanKey = (k: string) => humanize(k.replace(/_id$/, ''));

function shown(v: unknown): string {
  if (v === true) return 'Yes';
  if (v === false) return 'No';
  return v === null || v === undefined || v === '' ? '—' : String(v);
}

/**
 * The settings as "Label: value" lines for the show page (admin/components/fields/Settings.tsx).
 * `identity`: the row's connector (secret keys, labels); `projects`: names of the projects it names.
 * Secrets read only "set" or "not set".
 */
export function configSummary(config: Record<string, unknown>, identity: Pick<ConnectorIdentity, 'secretKeys' | 'settingLabels'> | undefined, projects: ReadonlyMap<number, string> = new Map()): string {
  const secrets = identity?.secretKeys ?? [];
  const label = (k: string) => identity?.settingLabels?.[k] ?? humanKey(k);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    if (secrets.includes(k) || k.startsWith('previous_')) continue;
    if (v !== null && typeof v === 'object') continue;
    const project = k.endsWith('project_id') && v !== null && v !== '' ? projects.get(Number(v)) : undefined;
    parts.push(`${label(k)}: ${project ?? shown(v)}`);
  }
  for (const k of secrets) {
    if (k.startsWith('previous_')) continue;
    const state = secretState(config, k);
    parts.push(`${label(k)}: ${state === 'set' ? 'set' : state === 'undecryptable' ? 'cannot be decrypted — re-enter it' : 'not set'}`);
  }
  return parts.join('\n');
}

/** Names of the projects a config refers to (`*project_id` keys), in one query. */
async function projectNames(config: Record<string, unknown>): Promise<Map<number, string>> {
  const ids = Object.entries(config).filter(([k, v]) => k.endsWith('project_id') && Number.isInteger(Number(v)) && v !== null && v !== '').map(([, v]) => Number(v));
  if (!ids.length) return new Map();
  const rows = await Project.findAll({ where: { id: ids }, attributes: ['id', 'name'] });
  return new Map(rows.map((r) => [r.id, r.name]));
}

export const recordScrubber = (ctx: AdminContext) => async function scrubRecord(record: RecordJSON): Promise<RecordJSON> {
  const row = await Integration.findByPk(Number(record.id), { attributes: ['provider', 'config', 'is_active', 'last_error', 'last_success_at'] });
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record.params)) if (k !== 'config' && !k.startsWith('config.')) params[k] = v;
  const identity = row ? connectorByProvider(ctx.connectors, row.provider) : undefined;
  const secrets = row ? secretKeysOf(ctx.connectors, row.provider) : [];
  params.config_summary = row ? configSummary(row.config, identity, await projectNames(row.config)) : '';
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
export function integrationsResource(ctx: AdminContext, components: FieldComponents & { health: string }): ResourceWithOptions {
  const c = components;
  const scrubRecord = recordScrubber(ctx);
  const scrubResponse = responseScrubber(scrubRecord);
  const providerValues = ctx.connectors.map((c) => ({ value: c.provider, label: c.title }));
  return {
    resource: Integration,
    options: {
      navigation: { name: 'Connectors', icon: 'Link' },
      listProperties: ['provider', 'user_id', 'health', 'last_success_at', 'last_sync_at', 'last_sync_status'],
      showProperties: [
        'provider', 'user_id', 'health', 'config_summary', 'is_active', 'last_success_at', 'last_error', 'last_error_at',
        'last_sync_at', 'last_sync_status', 'name', 'created_at', 'updated_at', 'id',
      ],
      filterProperties: ['provider', 'is_active', 'last_sync_status'],
      properties: {
        config: { isVisible: false },
        config_summary: { isVisible: { list: false, show: true, edit: false, filter: false }, components: { show: c.settings } },
        health: { isVisible: { list: true, show: true, edit: false, filter: false }, components: { list: components.health, show: components.health } },
        provider: { availableValues: providerValues },
        user_id: listedWith(c.text, { reference: 'users' }),
        last_error: { type: 'textarea' },
        last_sync_status: listedWith(c.text),
        ...Object.fromEntries(['last_success_at', 'last_error_at', 'last_sync_at', 'created_at', 'updated_at'].map((k) => [k, shownWith(c.dateTime)])),
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
