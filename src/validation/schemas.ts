// Shared zod pieces for request validation.
import { z } from 'zod';
import { isValidTimeZone } from '../services/time.js';

export const id = z.coerce.number({ invalid_type_error: 'must be a number' }).int('must be a whole number').positive('must be a positive id');
export const optionalId = z.union([id, z.null()]).optional();
export const timezone = z.string().trim().refine(isValidTimeZone, 'unknown time zone (use an IANA name such as Europe/Berlin)');
export const isoInstant = z
  .string()
  .trim()
  .refine((v) => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 date-time')
  .transform((v) => new Date(v));
const DAY_MS = 86_400_000;
/** Days since 1970-01-01 of a `YYYY-MM-DD` calendar date, or NaN when it is not one. */
export function dayNumber(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(ms).toISOString().startsWith(text) ? ms / DAY_MS : NaN;
}
/** A calendar date `YYYY-MM-DD` (no time, no zone: the caller says whose day it is). */
export const localDay = z.string().trim().refine((v) => !Number.isNaN(dayNumber(v)), 'must be a date (YYYY-MM-DD)');
export const githubUsername = z
  .string()
  .trim()
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})?$/, 'must be a GitHub login (letters, digits and dashes)');

/** Booleans from forms: true/false/on/off/1/0 (and real booleans); the string "false" is false. */
export const formBool = z.union([z.boolean(), z.string(), z.number()]).transform((v, ctx) => {
  const s = String(v).trim().toLowerCase();
  if (['true', 'on', '1', 'yes'].includes(s)) return true;
  if (['false', 'off', '0', 'no', ''].includes(s)) return false;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be true or false' });
  return z.NEVER;
});
