// Shared by the list and show cells: the viewer's timezone (their profile's, as reports and the
// timesheet use; the browser's until it is known) and the formats the panel shows.
import { useEffect, useState } from 'react';
import { apiGet } from '../connectors/api.js';

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
let zone: Promise<string> | null = null;

/** One `/api/me` per page load, shared by every cell. */
function profileZone(): Promise<string> {
  zone ??= apiGet<{ user?: { timezone?: string } }>('/api/me').then((a) => (a.ok && a.body.user?.timezone) || browserZone());
  return zone;
}

export function useTimezone(): string {
  const [tz, setTz] = useState(browserZone);
  useEffect(() => {
    let live = true;
    profileZone().then((z) => live && setTz(z), () => undefined);
    return () => {
      live = false;
    };
  }, []);
  return tz;
}

/** `Fri, Dec 4, 09:00` in `tz` (24-hour clock); the year only when it is not this year's. */
export function dateTime(value: string | Date, tz: string, now = new Date()): string {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  const year = (x: Date) => new Intl.DateTimeFormat('en-US', { timeZone: tz, year: 'numeric' }).format(x);
  return new Intl.DateTimeFormat('en-US', {
    timeZone: tz, weekday: 'short', month: 'short', day: 'numeric', year: year(d) === year(now) ? undefined : 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).format(d);
}

/** `09:00` in `tz` when `value` falls on the same local day as `other` (an end after its start), else null. */
export function sameDayTime(value: string | Date, other: string | Date | undefined, tz: string): string | null {
  if (!other) return null;
  const day = (x: string | Date) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(x));
  if (Number.isNaN(new Date(other).getTime()) || day(value) !== day(other)) return null;
  return new Intl.DateTimeFormat('en-US', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(value));
}

/** `todo` → `Todo`, `in_progress` → `In progress`. */
export const humanize = (v: string) => {
  const s = v.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
};

/** Keeps words whole inside a table cell (the design system's cells break them to fit), and gives
 * several words room for more than one per line. */
export const WHOLE_WORDS = { wordBreak: 'normal', overflowWrap: 'normal', hyphens: 'manual', display: 'inline-block', minWidth: '7em' } as const;
export const NO_WRAP = { whiteSpace: 'nowrap' } as const;
