// Timer notifications. The handlers run inside the timer request (after the change is committed),
// so they only read the user's Slack row and INSERT an outbox message: no Slack call, no waiting.
// Every start/stop path goes through the timer service, so REST, AdminJS, Slack and GitHub starts
// are all covered. The text is frozen at enqueue time (times in the user's time zone). The
// runaway_timers job's events land here too: an automatic stop is told to the user whatever
// notify_on_stop says, and `timer.reminder_due` becomes "Still working?" with Keep running / Stop now.
import type { EventBus, ReminderDuePayload, TimerEventPayload } from '../../events.js';
import { isValidTimeZone } from '../../services/time.js';
import { findActiveIntegration } from '../connector.js';
import { hasBotToken, readSettings, PROVIDER } from './settings.js';
import { autoStoppedText, reminderText, timerStartedText, timerStoppedText } from './messages.js';
import { reminderBlocks, timerStartedBlocks } from './blocks.js';
import { enqueueMessage } from './outbox.js';

type Which = 'started' | 'stopped';

export function zoneOf(user: { timezone?: string | null }): string {
  return user.timezone && isValidTimeZone(user.timezone) ? user.timezone : 'UTC';
}

/** The user's active Slack row and channel, when they have both. */
async function userChannel(userId: number): Promise<{ integrationId: number; channel: string; settings: ReturnType<typeof readSettings> } | null> {
  const row = await findActiveIntegration(PROVIDER, userId);
  if (!row || !hasBotToken(row.config)) return null;
  const settings = readSettings(row.config);
  return settings.channel_id ? { integrationId: row.id, channel: settings.channel_id, settings } : null;
}

/**
 * An automatic stop (runaway_timers) always tells the user, whatever notify_on_stop says: they did
 * not stop it themselves. One message per entry (dedupe key).
 */
async function enqueueAutoStopNotice({ entry, user, project }: TimerEventPayload): Promise<boolean> {
  const target = await userChannel(user.id);
  if (!target || !entry.end_time) return false;
  const text = autoStoppedText({ project: project.name, durationSeconds: entry.duration_seconds ?? 0, stoppedAt: entry.end_time, timeZone: zoneOf(user) });
  return enqueueMessage({ integrationId: target.integrationId, kind: 'timer_auto_stopped', channel: target.channel, text, dedupeKey: `slack-timer:${entry.id}:auto_stopped` });
}

/** The "still working?" reminder with Keep running / Stop now; one per claim (reminded_at) of the entry. */
export async function enqueueReminder({ entry, user, project, runningSeconds }: ReminderDuePayload): Promise<boolean> {
  const target = await userChannel(user.id);
  if (!target || !entry.reminded_at) return false;
  const text = reminderText({ project: project.name, runningSeconds });
  return enqueueMessage({
    integrationId: target.integrationId,
    kind: 'timer_reminder',
    channel: target.channel,
    text,
    blocks: reminderBlocks(text, entry.id),
    dedupeKey: `slack-remind:${entry.id}:${new Date(entry.reminded_at).getTime()}`,
  });
}

/** Queues the channel message for a timer event when the user's Slack connector wants it. */
export async function enqueueTimerNotification(which: Which, payload: TimerEventPayload): Promise<boolean> {
  const { entry, user, project, task } = payload;
  if (which === 'stopped' && entry.auto_stopped) return enqueueAutoStopNotice(payload);
  const target = await userChannel(user.id);
  if (!target) return false;
  const { settings } = target;
  if (which === 'started' ? !settings.notify_on_start : !settings.notify_on_stop) return false;
  const displayName = user.displayName;
  const text =
    which === 'started'
      ? timerStartedText({ displayName, project: project.name, task: task?.name ?? null, startedAt: entry.start_time, timeZone: zoneOf(user) })
      : timerStoppedText({ displayName, project: project.name, durationSeconds: entry.duration_seconds ?? 0, billable: entry.billable });
  return enqueueMessage({
    integrationId: target.integrationId,
    kind: which === 'started' ? 'timer_started' : 'timer_stopped',
    channel: target.channel,
    text,
    // A start carries a Stop timer button (tt_stop, handled by interactions.ts) for that entry.
    blocks: which === 'started' ? timerStartedBlocks(text, entry.id) : undefined,
    dedupeKey: `slack-timer:${entry.id}:${which}`,
  });
}

export function subscribeNotifications(bus: EventBus): void {
  bus.on('timer.started', 'slack-notify', async (payload) => {
    await enqueueTimerNotification('started', payload);
  });
  bus.on('timer.stopped', 'slack-notify', async (payload) => {
    await enqueueTimerNotification('stopped', payload);
  });
  bus.on('timer.reminder_due', 'slack-remind', async (payload) => {
    await enqueueReminder(payload);
  });
}
