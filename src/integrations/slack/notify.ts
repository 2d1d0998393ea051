// Timer notifications. The handlers run inside the timer request (after the change is committed),
// so they only read the user's Slack row and INSERT an outbox message: no Slack call, no waiting.
// Every start/stop path goes through the timer service, so REST, AdminJS, Slack and GitHub starts
// are all covered. The text is frozen at enqueue time (times in the user's time zone).
import type { EventBus, TimerEventPayload } from '../../events.js';
import { isValidTimeZone } from '../../services/time.js';
import { findActiveIntegration } from '../connector.js';
import { hasBotToken, readSettings, PROVIDER } from './settings.js';
import { timerStartedText, timerStoppedText } from './messages.js';
import { timerStartedBlocks } from './blocks.js';
import { enqueueMessage } from './outbox.js';

type Which = 'started' | 'stopped';

export function zoneOf(user: { timezone?: string | null }): string {
  return user.timezone && isValidTimeZone(user.timezone) ? user.timezone : 'UTC';
}

/** Queues the channel message for a timer event when the user's Slack connector wants it. */
export async function enqueueTimerNotification(which: Which, { entry, user, project, task }: TimerEventPayload): Promise<boolean> {
  const row = await findActiveIntegration(PROVIDER, user.id);
  if (!row || !hasBotToken(row.config)) return false;
  const settings = readSettings(row.config);
  if (!settings.channel_id) return false;
  if (which === 'started' ? !settings.notify_on_start : !settings.notify_on_stop) return false;
  const displayName = user.displayName;
  const text =
    which === 'started'
      ? timerStartedText({ displayName, project: project.name, task: task?.name ?? null, startedAt: entry.start_time, timeZone: zoneOf(user) })
      : timerStoppedText({ displayName, project: project.name, durationSeconds: entry.duration_seconds ?? 0, billable: entry.billable });
  return enqueueMessage({
    integrationId: row.id,
    kind: which === 'started' ? 'timer_started' : 'timer_stopped',
    channel: settings.channel_id,
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
}
