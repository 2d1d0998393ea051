// `/tt start <project>`: chooses among the user's allowed projects by id or by case-insensitive
// name. Matching runs in JavaScript over the allowed list, so `%` and `_` are ordinary characters.
// Order: id → exact name among active projects → partial name among active projects → an inactive
// project that matches (reported, never started).
import type { Project } from '../../models/index.js';

export type ProjectChoice =
  | { kind: 'one'; project: Project }
  | { kind: 'many'; projects: Project[] }
  | { kind: 'inactive'; project: Project }
  | { kind: 'none' };

/** Strips optional surrounding quotes: `/tt start "Web site"`. */
export function cleanQuery(raw: string): string {
  const t = raw.trim();
  const m = /^(["'“”‘’])(.*)(["'“”‘’])$/.exec(t);
  return (m ? m[2] : t).trim();
}

function decide(matches: Project[]): ProjectChoice | null {
  if (matches.length === 1) return { kind: 'one', project: matches[0] };
  if (matches.length > 1) return { kind: 'many', projects: matches };
  return null;
}

export function matchProject(allowed: readonly Project[], rawQuery: string): ProjectChoice {
  const query = cleanQuery(rawQuery);
  if (!query) return { kind: 'none' };
  if (/^\d{1,9}$/.test(query)) {
    const byId = allowed.find((p) => p.id === Number(query));
    if (byId) return byId.status === 'active' ? { kind: 'one', project: byId } : { kind: 'inactive', project: byId };
  }
  const needle = query.toLowerCase();
  const active = allowed.filter((p) => p.status === 'active');
  const exact = decide(active.filter((p) => p.name.toLowerCase() === needle));
  if (exact) return exact;
  const partial = decide(active.filter((p) => p.name.toLowerCase().includes(needle)));
  if (partial) return partial;
  const inactive = allowed.filter((p) => p.status !== 'active');
  const dormant =
    inactive.find((p) => p.name.toLowerCase() === needle) ?? inactive.find((p) => p.name.toLowerCase().includes(needle));
  return dormant ? { kind: 'inactive', project: dormant } : { kind: 'none' };
}
