// The only reader of process.env. Parses every variable once, lists every problem at once,
// and returns a frozen object. Values that are generated on first start in development
// (session secret, encryption key) are resolved later by src/lib/dataDir.ts.
import path from 'node:path';
import { z } from 'zod';
import { parseKeys } from './lib/secrets.js';

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0', 'on', 'off', 'yes', 'no'].includes(v), {
    message: 'must be true or false',
  })
  .transform((v) => ['true', '1', 'on', 'yes'].includes(v));

const url = z.string().trim().url('must be an absolute URL').transform((v) => v.replace(/\/+$/, ''));
const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    BASE_URL: url.optional(),
    DATABASE_URL: optionalString,
    TEST_DATABASE_URL: optionalString,
    DATA_DIR: z.string().trim().default('.data'),
    SESSION_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, {
      message: 'must be at least 32 characters',
    }),
    SETTINGS_ENCRYPTION_KEY: optionalString.superRefine((v, ctx) => {
      if (v === undefined) return;
      try {
        parseKeys(v);
      } catch (err) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message.replace(/^SETTINGS_ENCRYPTION_KEY: /, '') });
      }
    }),
    ADMIN_EMAIL: optionalString.refine((v) => v === undefined || z.string().email().safeParse(v).success, {
      message: 'must be an email address',
    }),
    ADMIN_PASSWORD: optionalString.refine((v) => v === undefined || v.length >= 8, {
      message: 'must be at least 8 characters',
    }),
    DEMO_PASSWORD: optionalString.refine((v) => v === undefined || v.length >= 8, {
      message: 'must be at least 8 characters',
    }),
    GOOGLE_CLIENT_ID: optionalString,
    GOOGLE_CLIENT_SECRET: optionalString,
    GITHUB_API_URL: url.default('https://api.github.com'),
    SLACK_API_URL: url.default('https://slack.com/api'),
    GOOGLE_AUTH_URL: url.default('https://accounts.google.com/o/oauth2/v2/auth'),
    GOOGLE_TOKEN_URL: url.default('https://oauth2.googleapis.com/token'),
    GOOGLE_REVOKE_URL: url.default('https://oauth2.googleapis.com/revoke'),
    GOOGLE_USERINFO_URL: url.default('https://openidconnect.googleapis.com/v1/userinfo'),
    GOOGLE_CALENDAR_API_URL: url.default('https://www.googleapis.com/calendar/v3'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
    JOBS_ENABLED: bool.default('true'),
    ROUTING_CACHE: bool.default('true'),
    SLACK_OUTBOX_WAKE: bool.default('true'),
  });

/** Every environment variable the server reads (documented in .env.example and README.md). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);

/**
 * Rules between variables. Checked on the raw values, next to the per-variable schema, so a bad
 * PORT never hides a missing production secret: every problem is listed at once.
 */
function relationProblems(env: Record<string, string | undefined>): string[] {
  const set = (k: string) => Boolean(env[k]?.trim());
  const problems: string[] = [];
  if (set('GOOGLE_CLIENT_ID') !== set('GOOGLE_CLIENT_SECRET')) {
    problems.push(`${set('GOOGLE_CLIENT_ID') ? 'GOOGLE_CLIENT_SECRET' : 'GOOGLE_CLIENT_ID'}: GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set together`);
  }
  if (set('ADMIN_EMAIL') !== set('ADMIN_PASSWORD')) {
    problems.push(`${set('ADMIN_EMAIL') ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'}: ADMIN_EMAIL and ADMIN_PASSWORD must be set together`);
  }
  if (env.NODE_ENV?.trim() === 'production') {
    if (!set('SESSION_SECRET')) problems.push('SESSION_SECRET: is required in production');
    if (!set('SETTINGS_ENCRYPTION_KEY')) {
      problems.push(
        'SETTINGS_ENCRYPTION_KEY: is required in production (generate one with: node -e "console.log(require(\'crypto\').randomBytes(32).toString(\'base64\'))")',
      );
    }
  }
  return problems;
}

/** What TimeTracker itself needs, in any host (createTimeTrackerPlugin() builds it from its options). */
export interface CoreConfig {
  /** Public URL, without a trailing slash: webhook and OAuth URLs, the same-origin rule. */
  baseUrl: string;
  /** Where the host's AdminJS panel lives, e.g. "/admin". */
  adminRootPath: string;
  google: { clientId?: string; clientSecret?: string; authUrl: string; tokenUrl: string; revokeUrl: string; userinfoUrl: string; calendarApiUrl: string };
  githubApiUrl: string;
  slackApiUrl: string;
  jobsEnabled: boolean;
  /** Cache webhook routing in memory, invalidated by PostgreSQL LISTEN/NOTIFY (src/db/changeFeed.ts). */
  routingCache: boolean;
  /** Wake the Slack outbox worker when a message is queued (NOTIFY + in-process); false = the 5 s poll only. */
  slackOutboxWake: boolean;
  secureCookies: boolean;
}

/** The standalone server's configuration: TimeTracker's, plus the process, database and first admin. */
export interface Config extends CoreConfig {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  databaseUrl?: string;
  testDatabaseUrl?: string;
  dataDir: string;
  sessionSecret?: string;
  settingsEncryptionKey?: string;
  adminEmail?: string;
  adminPassword?: string;
  /** Password of the demo user created by `npm run db:seed` (random when unset). */
  demoPassword?: string;
  logLevel: string;
  /** `auto`: human-readable lines when stdout is a terminal, JSON lines otherwise. */
  logFormat: 'auto' | 'pretty' | 'json';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Readonly<Config> {
  const parsed = schema.safeParse(env);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`)),
    ...relationProblems(env),
  ];
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const e = parsed.data;
  const baseUrl = e.BASE_URL ?? `http://localhost:${e.PORT}`;
  return Object.freeze({
    nodeEnv: e.NODE_ENV,
    port: e.PORT,
    baseUrl,
    adminRootPath: '/admin',
    databaseUrl: e.DATABASE_URL,
    testDatabaseUrl: e.TEST_DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    sessionSecret: e.SESSION_SECRET,
    settingsEncryptionKey: e.SETTINGS_ENCRYPTION_KEY,
    adminEmail: e.ADMIN_EMAIL?.toLowerCase(),
    adminPassword: e.ADMIN_PASSWORD,
    demoPassword: e.DEMO_PASSWORD,
    google: Object.freeze({
      clientId: e.GOOGLE_CLIENT_ID,
      clientSecret: e.GOOGLE_CLIENT_SECRET,
      authUrl: e.GOOGLE_AUTH_URL,
      tokenUrl: e.GOOGLE_TOKEN_URL,
      revokeUrl: e.GOOGLE_REVOKE_URL,
      userinfoUrl: e.GOOGLE_USERINFO_URL,
      calendarApiUrl: e.GOOGLE_CALENDAR_API_URL,
    }),
    githubApiUrl: e.GITHUB_API_URL,
    slackApiUrl: e.SLACK_API_URL,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    jobsEnabled: e.JOBS_ENABLED,
    routingCache: e.ROUTING_CACHE,
    slackOutboxWake: e.SLACK_OUTBOX_WAKE,
    secureCookies: baseUrl.startsWith('https://'),
  });
}
