// GitHub connector configuration (docs/integrations/GITHUB_CONNECTOR.md): the config keys, their validation, saving (blank
// token keeps, null clears, webhook secret generated on first save) and the status presenter,
// which picks its fields explicitly and so can never emit a secret.
import { z } from 'zod';
import type { Transaction } from 'sequelize';
import { QueryTypes } from 'sequelize';
import { lockKey } from '../../db/sequelize.js';
import { badRequest, invalidFields, isAppError, validation } from '../../errors.js';
import { checkInput, type FieldErrors } from '../../validation/validate.js';
import { formBool, id } from '../../validation/schemas.js';
import { db, Integration, Project, type User } from '../../models/index.js';
import type { StoredConfig } from '../../models/integration.js';
import { isProjectAllowed, requireAllowedProject } from '../../services/access.js';
import { findIntegration, getOrCreateIntegration, mergeConfig, secretState, syncFields } from '../connector.js';
import { healthFields, resetOnChange } from '../health.js';
import type { ConnectorIdentity } from '../types.js';
import { ensureWebhookSecret } from './webhookSecret.js';

/** Who this connector is; its descriptor (index.ts) spreads it, the rest of the app derives from it. */
export const IDENTITY = {
  provider: 'github_connector',
  slug: 'github',
  title: 'GitHub',
  secretKeys: ['github_token', 'webhook_secret', 'previous_webhook_secret'],
  source: 'github',
  settingLabels: {
    github_token: 'Personal access token', repo_owner: 'Repository owner', repo_name: 'Repository name', default_project_id: 'Default project',
    label_filter: 'Label filter', auto_start_timer: 'Start my timer when an issue is assigned to me', webhook_secret: 'Webhook secret',
  },
} as const satisfies ConnectorIdentity;
export const PROVIDER = IDENTITY.provider;
/** Config keys holding secrets: sealed at rest, never shown. */
export const SECRET_KEYS: readonly string[] = IDENTITY.secretKeys;
const UNDECRYPTABLE = 'stored secret cannot be decrypted';
/** Changing any of these makes an earlier test or sync say nothing about the new settings. */
const CONNECTION_KEYS = ['github_token', 'repo_owner', 'repo_name'] as const;

export const webhookUrl = (baseUrl: string) => `${baseUrl}/api/integrations/github/webhook`;

const owner = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9_-]*)$/, 'must be a GitHub user or organisation name (letters, digits, dashes)');
const repo = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'must be only the repository name, e.g. Hello-World (letters, digits, ".", "-", "_")')
  .refine((v) => v !== '.' && v !== '..', 'is not a valid repository name');

export const configSchema = z.object({
  github_token: z
    .union([z.string().trim().max(500, 'is too long').regex(/^\S*$/, 'must not contain spaces'), z.null()])
    .optional(),
  repo_owner: owner.optional(),
  repo_name: repo.optional(),
  // A form with no project chosen sends null or "": that is a missing value ("is required"), not a bad id.
  default_project_id: z.preprocess((v) => (v === null || v === '' ? undefined : v), id.optional()),
  auto_start_timer: formBool.optional(),
  label_filter: z
    .union([z.string().trim().max(50, 'must be at most 50 characters').transform((v) => v.toLowerCase() || null), z.null()])
    .optional(),
});

export interface GithubSettings {
  repo_owner: string;
  repo_name: string;
  default_project_id: number;
  auto_start_timer: boolean;
  label_filter: string | null;
}

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);

/** The non-secret settings of a stored config; null when a required key is missing. */
export function settingsOf(config: StoredConfig): GithubSettings | null {
  const repoOwner = text(config.repo_owner);
  const repoName = text(config.repo_name);
  const projectId = Number(config.default_project_id);
  if (!repoOwner || !repoName || !Number.isInteger(projectId) || projectId <= 0) return null;
  return {
    repo_owner: repoOwner,
    repo_name: repoName,
    default_project_id: projectId,
    auto_start_timer: config.auto_start_timer === true,
    label_filter: text(config.label_filter),
  };
}

/** The default project as the webhook reads it; null when it does not exist (any more). */
export interface DefaultProjectFacts {
  name: string;
  status: string;
  /** The owner is an admin or a member. */
  allowed: boolean;
}

/**
 * Why new tasks cannot go to the default project now (it was checked on save, but may have been
 * archived, deleted or the owner removed from it since), or null when they can.
 */
export function projectProblem(project: DefaultProjectFacts | null): string | null {
  if (!project) return 'The default project no longer exists; choose another one';
  if (project.status !== 'active') return `The default project "${project.name}" is ${project.status}; choose an active project`;
  if (!project.allowed) return 'The owner may no longer use the default project; choose another one';
  return null;
}

/** projectProblem() for a stored owner and project id (the manual sync). */
export async function defaultProjectProblem(owner: User | null, projectId: number): Promise<string | null> {
  const project = await Project.findByPk(projectId);
  if (!owner || !project) return projectProblem(null);
  const allowed = project.status !== 'active' || (await isProjectAllowed(owner, project.id));
  return projectProblem({ name: project.name, status: project.status, allowed });
}

const REQUIRED = ['repo_owner', 'repo_name', 'default_project_id'] as const;
const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** Required keys that are blank both in the body and in the stored config (and not already reported). */
function missingRequired(stored: StoredConfig, body: unknown, reported: FieldErrors): FieldErrors {
  const given = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const missing: FieldErrors = {};
  for (const field of REQUIRED) {
    if (!reported[field] && blank(given[field] !== undefined ? given[field] : stored[field])) missing[field] = 'is required';
  }
  return missing;
}

/**
 * The default project's problem as a field error when other fields are invalid too, so one answer
 * lists them all; alone, an unknown (404) or foreign (403) project keeps its own status.
 */
async function projectFieldProblem(user: User, projectId: number, othersInvalid: boolean): Promise<FieldErrors> {
  try {
    await requireAllowedProject(user, projectId, { requireActive: true, field: 'default_project_id' });
    return {};
  } catch (err) {
    if (!isAppError(err) || (err.status !== 400 && !othersInvalid)) throw err;
    const own = (err.extra.fields as FieldErrors | undefined)?.default_project_id;
    return { default_project_id: own ?? (err.status === 403 ? 'you may not use this project' : 'project not found') };
  }
}

/** Every problem of a save at once: schema, required keys, the default project. Throws one 400 listing them. */
async function validateSave(user: User, stored: StoredConfig, body: unknown): Promise<{ next: StoredConfig; settings: GithubSettings }> {
  const checked = checkInput(configSchema, body);
  if (!checked.ok && Object.keys(checked.fields).length === 0) throw badRequest(checked.general[0] ?? 'Invalid input');
  const fields: FieldErrors = checked.ok ? {} : { ...checked.fields };
  const next = mergeConfig(stored, checked.ok ? checked.data : {}, SECRET_KEYS);
  Object.assign(fields, missingRequired(stored, body, fields));
  const given = body && typeof body === 'object' ? (body as Record<string, unknown>).default_project_id : undefined;
  const projectId = id.safeParse(checked.ok ? next.default_project_id : given ?? stored.default_project_id);
  if (!fields.default_project_id && projectId.success) Object.assign(fields, await projectFieldProblem(user, projectId.data, Object.keys(fields).length > 0));
  if (Object.keys(fields).length > 0) throw invalidFields(fields);
  return { next, settings: settingsOf(next)! };
}

/**
 * Task identity is (project, "github_issue_{n}"), so one project may be fed by one repository
 * only. Serialised per project by a transaction-scoped advisory lock.
 */
async function refuseSharedProject(userId: number, s: GithubSettings, transaction: Transaction): Promise<void> {
  const sequelize = db();
  await sequelize.query('SELECT pg_advisory_xact_lock($1::bigint)', { bind: [lockKey(`github-project:${s.default_project_id}`)], transaction });
  const clash = await sequelize.query(
    `SELECT 1 FROM integrations
      WHERE provider = $1 AND is_active AND user_id <> $2 AND config->>'default_project_id' = $3
        AND lower((config->>'repo_owner') || '/' || (config->>'repo_name')) <> lower($4)
      LIMIT 1`,
    { bind: [PROVIDER, userId, String(s.default_project_id), `${s.repo_owner}/${s.repo_name}`], type: QueryTypes.SELECT, transaction },
  );
  if (clash.length > 0) {
    throw validation(
      'default_project_id',
      'this project already receives issues from a different GitHub repository through another connector; choose another project',
    );
  }
}

/** Validates (every invalid field at once) and saves the user's GitHub config; creates the row on first save. */
export async function saveGithubConfig(user: User, body: unknown): Promise<void> {
  await db().transaction(async (transaction) => {
    const created = await getOrCreateIntegration(IDENTITY, user, transaction);
    const row = (await Integration.findByPk(created.id, { transaction, lock: transaction.LOCK.UPDATE }))!;
    const { next, settings } = await validateSave(user, row.config, body);
    await refuseSharedProject(user.id, settings, transaction);
    const config = ensureWebhookSecret(next);
    const reset = resetOnChange(row.config, config, CONNECTION_KEYS);
    await row.update({ config, is_active: secretState(config, 'github_token') === 'set', ...reset }, { transaction });
  });
}

function secretProblem(config: StoredConfig): string | null {
  if (secretState(config, 'github_token') === 'undecryptable') return `github_token: ${UNDECRYPTABLE}; re-enter it`;
  if (secretState(config, 'webhook_secret') === 'undecryptable') return `webhook_secret: ${UNDECRYPTABLE}; regenerate it`;
  return null;
}

/** The status body (the shape in docs/integrations/GITHUB_CONNECTOR.md, plus `id` and the health fields). Never contains a secret. */
export async function githubStatus(user: User, baseUrl: string): Promise<Record<string, unknown>> {
  const row = await findIntegration(PROVIDER, user.id);
  const config = row?.config ?? {};
  const connected = Boolean(row?.is_active) && secretState(config, 'github_token') === 'set';
  const problem = row ? secretProblem(config) : null;
  return {
    ...syncFields(row),
    ...healthFields(row, { configured: connected, problem }),
    connected,
    repo_owner: text(config.repo_owner),
    repo_name: text(config.repo_name),
    default_project_id: typeof config.default_project_id === 'number' ? config.default_project_id : null,
    auto_start_timer: config.auto_start_timer === true,
    label_filter: text(config.label_filter),
    has_webhook_secret: secretState(config, 'webhook_secret') === 'set',
    webhook_url: webhookUrl(baseUrl),
    last_error: problem ?? row?.last_error ?? null,
  };
}
