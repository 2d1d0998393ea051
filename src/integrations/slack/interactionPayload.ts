// The `payload=` form field of POST /api/integrations/slack/interactions, read with a schema.
// Only `block_actions` (a click on one of our buttons or pickers) is handled; anything else, or a
// payload that is not the JSON Slack sends, is "malformed". The user and team ids are routing
// hints until the signature made with the routed row's secret has been verified (routing.ts).
import { z } from 'zod';
import { SLACK_USER_ID } from './settings.js';

const TEAM_ID = /^[TE][A-Z0-9]{2,}$/;

const ActionSchema = z.object({
  action_id: z.string().min(1).max(255),
  value: z.string().max(2000).optional(),
  selected_option: z.object({ value: z.string().max(150) }).nullish(),
  /** A timepicker's choice, HH:MM in the clicker's Slack time zone (we read it in the profile's). */
  selected_time: z.string().max(10).nullish(),
  block_id: z.string().max(255).optional(),
  action_ts: z.string().max(50).optional(),
});

export const InteractionSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().regex(SLACK_USER_ID), team_id: z.string().max(50).optional() }),
  team: z.object({ id: z.string().max(50) }).nullish(),
  trigger_id: z.string().min(1).max(200).optional(),
  response_url: z.string().max(2000).optional(),
  // One click is one action; Slack never sends more in a block_actions payload.
  actions: z.array(ActionSchema).length(1),
  message: z.object({ text: z.string().max(40_000).optional() }).nullish(),
});

export type Interaction = z.infer<typeof InteractionSchema>;
export type InteractionAction = z.infer<typeof ActionSchema>;

export type ParsedInteraction =
  | { ok: true; interaction: Interaction }
  | { ok: false; hints: { slackUserId: string | null; teamId: string | null; responseUrl: string | null } };

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const hint = (v: unknown, re: RegExp): string | null => {
  const s = str(v);
  return s && re.test(s) ? s : null;
};

/** Routing hints from a payload that failed the schema (so the user still gets an answer). */
function looseHints(json: unknown): Extract<ParsedInteraction, { ok: false }>['hints'] {
  const o = json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  const user = o.user && typeof o.user === 'object' ? (o.user as Record<string, unknown>) : {};
  const team = o.team && typeof o.team === 'object' ? (o.team as Record<string, unknown>) : {};
  return { slackUserId: hint(user.id, SLACK_USER_ID), teamId: hint(team.id ?? user.team_id, TEAM_ID), responseUrl: str(o.response_url) };
}

export function parseInteraction(payload: string | null): ParsedInteraction {
  let json: unknown;
  try {
    json = JSON.parse(payload ?? '');
  } catch {
    return { ok: false, hints: { slackUserId: null, teamId: null, responseUrl: null } };
  }
  const parsed = InteractionSchema.safeParse(json);
  return parsed.success ? { ok: true, interaction: parsed.data } : { ok: false, hints: looseHints(json) };
}

export const teamOf = (i: Interaction): string | null => hint(i.team?.id ?? i.user.team_id, TEAM_ID);

/**
 * One id per click: Slack's `trigger_id` (the same in a retried delivery), else action_ts + user +
 * action_id. Recorded in webhook_deliveries (unique per provider), so a repeated delivery acts once.
 */
export function deliveryIdOf(i: Interaction): string {
  const action = i.actions[0];
  const click = i.trigger_id ?? `${action.action_ts ?? ''}:${action.action_id}`;
  return `interaction:${i.user.id}:${click}`;
}
