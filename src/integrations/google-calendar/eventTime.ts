// Calendar times → UTC instants. Google's `dateTime` is RFC 3339 with an offset (parsed as is);
// a wall time without an offset is read in the event's `timeZone` (never in the server's zone).
// All-day events carry only `date` and have no instant here.
import type { GoogleEventTime } from './types.js';

const WITH_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;
const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?$/;

/** Milliseconds the zone's clock is ahead of UTC at an instant. */
function zoneOffsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** A wall-clock time in an IANA zone as a UTC instant (DST-safe: the offset is re-checked once). */
export function wallTimeToInstant(wall: string, timeZone: string): Date | null {
  const m = WALL_TIME.exec(wall);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '0', ms = '0'] = m;
  const naive = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms.padEnd(3, '0')));
  try {
    const first = naive - zoneOffsetMs(naive, timeZone);
    const second = naive - zoneOffsetMs(first, timeZone);
    return new Date(second);
  } catch {
    return null;
  }
}

/** The UTC instant of an event boundary, or null for all-day or unreadable times. */
export function eventInstant(time: GoogleEventTime | undefined): Date | null {
  const value = time?.dateTime?.trim();
  if (!value) return null;
  if (WITH_OFFSET.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : new Date(ms);
  }
  return wallTimeToInstant(value, time?.timeZone || 'UTC');
}
