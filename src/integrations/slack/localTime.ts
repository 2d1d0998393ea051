// Wall-clock arithmetic in an IANA time zone (DST-safe, Intl only): which instant is "18:00 on
// 2025-03-09 in America/Los_Angeles", and calendar-day steps on YYYY-MM-DD strings.

/** Milliseconds the zone is ahead of UTC at an instant (e.g. -7 h for PDT). */
export function zoneOffsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wallAsUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return wallAsUtc - Math.floor(at / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `timeZone` shows `time` (HH:MM) on `date` (YYYY-MM-DD).
 * An ambiguous time (clocks turned back) resolves to its first occurrence; a time that does not
 * exist (clocks turned forward) to the same distance after the jump, e.g. 02:30 → 03:30.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const before = zoneOffsetMs(wall - 86_400_000, timeZone);
  const after = zoneOffsetMs(wall + 86_400_000, timeZone);
  const valid = [...new Set([wall - before, wall - after])]
    .filter((t) => t + zoneOffsetMs(t, timeZone) === wall)
    .sort((a, b) => a - b);
  return new Date(valid.length > 0 ? valid[0] : wall - before);
}

/**
 * The latest instant at or before `now` at which the wall clock in `timeZone` shows `time` (HH:MM):
 * today's, or yesterday's when today's is still ahead.
 */
export function latestWallTime(time: string, timeZone: string, now: Date, today: string): Date {
  const sameDay = zonedInstant(today, time, timeZone);
  return sameDay.getTime() <= now.getTime() ? sameDay : zonedInstant(previousDate(today), time, timeZone);
}

/** The calendar day before a YYYY-MM-DD date. */
export function previousDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}
