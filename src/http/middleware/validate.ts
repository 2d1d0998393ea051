// zod → 400 `{ok:false, error:"<field>: <reason>"}` (the first problem; the field path joined by dots).
import type { z } from 'zod';
import { badRequest, validation } from '../../errors.js';

/** `name` labels a bare value (e.g. a route parameter) so its error still reads "<name>: <reason>". */
export function parseInput<S extends z.ZodTypeAny>(schema: S, data: unknown, name?: string): z.infer<S> {
  const result = schema.safeParse(data ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === 'unrecognized_keys') throw validation([...issue.path, issue.keys[0]].join('.'), 'is not a known field');
  const field = issue.path.join('.') || name;
  if (!field) throw badRequest(issue.message);
  // Coercing schemas (z.coerce.number) see a missing value as NaN: look at the input itself.
  const missing = issue.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), data) === undefined;
  const reason = issue.code === 'invalid_type' && (issue.received === 'undefined' || missing) ? 'is required' : issue.message;
  throw validation(field, reason);
}
