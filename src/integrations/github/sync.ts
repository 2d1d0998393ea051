// Manual sync (admin only). Sync pulls every page of open issues
// (`Link: rel="next"`), skips pull requests and issues outside the label filter, and upserts tasks
// by (project_id, external_ref). A 401 or a rate-limit answer stops it with a clear error; the
// outcome is written to last_sync_at / last_sync_status / last_error.
import { logger } from '../../lib/logger.js';
import { User, type Integration } from '../../models/index.js';
import type { SyncStatus } from '../../models/integration.js';
import { NOT_CONFIGURED, readSecret } from '../connector.js';
import { recordFailure, recordSync } from '../health.js';
import { listIssuesPage, openIssuesUrl, type GithubAuth } from './client.js';
import { defaultProjectProblem, settingsOf, type GithubSettings } from './settings.js';
import { issueSchema, matchesLabelFilter, upsertIssueTask, type TaskTarget } from './tasks.js';

/** Safety bound: 200 pages of 50 = 10,000 open issues per run. */
export const MAX_PAGES = 200;

export interface SyncCounts {
  synced: number;
  skipped: number;
  created: number;
  updated: number;
  errors: string[];
}

export type SyncResult = ({ ok: true } & SyncCounts) | ({ ok: false; error: string } & Partial<SyncCounts>);

/** The token and settings of an active row, or the error to answer with. */
async function prepare(row: Integration, apiUrl: string): Promise<{ auth: GithubAuth; settings: GithubSettings } | { error: string }> {
  const settings = settingsOf(row.config);
  if (!row.is_active || !settings) return { error: NOT_CONFIGURED };
  const token = readSecret(row.config, 'github_token');
  if (!token.ok) {
    await recordFailure(row, token.error);
    return { error: token.error };
  }
  return { auth: { apiUrl, token: token.value }, settings };
}

async function syncItem(item: unknown, target: TaskTarget, filter: string | null, counts: SyncCounts): Promise<void> {
  const parsed = issueSchema.safeParse(item);
  if (!parsed.success) {
    counts.errors.push('GitHub sent an issue without a number; it was ignored');
    return;
  }
  const issue = parsed.data;
  if (issue.isPullRequest || !matchesLabelFilter(issue.labels, filter)) {
    counts.skipped++;
    return;
  }
  try {
    const outcome = await upsertIssueTask(target, issue);
    counts.synced++;
    if (outcome === 'created') counts.created++;
    if (outcome === 'updated') counts.updated++;
  } catch (err) {
    logger.error({ err, issue: issue.number, project_id: target.projectId }, 'github sync: task upsert failed');
    counts.errors.push(`Issue #${issue.number} could not be saved`);
  }
}

function finalStatus(stopError: string | null, pages: number, counts: SyncCounts): SyncStatus {
  if (stopError) return pages > 0 ? 'partial' : 'error';
  return counts.errors.length > 0 ? 'partial' : 'success';
}

/** Runs a full sync of one integration row. Never throws for a GitHub failure. */
export async function syncIntegration(row: Integration, apiUrl: string): Promise<SyncResult> {
  const ready = await prepare(row, apiUrl);
  if ('error' in ready) return { ok: false, error: ready.error };
  const { auth, settings } = ready;
  const problem = await defaultProjectProblem(await User.findByPk(row.user_id), settings.default_project_id);
  if (problem) {
    await recordSync(row, 'error', problem);
    return { ok: false, error: problem };
  }
  const counts: SyncCounts = { synced: 0, skipped: 0, created: 0, updated: 0, errors: [] };
  const target = { projectId: settings.default_project_id, ownerId: row.user_id };
  let url: string | null = openIssuesUrl(auth, settings.repo_owner, settings.repo_name);
  let pages = 0;
  let stopError: string | null = null;
  while (url) {
    if (pages >= MAX_PAGES) {
      stopError = `Stopped after ${MAX_PAGES} pages (${MAX_PAGES * 50} issues); run the sync again for the rest`;
      break;
    }
    const page = await listIssuesPage(auth, url);
    if (!page.ok) {
      stopError = page.error;
      break;
    }
    pages++;
    for (const item of page.data) await syncItem(item, target, settings.label_filter, counts);
    url = page.nextUrl;
  }
  const status = finalStatus(stopError, pages, counts);
  const lastError = stopError ?? (counts.errors.length ? `${counts.errors.length} issue(s) failed: ${counts.errors[0]}` : null);
  await recordSync(row, status, lastError);
  logger.info({ integration_id: row.id, status, pages, synced: counts.synced, skipped: counts.skipped, errors: counts.errors.length }, 'github sync finished');
  if (stopError) return { ok: false, error: stopError, ...counts, errors: [...counts.errors, stopError] };
  return { ok: true, ...counts };
}

/** The admin panel's "Sync now": admins only, like the endpoint. */
export async function syncNow(row: Integration, actor: User, apiUrl: string): Promise<{ ok: boolean; message: string } & Record<string, unknown>> {
  if (actor.role !== 'admin') return { ok: false, message: 'Admin only', error: 'Admin only' };
  const result = await syncIntegration(row, apiUrl);
  if (!result.ok) return { ...result, message: result.error };
  const errors = result.errors.length ? `, ${result.errors.length} error(s)` : '';
  return { ...result, message: `Synced ${result.synced} issue(s), skipped ${result.skipped}${errors}` };
}
