// Records a webhook delivery and does its task work in ONE statement, atomic without BEGIN/COMMIT:
//
//   WITH d  AS (INSERT INTO webhook_deliveries … ON CONFLICT (provider, delivery_id) DO NOTHING RETURNING id),
//        w0 AS (INSERT INTO tasks … SELECT … WHERE EXISTS (SELECT 1 FROM d) ON CONFLICT … DO NOTHING RETURNING id)
//   SELECT (SELECT count(*) FROM d) AS fresh, (SELECT id FROM w0) AS t0, (SELECT id FROM tasks WHERE …) AS e0
//
// fresh = 0: a duplicate delivery (nothing else ran). t0: the task this delivery created or
// updated. e0: the task that existed before the statement. An `ensure` with neither lost a race
// with a delivery that committed after the statement's snapshot; one more read finds its task.
// The statement is a named (prepared) one: see preparedQuery.ts. Several works (one delivery
// verified by several integrations, rare) run in a transaction, one statement each, so each sees
// the effects of the previous ones.
import { QueryTypes, type Transaction } from 'sequelize';
import { recordDelivery } from '../deliveries.js';
import { db, Task } from '../../models/index.js';
import type { TaskPriority, TaskStatus } from '../../models/task.js';
import { PROVIDER } from './settings.js';
import { preparedQuery } from '../../db/preparedQuery.js';
import { issueRef, priorityFromLabels, TASK_INSERT_COLUMNS, TASK_ON_CONFLICT, type Issue, type TaskTarget } from './tasks.js';

export interface TaskChanges {
  status?: TaskStatus;
  completed_at?: Date | null;
  name?: string;
  description?: string | null;
  priority?: TaskPriority;
}

/** `ensure`: the issue's task, created when missing (with `refreshPriority`, an existing one gets the labels' priority). */
export type TaskWork =
  | { kind: 'ensure'; target: TaskTarget; issue: Issue; refreshPriority?: boolean }
  | { kind: 'update'; projectId: number; issueNumber: number; changes: TaskChanges };

export interface WorkResult {
  /** Null: no such task (update), or it vanished meanwhile (ensure). */
  taskId: number | null;
  created: boolean;
}

export interface DeliveryRecord {
  deliveryId: string;
  integrationId: number;
  event: string;
}

export interface DeliveryResult {
  /** False: the delivery was already recorded, and nothing was done. */
  fresh: boolean;
  /** One per work, in order; null where the work was null. */
  results: Array<WorkResult | null>;
}

const CASTS: Record<keyof TaskChanges, string> = { status: 'varchar', completed_at: 'timestamptz', name: 'varchar', description: 'text', priority: 'varchar' };
const GUARD = 'EXISTS (SELECT 1 FROM d)';
const RECORD_CTE = `d AS (INSERT INTO webhook_deliveries (provider, delivery_id, integration_id, event)
  VALUES ($1, $2, $3, $4) ON CONFLICT (provider, delivery_id) DO NOTHING RETURNING id)`;
const RECORDED_CTE = 'd AS (SELECT 1 AS id)';

class Statement {
  readonly bind: unknown[] = [];
  readonly ctes: string[] = [];
  readonly columns = ['(SELECT count(*) FROM d)::int AS fresh'];

  param(value: unknown, cast: string): string {
    this.bind.push(value instanceof Date ? value.toISOString() : value);
    return `$${this.bind.length}::${cast}`;
  }
}

function addEnsure(s: Statement, i: number, w: Extract<TaskWork, { kind: 'ensure' }>): void {
  const project = s.param(w.target.projectId, 'int');
  const ref = s.param(issueRef(w.issue.number), 'varchar');
  const priority = s.param(priorityFromLabels(w.issue.labels), 'varchar');
  const values = [project, s.param(w.issue.name, 'varchar'), s.param(w.issue.description, 'text'), "'todo'", priority,
    s.param(w.target.ownerId, 'int'), ref, s.param(w.issue.url, 'varchar'), 'now()', 'now()'];
  const action = w.refreshPriority ? 'DO UPDATE SET priority = EXCLUDED.priority, updated_at = now()' : 'DO NOTHING';
  // Without refresh every returned row was inserted; with it, xmax = 0 tells an insert from an update.
  s.ctes.push(`w${i} AS (INSERT INTO tasks (${TASK_INSERT_COLUMNS}) SELECT ${values.join(', ')} WHERE ${GUARD}
    ${TASK_ON_CONFLICT} ${action} RETURNING id, ${w.refreshPriority ? '(xmax = 0)' : 'true'} AS created)`);
  s.columns.push(`(SELECT id FROM w${i}) AS t${i}`, `(SELECT created FROM w${i}) AS n${i}`,
    `(SELECT id FROM tasks WHERE project_id = ${project} AND external_ref = ${ref}) AS e${i}`);
}

function addUpdate(s: Statement, i: number, w: Extract<TaskWork, { kind: 'update' }>): void {
  const keys = (Object.keys(CASTS) as Array<keyof TaskChanges>).filter((k) => w.changes[k] !== undefined);
  const sets = [...keys.map((k) => `${k} = ${s.param(w.changes[k], CASTS[k])}`), 'updated_at = now()'];
  s.ctes.push(`w${i} AS (UPDATE tasks SET ${sets.join(', ')}
    WHERE project_id = ${s.param(w.projectId, 'int')} AND external_ref = ${s.param(issueRef(w.issueNumber), 'varchar')} AND ${GUARD}
    RETURNING id)`);
  s.columns.push(`(SELECT id FROM w${i}) AS t${i}`);
}

const id = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Runs `works` in one statement after the `d` CTE; ensure races are settled with one more read. */
async function run(head: { cte: string; bind: unknown[] }, works: ReadonlyArray<TaskWork | null>, transaction?: Transaction): Promise<DeliveryResult> {
  const s = new Statement();
  s.bind.push(...head.bind);
  for (const [i, w] of works.entries()) {
    if (w?.kind === 'ensure') addEnsure(s, i, w);
    else if (w?.kind === 'update') addUpdate(s, i, w);
  }
  const sql = `WITH ${[head.cte, ...s.ctes].join(',\n')} SELECT ${s.columns.join(', ')}`;
  const sequelize = db();
  const [row] = transaction
    ? await sequelize.query<Record<string, unknown>>(sql, { bind: s.bind, type: QueryTypes.SELECT, transaction })
    : await preparedQuery<Record<string, unknown>>(sequelize, sql, s.bind);
  const fresh = row.fresh === 1;
  const results = works.map((w, i): WorkResult | null => {
    if (!w || !fresh) return null;
    const touched = id(row[`t${i}`]);
    return touched !== null ? { taskId: touched, created: row[`n${i}`] === true } : { taskId: id(row[`e${i}`]), created: false };
  });
  for (const [i, w] of works.entries()) {
    const r = results[i];
    if (w?.kind === 'ensure' && r && r.taskId === null) r.taskId = await existingTaskId(w.target.projectId, w.issue.number, transaction);
  }
  return { fresh, results };
}

async function existingTaskId(projectId: number, issueNumber: number, transaction?: Transaction): Promise<number | null> {
  const rows = await db().query<{ id: number }>('SELECT id FROM tasks WHERE project_id = $1 AND external_ref = $2', {
    bind: [projectId, issueRef(issueNumber)],
    type: QueryTypes.SELECT,
    transaction,
  });
  return rows.length ? rows[0].id : null;
}

/** Records the delivery and runs its works atomically; a failure records nothing. */
export async function applyDelivery(record: DeliveryRecord, works: ReadonlyArray<TaskWork | null>): Promise<DeliveryResult> {
  const deliveryId = record.deliveryId.slice(0, 200);
  const event = record.event.slice(0, 100);
  if (works.filter(Boolean).length <= 1) {
    return run({ cte: RECORD_CTE, bind: [PROVIDER, deliveryId, record.integrationId, event] }, works);
  }
  return db().transaction(async (transaction) => {
    const fresh = await recordDelivery(PROVIDER, deliveryId, { integrationId: record.integrationId, event, transaction });
    const results: Array<WorkResult | null> = [];
    for (const w of works) results.push(fresh && w ? (await run({ cte: RECORDED_CTE, bind: [] }, [w], transaction)).results[0] : null);
    return { fresh, results };
  });
}
