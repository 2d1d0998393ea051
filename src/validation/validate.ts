// zod → 400 `{ok:false, error:"<field>: <reason>[; <field>: <reason>…]", fields:{<field>:<reason>}}`:
// every invalid field at once (its first problem each; the field path joined by dots).
import type { z } from 'zod';
import { badRequest, invalidFields } from '../errors.js';

export type FieldErrors = Record<string, string>;
export type Checked<T> = { ok: true; data: T } | { ok: false; fields: FieldErrors; general: string[] };

const at = (data: unknown, path: Array<string | number>) =>
  path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined), data);

/** A union's own message says only "Invalid input": use the reason of the branch the value was meant for. */
function messageOf(issue: z.ZodIssue): string {
  if (issue.code !== 'invalid_union') return issue.message;
  const specific = issue.unionErrors.flatMap((e) => e.issues).find((i) => i.code !== 'invalid_type' && i.code !== 'invalid_union');
  return specific?.message ?? issue.message;
}

/** Every problem of `data` against `schema`: one reason per field, plus problems that name no field. */
export function checkInput<S extends z.ZodTypeAny>(schema: S, data: unknown, name?: string): Checked<z.infer<S>> {
  const result = schema.safeParse(data ?? {});
  if (result.success) return { ok: true, data: result.data };
  const fields: FieldErrors = {};
  const general: string[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[[...issue.path, key].join('.')] ??= 'is not a known field';
      continue;
    }
    const field = issue.path.join('.') || name;
    if (!field) {
      general.push(issue.message);
      continue;
    }
    // Coercing schemas (z.coerce.number) see a missing value as NaN: look at the input itself.
    const missing = at(data, issue.path) === undefined;
    fields[field] ??= issue.code === 'invalid_type' && (issue.received === 'undefined' || missing) ? 'is required' : messageOf(issue);
  }
  return { ok: false, fields, general };
}

/** `name` labels a bare value (e.g. a route parameter) so its error still reads "<name>: <reason>". */
export function parseInput<S extends z.ZodTypeAny>(schema: S, data: unknown, name?: string): z.infer<S> {
  const checked = checkInput(schema, data, name);
  if (checked.ok) return checked.data;
  if (Object.keys(checked.fields).length === 0) throw badRequest(checked.general[0] ?? 'Invalid input');
  throw invalidFields(checked.fields);
}
