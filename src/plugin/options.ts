// createTimeTrackerPlugin()'s options: checked once, every problem listed at once, turned into
// TimeTracker's configuration and the host-user mapping.
import type { ComponentLoader } from 'adminjs';
import type { Model, ModelStatic, Sequelize } from 'sequelize';
import { z } from 'zod';
import type { CoreConfig } from '../config.js';
import type { HostUserColumns } from '../db/hostUsers.js';
import type { ConnectorDescriptor } from '../integrations/types.js';
import type { Job } from '../jobs/scheduler.js';
import { parseKeys } from '../lib/secrets.js';
import type { CurrentUserId } from '../web/auth.js';

export interface TimeTrackerPluginOptions {
  /** The host's Sequelize instance (PostgreSQL). TimeTracker's models are bound to it. */
  sequelize: Sequelize;
  /** The host's AdminJS ComponentLoader: TimeTracker adds its dashboard, pages and cards to it. */
  componentLoader: ComponentLoader;
  /** Public URL of the app (webhook and OAuth URLs, the same-origin rule), e.g. https://ops.example.com. */
  baseUrl: string;
  /** Base64 32-byte keys: the first encrypts secrets at rest, all of them decrypt (rotation). */
  encryptionKeys: string[];
  /** The host's user model, and the attribute names TimeTracker reads (defaults shown). */
  users: { model: ModelStatic<Model>; email?: string; name?: string; isAdmin?: string; username?: string; isActive?: string };
  /** The logged-in host user's id for a Koa ctx, or null. */
  currentUserId: CurrentUserId;
  /** Where the host's AdminJS panel lives (default /admin). */
  adminRootPath?: string;
  connectors?: {
    github?: { enabled?: boolean; apiUrl?: string };
    /** `wake: false`: the outbox worker only polls (every 5 s) instead of waking when a message is queued. */
    slack?: { enabled?: boolean; apiUrl?: string; wake?: boolean };
    google?: {
      enabled?: boolean;
      clientId?: string;
      clientSecret?: string;
      authUrl?: string;
      tokenUrl?: string;
      revokeUrl?: string;
      userinfoUrl?: string;
      calendarApiUrl?: string;
    };
    /** More connectors, each a folder with a descriptor (docs/plugin.md, "Writing a connector"). */
    extra?: readonly ConnectorDescriptor[];
  };
  /** Run the scheduler and outbox worker in this process (default true). */
  jobs?: boolean;
  /** More jobs for TimeTracker's scheduler: one run per tick across all instances. */
  extraJobs?: readonly Job[];
  /** Cache webhook routing in memory, invalidated through PostgreSQL LISTEN/NOTIFY (default true). */
  routingCache?: boolean;
}

const url = z.string().trim().url('must be an absolute URL').transform((v) => v.replace(/\/+$/, ''));
const onOff = z.object({ enabled: z.boolean().optional(), apiUrl: url.optional() }).strict().optional();

const schema = z.object({
  baseUrl: url,
  encryptionKeys: z.array(z.string(), { required_error: 'is required' }).min(1, 'needs at least one key').superRefine((keys, ctx) => {
    try {
      parseKeys(keys.join(','));
    } catch (err) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message.replace(/^SETTINGS_ENCRYPTION_KEY: /, '') });
    }
  }),
  adminRootPath: z.string().regex(/^\/[\w\-/]*[\w-]$/, 'must be a path such as /admin').default('/admin'),
  connectors: z.object({
    github: onOff,
    slack: z.object({ enabled: z.boolean().optional(), apiUrl: url.optional(), wake: z.boolean().optional() }).strict().optional(),
    google: z.object({
      enabled: z.boolean().optional(),
      clientId: z.string().optional(),
      clientSecret: z.string().optional(),
      authUrl: url.default('https://accounts.google.com/o/oauth2/v2/auth'),
      tokenUrl: url.default('https://oauth2.googleapis.com/token'),
      revokeUrl: url.default('https://oauth2.googleapis.com/revoke'),
      userinfoUrl: url.default('https://openidconnect.googleapis.com/v1/userinfo'),
      calendarApiUrl: url.default('https://www.googleapis.com/calendar/v3'),
    }).strict().refine((g) => Boolean(g.clientId) === Boolean(g.clientSecret), { message: 'clientId and clientSecret must be given together', path: ['clientId'] }).default({}),
    extra: z.array(z.any()).optional(),
  }).strict().default({}),
  jobs: z.boolean().default(true),
  routingCache: z.boolean().default(true),
}).passthrough();

export class PluginOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(`createTimeTrackerPlugin: invalid options:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PluginOptionsError';
  }
}

export interface ResolvedOptions {
  config: Readonly<CoreConfig>;
  users: HostUserColumns;
  enabled: { github: boolean; slack: boolean; google: boolean };
}

const INTEGER_TYPES = new Set(['INTEGER', 'BIGINT', 'SMALLINT']);

/** The host model's table and the columns behind the named attributes. */
function userColumns(opts: TimeTrackerPluginOptions['users'], problems: string[]): HostUserColumns {
  const model = opts?.model;
  if (!model || typeof model.getAttributes !== 'function') {
    problems.push('users.model: must be the host\'s Sequelize user model');
    return { table: '', key: '', email: '', name: '', isAdmin: '' };
  }
  const attributes = model.getAttributes() as Record<string, { field?: string; type?: { key?: string } }>;
  // An attribute the model declares maps to its column; anything else is taken as a column name.
  const column = (attr: string) => attributes[attr]?.field ?? attr;
  const key = model.primaryKeyAttribute;
  if (!key || !INTEGER_TYPES.has(String(attributes[key]?.type?.key))) {
    problems.push(`users.model: TimeTracker needs an integer primary key on ${model.name} (found ${key ? String(attributes[key]?.type?.key) : 'none'})`);
  }
  const raw = model.getTableName() as string | { tableName: string };
  return {
    table: typeof raw === 'string' ? raw : raw.tableName,
    key: column(key),
    email: column(opts.email ?? 'email'),
    name: column(opts.name ?? 'name'),
    isAdmin: column(opts.isAdmin ?? 'is_admin'),
    username: opts.username ? column(opts.username) : undefined,
    isActive: opts.isActive ? column(opts.isActive) : undefined,
  };
}

export function resolveOptions(opts: TimeTrackerPluginOptions): ResolvedOptions {
  const problems: string[] = [];
  if (!opts || typeof opts !== 'object') throw new PluginOptionsError(['options: an object is required']);
  if (!opts.sequelize || opts.sequelize.getDialect?.() !== 'postgres') problems.push('sequelize: must be a Sequelize instance for PostgreSQL');
  if (!opts.componentLoader || typeof opts.componentLoader.add !== 'function') problems.push('componentLoader: must be the host\'s AdminJS ComponentLoader');
  if (typeof opts.currentUserId !== 'function') problems.push('currentUserId: must be a function (ctx) => the logged-in user\'s id or null');
  const users = userColumns(opts.users, problems);
  const parsed = schema.safeParse(opts);
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  if (problems.length || !parsed.success) throw new PluginOptionsError(problems);
  const o = parsed.data;
  const { enabled: _g, ...google } = o.connectors.google;
  const config: CoreConfig = {
    baseUrl: o.baseUrl,
    adminRootPath: o.adminRootPath,
    google: Object.freeze(google),
    githubApiUrl: o.connectors.github?.apiUrl ?? 'https://api.github.com',
    slackApiUrl: o.connectors.slack?.apiUrl ?? 'https://slack.com/api',
    jobsEnabled: o.jobs,
    routingCache: o.routingCache,
    slackOutboxWake: o.connectors.slack?.wake !== false,
    secureCookies: o.baseUrl.startsWith('https://'),
  };
  return {
    config: Object.freeze(config),
    users,
    enabled: {
      github: o.connectors.github?.enabled !== false,
      slack: o.connectors.slack?.enabled !== false,
      google: o.connectors.google.enabled !== false,
    },
  };
}
