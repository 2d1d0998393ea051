// zod → 400 `{ok:false, error:"<field>: <reason>"}` (the first problem; the field path joined by dots).
import type { z } from 'zod';
import { badRequest, validation } from '../../errors.js';

export function parseInput<S extends z.ZodTypeAny>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.join('.');
  if (!field) throw badRequest(issue.message);
  const reason = issue.code === 'invalid_type' && issue.received === 'undefined' ? 'is required' : issue.message;
  throw validation(field, reason);
}
