// The timesheet's data (GET /api/timesheet, docs/api/REST_API.md "Timesheet") and the calendar
// arithmetic the page needs: local dates and wall-clock times in the user's time zone, which need
// not be the browser's.
export interface WeekRow {
  project_id: number;
  project_name: string;
  task_id: number | null;
  task_name: string | null;
  external_ref: string | null;
  days: number[];
  total_seconds: number;
}

export interface WeekEntry {
  id: number;
  project_id: number;
  task_id: number | null;
  start_time: string;
  end_time: string | null;
  notes: string | null;
  billable: boolean;
  source: string;
  running: boolean;
  days: number[];
}

export interface Week {
  timezone: string;
  week_start: string;
  week_end: string;
  days: string[];
  today: string;
  rows: WeekRow[];
  day_totals: number[];
  total_seconds: number;
  running: { entry_id: number; project_id: number; task_id: number | null; day: number; start_time: string } | null;
  entries: WeekEntry[];
}

/** A cell's row: the same project and task. */
export const sameRow = (a: { project_id: number; task_id: number | null }, b: { project_id: number; task_id: number | null }) =>
  a.project_id === b.project_id && a.task_id === b.task_id;

const DAY_MS = 86_400_000;
const noon = (date: string) => new Date(`${date}T12:00:00Z`);
export const addDays = (date: string, n: number) => new Date(noon(date).getTime() + n * DAY_MS).toISOString().slice(0, 10);

/** "Mon" and "2 Mar" of a calendar date. */
export function dayParts(date: string): { weekday: string; day: string } {
  const d = noon(date);
  return {
    weekday: d.toLocaleDateString('en-GB', { weekday: 'short', timeZone: 'UTC' }),
    day: d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' }),
  };
}

/** "Tuesday, 3 March 2026". */
export const longDay = (date: string) => noon(date).toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "2 – 8 March 2026", "30 March – 5 April 2026", "29 December 2025 – 4 January 2026". */
export function weekTitle(start: string, end: string): string {
  const fmt = (date: string, o: Intl.DateTimeFormatOptions) => noon(date).toLocaleDateString('en-GB', { ...o, timeZone: 'UTC' });
  if (start.slice(0, 4) !== end.slice(0, 4)) return `${fmt(start, { day: 'numeric', month: 'long', year: 'numeric' })} – ${fmt(end, { day: 'numeric', month: 'long', year: 'numeric' })}`;
  if (start.slice(0, 7) !== end.slice(0, 7)) return `${fmt(start, { day: 'numeric', month: 'long' })} – ${fmt(end, { day: 'numeric', month: 'long', year: 'numeric' })}`;
  return `${fmt(start, { day: 'numeric' })} – ${fmt(end, { day: 'numeric', month: 'long', year: 'numeric' })}`;
}

/** A zone for people: "Europe/Berlin" → "Europe/Berlin", "America/Los_Angeles" → "America/Los Angeles", "Etc/GMT-5" → "UTC+5". */
export function zoneName(timeZone: string): string {
  const fixed = /^Etc\/GMT([+-])(\d{1,2})$/.exec(timeZone);
  if (fixed) return `UTC${fixed[1] === '-' ? '+' : '-'}${fixed[2]}`;
  return timeZone.replace(/_/g, ' ');
}

/** Milliseconds the zone's wall clock is ahead of UTC at an instant. */
function offsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(at / 1000) * 1000;
}

/** `YYYY-MM-DDTHH:MM` (a datetime-local value) of an instant on the zone's wall clock. */
export function wallClock(iso: string, timeZone: string): string {
  const at = Date.parse(iso);
  return new Date(at + offsetMs(at, timeZone)).toISOString().slice(0, 16);
}

/** The instant a wall-clock `YYYY-MM-DDTHH:MM` names in the zone (a time skipped by DST moves forward). */
export function zonedInstant(local: string, timeZone: string): string | null {
  const wall = Date.parse(`${local}:00Z`);
  if (Number.isNaN(wall)) return null;
  let guess = wall - offsetMs(wall, timeZone);
  guess = wall - offsetMs(guess, timeZone);
  return new Date(guess).toISOString();
}

/** "09:00" of an instant in the zone. */
export const clock = (iso: string, timeZone: string) => wallClock(iso, timeZone).slice(11);
