// Issues as tasks, shared by the webhook and the manual sync: the issue shape we rely on, the
// priority mapping, the label filter, and inserts/upserts keyed by the unique index
// tasks_project_external_ref_unique, so re-deliveries, concurrent deliveries and a sync racing a
// webhook can never create a second task for one issue (the webhook's own statement, built from
// the same columns and arbiter, is in deliveryStatement.ts).
import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import { db, Task } from '../../models/index.js';
import type { TaskPriority } from '../../models/task.js';

export const issueRef = (issueNumber: number) => `github_issue_${issueNumber}`;

// Objects first: GitHub sends label objects, and a failed union branch costs an error object.
// Unknown keys are stripped (not copied): only the fields below are read.
/** Text as PostgreSQL can store it: JSON may carry \u0000, a text column cannot. */
const pgText = z.string().transform((s) => s.replace(/\u0000/g, ''));
const label = z.union([z.object({ name: pgText.nullish() }), pgText]);

/** The fields of a GitHub issue (webhook payload or REST item) the connector uses. */
export const issueSchema = z
  .object({
    number: z.number().int().positive(),
    title: pgText.nullish(),
    body: pgText.nullish(),
    html_url: pgText.nullish(),
    labels: z.array(label).nullish(),
    closed_at: z.string().nullish(),
    pull_request: z.unknown().optional(),
  })
  .transform((raw) => ({
    number: raw.number,
    name: (raw.title?.trim() || `GitHub issue #${raw.number}`).slice(0, 200),
    title: raw.title ?? '',
    description: raw.body ? raw.body.slice(0, 2000) : null,
    url: raw.html_url ? raw.html_url.slice(0, 500) : null,
    labels: (raw.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
    closedAt: raw.closed_at && !Number.isNaN(Date.parse(raw.closed_at)) ? new Date(raw.closed_at) : null,
    isPullRequest: raw.pull_request !== undefined && raw.pull_request !== null,
  }));

export type Issue = z.infer<typeof issueSchema>;

const PRIORITY_BY_LABEL: Record<string, TaskPriority> = { bug: 'high', critical: 'high', enhancement: 'medium' };

/** The first label (in label order) with a mapping decides; otherwise `low`. */
export function priorityFromLabels(labels: readonly string[]): TaskPriority {
  for (const l of labels) {
    const p = PRIORITY_BY_LABEL[l.trim().toLowerCase()];
    if (p) return p;
  }
  return 'low';
}

/** True when no filter is set or the issue carries the (lower-cased) filter label. */
export function matchesLabelFilter(labels: readonly string[], filter: string | null): boolean {
  return !filter || labels.some((l) => l.trim().toLowerCase() === filter);
}

export interface TaskTarget {
  projectId: number;
  ownerId: number;
}

/** The columns of a task inserted from an issue, and the arbiter of the partial unique index. */
export const TASK_INSERT_COLUMNS = 'project_id, name, description, status, priority, created_by, external_ref, external_url, created_at, updated_at';
export const TASK_ON_CONFLICT = 'ON CONFLICT (project_id, external_ref) WHERE external_ref IS NOT NULL';

const INSERT_COLUMNS = `INSERT INTO tasks (${TASK_INSERT_COLUMNS})
  VALUES ($1, $2, $3, 'todo', $4, $5, $6, $7, now(), now())
  ${TASK_ON_CONFLICT}`;

function insertBind(target: TaskTarget, issue: Issue): unknown[] {
  return [target.projectId, issue.name, issue.description, priorityFromLabels(issue.labels), target.ownerId, issueRef(issue.number), issue.url];
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

/** Creates the task or refreshes name, description, priority and URL; status is left to the user and to webhooks. */
export async function upsertIssueTask(target: TaskTarget, issue: Issue): Promise<UpsertOutcome> {
  const rows = await db().query<{ inserted: boolean }>(
    `${INSERT_COLUMNS} DO UPDATE
        SET name = EXCLUDED.name, description = EXCLUDED.description, priority = EXCLUDED.priority,
            external_url = EXCLUDED.external_url, updated_at = now()
      WHERE (tasks.name, tasks.description, tasks.priority, tasks.external_url)
            IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.description, EXCLUDED.priority, EXCLUDED.external_url)
      RETURNING (xmax = 0) AS inserted`,
    { bind: insertBind(target, issue), type: QueryTypes.SELECT },
  );
  if (rows.length === 0) return 'unchanged';
  return rows[0].inserted ? 'created' : 'updated';
}
