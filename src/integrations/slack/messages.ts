// Every text the Slack connector sends: channel notifications, the daily summary, the test
// message and the slash-command replies (wording fixed by docs/integrations/SLACK.md). User-provided names are escaped for
// Slack mrkdwn (&, <, >), so a project called "<!channel>" cannot ping a whole channel.
import { formatDuration, localClock } from '../../services/time.js';

export const TEST_MESSAGE = ':wave: TimeTracker test message.';

/** Slack's three control characters; everything else is shown as typed. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface StartedInput {
  displayName: string;
  project: string;
  task?: string | null;
  startedAt: Date;
  timeZone: string;
}

export function timerStartedText(m: StartedInput): string {
  const project = m.task ? `${esc(m.project)} — ${esc(m.task)}` : esc(m.project);
  return [
    `:stopwatch: *${esc(m.displayName)}* started a timer`,
    `*Project:* ${project}`,
    `*Started at:* ${localClock(m.startedAt, m.timeZone)}`,
  ].join('\n');
}

export interface StoppedInput {
  displayName: string;
  project: string;
  durationSeconds: number;
  billable: boolean;
}

export function timerStoppedText(m: StoppedInput): string {
  return [
    `:white_check_mark: *${esc(m.displayName)}* stopped a timer`,
    `*Project:* ${esc(m.project)}`,
    `*Duration:* ${formatDuration(m.durationSeconds)}`,
    `*Billable:* ${m.billable ? 'Yes' : 'No'}`,
  ].join('\n');
}

/** A duration as h:mm (4:02), for the runaway-timer messages. */
export function hoursMinutes(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}`;
}

/** The runaway_timers job stopped the timer at start + auto_stop_after_hours. */
export function autoStoppedText(m: { project: string; durationSeconds: number; stoppedAt: Date; timeZone: string }): string {
  return `Your timer on *${esc(m.project)}* ran ${hoursMinutes(m.durationSeconds)} and was stopped automatically at ${localClock(m.stoppedAt, m.timeZone)}.`;
}

/** The timer passed remind_after_hours (sent with Keep running / Stop now buttons). */
export function reminderText(m: { project: string; runningSeconds: number }): string {
  return `Still working on *${esc(m.project)}*? Running for ${hoursMinutes(m.runningSeconds)}.`;
}

export function dailySummaryText(m: { displayName: string; hours: number; projects: number }): string {
  return [
    `:bar_chart: *Daily summary for ${esc(m.displayName)}*`,
    `*Hours logged:* ${m.hours}h across ${m.projects} project(s)`,
    'Have a great evening!',
  ].join('\n');
}

// Slash-command replies.
export const reply = {
  help: [
    '*TimeTracker commands*',
    '• `/tt start [project]` — start a timer (project name or id; without one, your last project)',
    '• `/tt stop` — stop the running timer',
    '• `/tt status` — show the running timer',
    '• `/tt today` — hours logged today',
  ].join('\n'),
  startUsage: 'Usage: `/tt start <project name or id>` (you have no earlier entry to continue from).',
  started: (project: string) => `:stopwatch: Timer started on *${esc(project)}*.`,
  alreadyRunning: (project: string, seconds: number) =>
    `:warning: You already have an active timer on *${esc(project)}* (running ${formatDuration(seconds)}). Stop it with \`/tt stop\` first.`,
  stopped: (seconds: number) => `:white_check_mark: Timer stopped (duration ${formatDuration(seconds)}).`,
  nothingToStop: 'No active timer found.',
  status: (project: string, seconds: number) => `:hourglass_flowing_sand: Active timer on *${esc(project)}* (running ${formatDuration(seconds)}).`,
  noTimer: 'No active timer.',
  today: (hours: number, projects: number) => `:bar_chart: Today: *${hours}h* across *${projects}* project(s).`,
  noMatch: (query: string) => `:x: No active project you can use matches "${esc(query)}".`,
  notActive: (project: string, status: string) => `:x: Project *${esc(project)}* is ${status}; choose an active project.`,
  ambiguous: (query: string, names: Array<{ id: number; name: string }>) =>
    `Several projects match "${esc(query)}": ${names.map((p) => `*${esc(p.name)}* (id ${p.id})`).join(', ')}. Use the full name or the id.`,
  failed: (message: string) => `:x: ${esc(message)}`,
  notLinked: (slackUserId: string) =>
    `This Slack account is not linked to TimeTracker. Add your Slack user ID \`${esc(slackUserId)}\` under Personal connectors → Slack.`,
  secretMismatch:
    'This Slack account is linked to TimeTracker, but the signing secret saved there does not match this Slack app. Re-enter it under Personal connectors → Slack.',
  ambiguousLink: 'This Slack account is linked to more than one TimeTracker account. Ask an administrator to fix the links.',
  connectorOff: 'Your Slack connector in TimeTracker is switched off. Add the bot token under Personal connectors → Slack.',
  accountInactive: 'Your TimeTracker account is deactivated.',
  error: 'Something went wrong while handling the command. Please try again.',
};

// Answers to clicks on TimeTracker's buttons (interactions.ts).
export const clickReply = {
  alreadyStopped: 'That timer already stopped.',
  notYourTimer: ':x: That is not your timer; you can only stop your own. Nothing was changed.',
  projectUnavailable: ':x: That project is not available to you. Nothing was changed.',
  unknownAction: ':x: TimeTracker does not know that button. Nothing was changed.',
  malformed: ':x: TimeTracker could not read that request. Nothing was changed.',
  notYourReminder: ':x: That is not your timer. Nothing was changed.',
  beforeStart: (startedAt: string) => `:x: That is before the timer started (${startedAt}). Pick a later time. Nothing was changed.`,
  stoppedAt: (at: string, seconds: number) => `:white_check_mark: Timer stopped at ${at} (duration ${formatDuration(seconds)}).`,
  kept: (project: string, hours: number) => `:+1: Keeping your timer on *${esc(project)}* running. Next reminder in ${hours} h.`,
  switched: (project: string, stoppedSeconds: number | null) =>
    stoppedSeconds === null
      ? `:repeat: Switched to *${esc(project)}*.`
      : `:repeat: Switched to *${esc(project)}* (previous timer ran ${formatDuration(stoppedSeconds)}).`,
};
