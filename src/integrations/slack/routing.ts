// Which integration a Slack request belongs to, decided without scanning every row:
//  1. a slash command's `user_id` selects the rows whose `linked_slack_user_id` matches
//     (expression index `integrations_slack_user_idx`), and only THAT row's signing secret may
//     verify it: two TimeTracker users sharing one Slack app each control only their own timer;
//  2. otherwise (unlinked user, Events API) a bounded candidate set: rows that learned the same
//     Slack team id (index `integrations_slack_team_idx`, at most TEAM_LIMIT) plus the most
//     recently updated rows that have not learned a team yet (at most UNLEARNED_LIMIT).
// The body fields used here are untrusted routing hints: nothing acts on them until a signature
// made with the chosen row's secret has been verified.
import { QueryTypes } from 'sequelize';
import { db, Integration } from '../../models/index.js';
import type { StoredConfig } from '../../models/integration.js';
import { readSecret } from '../connector.js';
import { matchSecret, type SignedEnvelope } from './verifyRequest.js';

export const LINKED_LIMIT = 5;
export const TEAM_LIMIT = 20;
export const UNLEARNED_LIMIT = 10;

export interface CandidateRow {
  id: number;
  user_id: number;
  is_active: boolean;
  config: StoredConfig;
  last_success_at: Date | null;
}

const COLUMNS = 'id, user_id, is_active, config, last_success_at';
const ELIGIBLE = `provider = 'slack_connector' AND is_active AND (config->>'signing_secret') IS NOT NULL`;

async function select(sql: string, bind: unknown[]): Promise<CandidateRow[]> {
  return db().query<CandidateRow>(sql, { bind, type: QueryTypes.SELECT });
}

/** Rows linked to a Slack user id (one indexed lookup; normally one row). */
export function rowsLinkedTo(slackUserId: string): Promise<CandidateRow[]> {
  return select(
    `SELECT ${COLUMNS} FROM integrations
      WHERE provider = 'slack_connector' AND (config->>'linked_slack_user_id') = $1
      ORDER BY id LIMIT ${LINKED_LIMIT}`,
    [slackUserId],
  );
}

/** Bounded set of other rows that may share the Slack app: same team first, then unlearned rows. */
export async function rowsForTeam(teamId: string | null, excludeIds: number[]): Promise<CandidateRow[]> {
  const sameTeam = teamId
    ? await select(
        `SELECT ${COLUMNS} FROM integrations
          WHERE ${ELIGIBLE} AND (config->>'slack_team_id') = $1
          ORDER BY (config->>'slack_team_id'), updated_at DESC LIMIT ${TEAM_LIMIT}`,
        [teamId],
      )
    : [];
  const unlearned = await select(
    `SELECT ${COLUMNS} FROM integrations
      WHERE ${ELIGIBLE} AND (config->>'slack_team_id') IS NULL
      ORDER BY (config->>'slack_team_id'), updated_at DESC LIMIT ${UNLEARNED_LIMIT}`,
    [],
  );
  const skip = new Set(excludeIds);
  return [...sameTeam, ...unlearned].filter((r) => !skip.has(r.id));
}

/** Events API requests carry no user (url_verification not even a team): the most recently updated rows. */
export function recentRows(): Promise<CandidateRow[]> {
  return select(`SELECT ${COLUMNS} FROM integrations WHERE ${ELIGIBLE} ORDER BY updated_at DESC LIMIT ${TEAM_LIMIT}`, []);
}

/** The row's signing secret, or null when missing or undecryptable (such a row verifies nothing). */
export function signingSecretOf(row: CandidateRow): string | null {
  const read = readSecret(row.config, 'signing_secret');
  return read.ok ? read.value : null;
}

/** The first candidate whose secret produced the signature, or null. */
export function verifiedAmong(envelope: SignedEnvelope, rawBody: Buffer, rows: CandidateRow[]): CandidateRow | null {
  const index = matchSecret(envelope, rawBody, rows.map(signingSecretOf));
  return index >= 0 ? rows[index] : null;
}

export type CommandRoute =
  | { kind: 'linked'; row: CandidateRow }
  | { kind: 'inactive' }
  | { kind: 'not_linked' }
  | { kind: 'secret_mismatch' }
  | { kind: 'ambiguous' }
  | { kind: 'invalid' };

/** Routes a slash command by its Slack user id; see the header comment. */
export async function routeCommand(
  envelope: SignedEnvelope,
  rawBody: Buffer,
  hints: { slackUserId: string | null; teamId: string | null },
): Promise<CommandRoute> {
  const linked = hints.slackUserId ? await rowsLinkedTo(hints.slackUserId) : [];
  const verified = linked.filter((row) => verifiedAmong(envelope, rawBody, [row]) !== null);
  if (verified.length > 1) return { kind: 'ambiguous' };
  if (verified.length === 1) return verified[0].is_active ? { kind: 'linked', row: verified[0] } : { kind: 'inactive' };
  const other = verifiedAmong(envelope, rawBody, await rowsForTeam(hints.teamId, linked.map((r) => r.id)));
  if (!other) return { kind: 'invalid' };
  return linked.length > 0 ? { kind: 'secret_mismatch' } : { kind: 'not_linked' };
}

/** Records the workspace a verified request came from, so later unlinked requests find the row. */
export async function learnTeam(row: Pick<CandidateRow, 'id' | 'config'>, teamId: string | null): Promise<void> {
  if (!teamId || !/^[TE][A-Z0-9]{2,}$/.test(teamId) || row.config.slack_team_id === teamId) return;
  await db().query(
    `UPDATE integrations SET config = jsonb_set(config, '{slack_team_id}', to_jsonb($2::text))
      WHERE id = $1 AND (config->>'slack_team_id') IS DISTINCT FROM $2`,
    { bind: [row.id, teamId] },
  );
}
