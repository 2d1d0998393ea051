// Slack settings: the strict input schema of POST /config, the typed view of the stored config
// (with its documented defaults), saving (blank secret keeps, null clears; is_active = bot token present)
// and the status presenter (never a secret).
import type { Transaction } from 'sequelize';
import { z } from 'zod';
import { lockKey } from '../../db/sequelize.js';
import { badRequest, invalidFields, validation } from '../../errors.js';
import { checkInput, type FieldErrors } from '../../validation/validate.js';
import { formBool } from '../../validation/schemas.js';
import { db, Integration, type User } from '../../models/index.js';
import type { StoredConfig } from '../../models/integration.js';
import { findIntegration, getOrCreateIntegration, mergeConfig, secretState } from '../connector.js';
import { healthFields, resetOnChange, type HealthState } from '../health.js';
import type { ConnectorIdentity } from '../types.js';

/** Who this connector is; its descriptor (index.ts) spreads it, the rest of the app derives from it. */
export const IDENTITY = {
  provider: 'slack_connector',
  slug: 'slack',
  title: 'Slack',
  secretKeys: ['bot_token', 'signing_secret'],
  source: 'slack',
  settingLabels: {
    bot_token: 'Bot token', signing_secret: 'Signing secret', channel_id: 'Channel', notify_on_start: 'Post when a timer starts',
    notify_on_stop: 'Post when a timer stops', daily_summary: 'Daily summary', daily_summary_time: 'Daily summary at', linked_slack_user_id: 'Your Slack user ID',
  },
} as const satisfies ConnectorIdentity;
export const PROVIDER = IDENTITY.provider;
/** Config keys holding secrets: sealed at rest, never shown. */
export const SECRET_KEYS: readonly string[] = IDENTITY.secretKeys;
export const DEFAULT_SUMMARY_TIME = '18:00';
export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;
export const CHANNEL = /^(#[\p{L}\p{N}_.-]{1,80}|[CG][A-Z0-9]{2,})$/u;
export const EVENTS_PATH = '/api/integrations/slack/events';
export const INTERACTIONS_PATH = '/api/integrations/slack/interactions';

/** Optional text field: undefined = untouched, "" or null = cleared, otherwise must match. */
function optionalText(re: RegExp, message: string, normalise: (v: string) => string = (v) => v) {
  return z.unknown().transform((v, ctx): string | null | undefined => {
    if (v === undefined) return undefined;
    if (v === null) return null;
    if (typeof v !== 'string') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be text' });
      return z.NEVER;
    }
    const t = normalise(v.trim());
    if (t === '') return null;
    if (!re.test(t)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message });
      return z.NEVER;
    }
    return t;
  });
}

const secret = z.union([z.string().max(500, 'must be at most 500 characters'), z.null()]).optional();

export const saveSchema = z.object({
  bot_token: secret,
  signing_secret: secret,
  channel_id: optionalText(CHANNEL, 'must be a channel name like #general or a channel id like C0123456789', (v) =>
    v.startsWith('#') ? v.toLowerCase() : v,
  ),
  notify_on_start: formBool.optional(),
  notify_on_stop: formBool.optional(),
  daily_summary: formBool.optional(),
  daily_summary_time: optionalText(HHMM, 'must be HH:MM (24-hour clock, e.g. 18:00)'),
  linked_slack_user_id: optionalText(SLACK_USER_ID, 'must be a Slack user id like U0123ABCD (or W… on Enterprise Grid)'),
});

export interface SlackSettings {
  channel_id: string | null;
  notify_on_start: boolean;
  notify_on_stop: boolean;
  daily_summary: boolean;
  daily_summary_time: string;
  linked_slack_user_id: string | null;
  slack_team_id: string | null;
}

function bool(v: unknown, fallback: boolean): boolean {
  if (typeof v === 'boolean') return v;
  const parsed = formBool.safeParse(v);
  return v !== undefined && v !== null && parsed.success ? parsed.data : fallback;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** The stored config read with its documented defaults; a malformed stored time falls back to 18:00. */
export function readSettings(config: StoredConfig): SlackSettings {
  const time = text(config.daily_summary_time);
  return {
    channel_id: text(config.channel_id),
    notify_on_start: bool(config.notify_on_start, true),
    notify_on_stop: bool(config.notify_on_stop, true),
    daily_summary: bool(config.daily_summary, false),
    daily_summary_time: time && HHMM.test(time) ? time : DEFAULT_SUMMARY_TIME,
    linked_slack_user_id: text(config.linked_slack_user_id),
    slack_team_id: text(config.slack_team_id),
  };
}

export const hasBotToken = (config: StoredConfig): boolean => typeof config.bot_token === 'string' && config.bot_token !== '';

export type SlackStatus = Omit<SlackSettings, 'slack_team_id'> & {
  id: number | null;
  connected: boolean;
  has_signing_secret: boolean;
  events_url: string;
  interactions_url: string;
  state: HealthState;
  last_error: string | null;
  last_error_at: Date | null;
  last_success_at: Date | null;
};

/** Changing any of these makes an earlier test or delivery say nothing about the new settings. */
const CONNECTION_KEYS = ['bot_token', 'signing_secret', 'channel_id'] as const;

function secretProblem(config: StoredConfig): string | null {
  const broken = SECRET_KEYS.find((k) => secretState(config, k) === 'undecryptable');
  return broken ? `${broken}: stored secret cannot be decrypted; re-enter it` : null;
}

export function presentStatus(row: Integration | null, baseUrl: string): SlackStatus {
  const { slack_team_id: _team, ...settings } = readSettings(row?.config ?? {});
  const problem = row ? secretProblem(row.config) : null;
  return {
    id: row?.id ?? null,
    connected: Boolean(row?.is_active),
    ...settings,
    has_signing_secret: row ? secretState(row.config, 'signing_secret') === 'set' : false,
    events_url: `${baseUrl}${EVENTS_PATH}`,
    interactions_url: `${baseUrl}${INTERACTIONS_PATH}`,
    ...healthFields(row, { configured: Boolean(row?.is_active), problem }),
    last_error: problem ?? row?.last_error ?? null,
  };
}

export async function slackStatus(user: Pick<User, 'id'>, baseUrl: string): Promise<SlackStatus> {
  return presentStatus(await findIntegration(PROVIDER, user.id), baseUrl);
}

const TAKEN = 'this Slack user is already linked to another TimeTracker account';

async function linkedElsewhere(slackUser: string, userId: number, transaction?: Transaction): Promise<boolean> {
  const [taken] = (await db().query(
    `SELECT id FROM integrations
      WHERE provider = 'slack_connector' AND (config->>'linked_slack_user_id') = $1 AND user_id <> $2 LIMIT 1`,
    { bind: [slackUser, userId], transaction },
  )) as [unknown[], unknown];
  return taken.length > 0;
}

/** Every problem of the form at once (schema and a Slack user linked elsewhere), as one 400. */
async function validateSave(user: User, body: unknown): Promise<z.infer<typeof saveSchema>> {
  const checked = checkInput(saveSchema, body);
  if (!checked.ok && Object.keys(checked.fields).length === 0) throw badRequest(checked.general[0] ?? 'Invalid input');
  const fields: FieldErrors = checked.ok ? {} : { ...checked.fields };
  const given = body && typeof body === 'object' ? (body as Record<string, unknown>).linked_slack_user_id : undefined;
  const linked = saveSchema.shape.linked_slack_user_id.safeParse(given);
  if (!fields.linked_slack_user_id && linked.success && linked.data && (await linkedElsewhere(linked.data, user.id))) fields.linked_slack_user_id = TAKEN;
  if (!checked.ok || Object.keys(fields).length > 0) throw invalidFields(fields);
  return checked.data;
}

/**
 * Saves the form. A Slack user id may be linked to one TimeTracker account only (commands are
 * routed by it); the check is repeated under a transaction-scoped advisory lock so two saves cannot race.
 */
export async function saveSlackConfig(user: User, body: unknown, baseUrl: string): Promise<SlackStatus> {
  const input = await validateSave(user, body);
  await getOrCreateIntegration(IDENTITY, user);
  const sequelize = db();
  await sequelize.transaction(async (transaction) => {
    const slackUser = input.linked_slack_user_id;
    if (slackUser) {
      await sequelize.query('SELECT pg_advisory_xact_lock($1::bigint)', { bind: [lockKey(`slack-link:${slackUser}`)], transaction });
      if (await linkedElsewhere(slackUser, user.id, transaction)) throw validation('linked_slack_user_id', TAKEN);
    }
    const row = (await findIntegration(PROVIDER, user.id, transaction))!;
    await row.reload({ transaction, lock: transaction.LOCK.UPDATE });
    const next = mergeConfig(row.config, input, SECRET_KEYS);
    await row.update({ config: next, is_active: hasBotToken(next), ...resetOnChange(row.config, next, CONNECTION_KEYS) }, { transaction });
  });
  return slackStatus(user, baseUrl);
}
