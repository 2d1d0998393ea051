// What an exported time entry looks like in Google Calendar: a deterministic event id (so a retry
// can never create a second event) and the event body (summary, description, UTC times, marker).
import crypto from 'node:crypto';
import { formatDuration, secondsBetween } from '../../services/time.js';
import type { GoogleEvent } from './types.js';

/** `extendedProperties.private` key that marks events created by TimeTracker. */
export const EXPORT_MARKER = 'timetracker_entry_id';
const SUMMARY_MAX = 200;

export interface ExportableEntry {
  id: number;
  start_time: Date;
  end_time: Date;
  duration_seconds: number | null;
  notes: string | null;
  project_name: string;
  task_name: string | null;
}

/**
 * Google event ids use base32hex characters (a–v, 0–9), 5–1024 long. "tt" + the hex SHA-256 of
 * `{integrationId}:{entryId}` stays inside that alphabet and is stable across retries.
 */
export function eventIdFor(integrationId: number, entryId: number): string {
  return `tt${crypto.createHash('sha256').update(`${integrationId}:${entryId}`).digest('hex')}`;
}

/** `[TT] {project} — {task name or notes[:50]}`, at most 200 characters. */
export function eventSummary(entry: Pick<ExportableEntry, 'project_name' | 'task_name' | 'notes'>): string {
  const detail = entry.task_name?.trim() || (entry.notes ?? '').trim().slice(0, 50).trim();
  const text = detail ? `[TT] ${entry.project_name} — ${detail}` : `[TT] ${entry.project_name}`;
  return [...text].slice(0, SUMMARY_MAX).join('');
}

export function eventBody(entry: ExportableEntry): GoogleEvent {
  const seconds = entry.duration_seconds ?? secondsBetween(entry.start_time, entry.end_time);
  return {
    summary: eventSummary(entry),
    description: `Logged via TimeTracker. Duration: ${formatDuration(seconds)}`,
    start: { dateTime: entry.start_time.toISOString(), timeZone: 'UTC' },
    end: { dateTime: entry.end_time.toISOString(), timeZone: 'UTC' },
    extendedProperties: { private: { [EXPORT_MARKER]: String(entry.id) } },
  };
}
