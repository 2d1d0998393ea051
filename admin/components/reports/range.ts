// Report ranges as local calendar dates (`YYYY-MM-DD`, both included) in the user's time zone:
// the presets of the Reports page. Weeks start on Monday. Pure functions, so the page and the
// tests compute the same dates.

export const PRESETS = [
  { key: 'this-week', label: 'This week' },
  { key: 'last-week', label: 'Last week' },
  { key: 'this-month', label: 'This month' },
  { key: 'last-month', label: 'Last month' },
  { key: 'custom', label: 'Custom' },
] as const;
export type Preset = (typeof PRESETS)[number]['key'];
export interface Range { from: string; to: string }

const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const utcMs = (day: string) => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));

/** Today's date in `timeZone` (the browser's zone when it is empty or unknown). */
export function localToday(now: Date, timeZone?: string | null): string {
  const format = (tz?: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  try {
    return format(timeZone || undefined);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return format(undefined);
  }
}

/** The dates of a preset around `today` (`YYYY-MM-DD`); `custom` keeps the week as a starting point. */
export function presetRange(preset: Preset, today: string): Range {
  const t = utcMs(today);
  const monday = t - ((new Date(t).getUTCDay() + 6) % 7) * DAY_MS;
  const d = new Date(t);
  const firstOfMonth = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  switch (preset) {
    case 'last-week':
      return { from: iso(monday - 7 * DAY_MS), to: iso(monday - DAY_MS) };
    case 'this-month':
      return { from: iso(firstOfMonth), to: iso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)) };
    case 'last-month':
      return { from: iso(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)), to: iso(firstOfMonth - DAY_MS) };
    case 'this-week':
    case 'custom':
      return { from: iso(monday), to: iso(monday + 6 * DAY_MS) };
  }
}

/** "2 Mar – 8 Mar 2026" for headings. */
export function rangeText({ from, to }: Range): string {
  const fmt = (day: string, withYear: boolean) =>
    new Date(utcMs(day)).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: withYear ? 'numeric' : undefined, timeZone: 'UTC' });
  if (from === to) return fmt(from, true);
  return `${fmt(from, from.slice(0, 4) !== to.slice(0, 4))} – ${fmt(to, true)}`;
}
