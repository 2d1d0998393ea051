// Block Kit pieces for the buttons TimeTracker puts on its Slack messages. Every message keeps its
// plain `text` (the notification and screen-reader fallback); the blocks repeat that text in a
// section and add the controls. Button and option labels are plain_text, which Slack never parses
// for mentions, so project names need no escaping there (they are cut to Slack's 75 characters).
import type { Project } from '../../models/index.js';

/** The action ids TimeTracker handles on /api/integrations/slack/interactions (interactions.ts). */
export const ACTION_STOP = 'tt_stop';
export const ACTION_START = 'tt_start';
export const ACTION_SWITCH = 'tt_switch';
export const ACTION_KEEP = 'tt_keep';
export const ACTION_STOP_AT = 'tt_stop_at';

/** The block_id naming the entry of a block's controls (a timepicker has no `value` of its own). */
export const entryBlockId = (entryId: number) => `tt_entry:${entryId}`;
export const entryOfBlockId = (blockId: string | undefined | null): string | null => /^tt_entry:(\d{1,9})$/.exec(blockId ?? '')?.[1] ?? null;

export type Block = Record<string, unknown>;

/** Slack's limits: 75 characters per label, 100 options per select, 25 elements per actions block. */
const LABEL_MAX = 75;
const OPTIONS_MAX = 100;
const ELEMENTS_MAX = 25;

const label = (text: string) => ({ type: 'plain_text', text: text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX - 1)}…` : text, emoji: false });

export const section = (mrkdwn: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text: mrkdwn } });

export const stopButton = (entryId: number, text = 'Stop'): Block => ({
  type: 'button',
  action_id: ACTION_STOP,
  text: label(text),
  value: String(entryId),
  style: 'danger',
});

/** A project picker; choosing an option switches the running timer to that project in one step. */
export function switchPicker(projects: readonly Pick<Project, 'id' | 'name'>[]): Block | null {
  if (projects.length === 0) return null;
  return {
    type: 'static_select',
    action_id: ACTION_SWITCH,
    placeholder: label('Switch project'),
    options: projects.slice(0, OPTIONS_MAX).map((p) => ({ text: label(p.name), value: String(p.id) })),
  };
}

const actions = (elements: Array<Block | null>): Block => ({ type: 'actions', elements: elements.filter((e): e is Block => e !== null).slice(0, ELEMENTS_MAX) });

/** Text + Stop + Switch project, for a reply about a running timer (the picker omits the current project). */
export function runningTimerBlocks(text: string, entry: { id: number; project_id: number }, projects: readonly Pick<Project, 'id' | 'name'>[]): Block[] {
  return [section(text), actions([stopButton(entry.id), switchPicker(projects.filter((p) => p.id !== entry.project_id))])];
}

/** Text + one Start button per project (value = project id). */
export function startChoiceBlocks(text: string, projects: readonly Pick<Project, 'id' | 'name'>[]): Block[] {
  return [section(text), actions(projects.map((p) => ({ type: 'button', action_id: ACTION_START, text: label(p.name), value: String(p.id) })))];
}

/** The channel notification of a start: its text and a Stop timer button for that entry. */
export function timerStartedBlocks(text: string, entryId: number): Block[] {
  return [section(text), actions([stopButton(entryId, 'Stop timer')])];
}

/**
 * The "still working?" reminder: Keep running (snooze, tt_keep) and Stop now (tt_stop), value = entry
 * id, and a Stop at… timepicker (tt_stop_at) that ends the entry at an earlier time (block_id names the entry).
 */
export function reminderBlocks(text: string, entryId: number): Block[] {
  return [
    section(text),
    {
      ...actions([
        { type: 'button', action_id: ACTION_KEEP, text: label('Keep running'), value: String(entryId), style: 'primary' },
        stopButton(entryId, 'Stop now'),
        { type: 'timepicker', action_id: ACTION_STOP_AT, placeholder: label('Stop at…') },
      ]),
      block_id: entryBlockId(entryId),
    },
  ];
}

/** A message without controls (what a clicked message is replaced with). */
export const plainBlocks = (text: string): Block[] => [section(text)];
