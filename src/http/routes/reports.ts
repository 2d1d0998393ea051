// Reports over local dates: the time-entries CSV export (streamed) and the grouped summary.
// Every invalid field is listed in one 400; an unknown or forbidden project or user that is the
// only problem keeps its own status (404 / 403), otherwise it joins the list.
import { z } from 'zod';
import { badRequest, invalidFields, isAppError, type AppError } from '../../errors.js';
import { logger } from '../../lib/logger.js';
import type { User } from '../../models/index.js';
import { timeEntriesCsv } from '../../services/reportCsv.js';
import { GROUPS, MAX_REPORT_DAYS, reportSummary, reportUserId, requireGroupAllowed, requireReportProject, type ReportFilter } from '../../services/reports.js';
import { currentUser } from '../../web/auth.js';
import { checkInput, type FieldErrors } from '../../validation/validate.js';
import { dayNumber, id, localDay } from '../../validation/schemas.js';
import type { AppRouter } from '../../web/types.js';

const filters = {
  from: localDay,
  to: localDay,
  project_id: id.optional(),
  user_id: id.optional(),
  billable: z.enum(['true', 'false'], { errorMap: () => ({ message: 'must be true or false' }) }).transform((v) => v === 'true').optional(),
};
const csvSchema = z.object(filters);
const groupBySchema = z.enum(GROUPS, { errorMap: () => ({ message: `must be one of ${GROUPS.join(', ')}` }) });
const summarySchema = z.object({ ...filters, group_by: groupBySchema });

/** `to` before `from`, or a range longer than the limit (checked once both are dates). */
function rangeProblem(query: Record<string, unknown>): FieldErrors {
  const from = localDay.safeParse(query.from);
  const to = localDay.safeParse(query.to);
  if (!from.success || !to.success) return {};
  const days = dayNumber(to.data) - dayNumber(from.data) + 1;
  if (days < 1) return { to: 'must not be before from' };
  if (days > MAX_REPORT_DAYS) return { to: `the range may cover at most ${MAX_REPORT_DAYS} days (${from.data} to ${to.data} covers ${days})` };
  return {};
}

/** Runs each access check; collects the refusals by field. */
async function refusals(checks: Array<[string, () => unknown]>): Promise<Array<[string, AppError]>> {
  const found: Array<[string, AppError]> = [];
  for (const [field, check] of checks) {
    try {
      await check();
    } catch (err) {
      if (!isAppError(err)) throw err;
      found.push([field, err]);
    }
  }
  return found;
}

type CsvQuery = z.infer<typeof csvSchema>;

/** The query, validated (every problem at once) and access-checked, with the service's filter. */
async function checkedReport<T extends CsvQuery>(user: User, schema: z.ZodType<T, z.ZodTypeDef, unknown>, query: Record<string, unknown>) {
  const checked = checkInput(schema, query);
  if (!checked.ok && Object.keys(checked.fields).length === 0) throw badRequest(checked.general[0] ?? 'Invalid input');
  const fields: FieldErrors = { ...(checked.ok ? {} : checked.fields), ...rangeProblem(query) };
  // Fields that are valid on their own are access-checked even when others are not.
  const valid = <V>(name: string, s: z.ZodType<V, z.ZodTypeDef, unknown>) => (fields[name] ? undefined : s.safeParse(query[name]).data);
  const projectId = valid('project_id', id.optional());
  const groupBy = valid('group_by', groupBySchema.optional());
  let userId: number | undefined;
  const refused = await refusals([
    ['user_id', async () => (userId = await reportUserId(user, valid('user_id', id.optional())))],
    ['project_id', () => projectId !== undefined && requireReportProject(user, projectId)],
    ['group_by', () => groupBy !== undefined && requireGroupAllowed(user, groupBy)],
  ]);
  if (Object.keys(fields).length === 0 && refused.length === 1) throw refused[0][1];
  for (const [field, err] of refused) fields[field] = err.message.replace(/^./, (c) => c.toLowerCase());
  if (!checked.ok || Object.keys(fields).length > 0) throw invalidFields(fields);
  const q = checked.data;
  const filter: ReportFilter = { from: q.from, to: q.to, timeZone: user.timezone || 'UTC', now: new Date(), userId, projectId: q.project_id, billable: q.billable };
  return { q, filter };
}

export function registerReportRoutes(router: AppRouter): void {
  router.get('/reports/time-entries.csv', async (ctx) => {
    const { filter } = await checkedReport(currentUser(ctx), csvSchema, ctx.query);
    const body = await timeEntriesCsv(filter);
    // Once the answer has started, a failure can only cut it short: log it and close the
    // connection, so the client sees an incomplete download instead of waiting forever.
    body.once('error', (err) => {
      logger.error({ err, requestId: ctx.state.requestId, path: ctx.path }, 'CSV export failed after the answer started');
      ctx.res.destroy();
    });
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', `attachment; filename="time-entries-${filter.from}-to-${filter.to}.csv"`);
    ctx.set('Cache-Control', 'private, no-store');
    ctx.body = body;
  });

  router.get('/reports/summary', async (ctx) => {
    const { q, filter } = await checkedReport(currentUser(ctx), summarySchema, ctx.query);
    const summary = await reportSummary(filter, q.group_by);
    ctx.body = { ok: true, from: filter.from, to: filter.to, group_by: q.group_by, ...summary };
  });
}
