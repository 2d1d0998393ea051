// The Reports page's filters as API URLs: the summary it draws and the CSV its Export button
// downloads are asked with the same filters, so the file holds exactly the entries the report shows.
import type { Range } from './range.js';

export const GROUPS = [
  { key: 'project', label: 'Project' },
  { key: 'task', label: 'Task' },
  { key: 'day', label: 'Day' },
  { key: 'user', label: 'User', adminOnly: true },
] as const;
export type GroupBy = (typeof GROUPS)[number]['key'];

export interface ReportFilters extends Range {
  groupBy: GroupBy;
  /** '' for every project. */
  projectId: string;
  /** '' for all entries, 'true' billable only, 'false' non-billable only. */
  billable: '' | 'true' | 'false';
  /** '' for the default: own entries (users) or everyone's (admins). */
  userId: string;
}

export interface SummaryGroup { key: number | string | null; label: string; seconds: number; billable_seconds: number; entries: number }
export interface Summary { from: string; to: string; group_by: GroupBy; total_seconds: number; billable_seconds: number; groups: SummaryGroup[] }

function params(f: ReportFilters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ from: f.from, to: f.to, ...extra });
  if (f.projectId) q.set('project_id', f.projectId);
  if (f.userId) q.set('user_id', f.userId);
  if (f.billable) q.set('billable', f.billable);
  return q.toString();
}

export const summaryUrl = (f: ReportFilters) => `/api/reports/summary?${params(f, { group_by: f.groupBy })}`;
export const csvUrl = (f: ReportFilters) => `/api/reports/time-entries.csv?${params(f)}`;
/** The users an admin may pick: everyone with time in the range (in the plugin the host owns the user list). */
export const usersUrl = (f: Range) => `/api/reports/summary?${new URLSearchParams({ from: f.from, to: f.to, group_by: 'user' })}`;

/** "42%" of the total, or "–" when nothing was tracked. */
export const share = (part: number, total: number) => (total > 0 ? `${Math.round((part / total) * 100)}%` : '–');
