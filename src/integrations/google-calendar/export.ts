// Export: completed entries of the owner that did not come from Google become calendar events.
// What is due is decided in SQL on timestamptz (a JavaScript clock compared with local times
// drifts across time zones, and a watermark skips entries edited late): entries with no export record that ended within `sync_days_back` days or after the
// connection, and exported entries edited since (updated_at > the recorded entry_updated_at).
// A failed entry has no record, so the next sync simply tries it again.
import { QueryTypes } from 'sequelize';
import type { Integration } from '../../models/index.js';
import type { Prefs } from './settings.js';
import { eventBody, eventIdFor, type ExportableEntry } from './exportEvent.js';
import { callGoogle, type ApiResult } from './tokens.js';
import type { GoogleDeps, GoogleEvent } from './types.js';

export const EXPORT_BATCH = 200;

export interface ExportResult {
  exported: number;
  updated: number;
  errors: string[];
}

interface DueEntry extends ExportableEntry {
  /** updated_at as PostgreSQL text: recorded back without losing microseconds. */
  seen_updated_at: string;
  event_id: string | null;
}

type Outcome = 'exported' | 'updated' | { error: string; stop?: boolean };

async function dueEntries(deps: GoogleDeps, row: Integration, prefs: Prefs): Promise<DueEntry[]> {
  const connectedAt = typeof row.config.connected_at === 'string' ? row.config.connected_at : null;
  return deps.sequelize.query<DueEntry>(
    `SELECT e.id, e.start_time, e.end_time, e.duration_seconds, e.notes, e.updated_at::text AS seen_updated_at,
            p.name AS project_name, t.name AS task_name, x.event_id
       FROM time_entries e
       JOIN projects p ON p.id = e.project_id
       LEFT JOIN tasks t ON t.id = e.task_id
       LEFT JOIN calendar_exports x ON x.integration_id = $1 AND x.time_entry_id = e.id
      WHERE e.user_id = $2 AND e.end_time IS NOT NULL AND e.source <> 'google_calendar'
        AND ((x.id IS NULL AND (e.end_time >= now() - make_interval(days => $3) OR e.end_time >= $4::timestamptz))
          OR (x.id IS NOT NULL AND e.updated_at > x.entry_updated_at))
      ORDER BY e.end_time, e.id
      LIMIT $5`,
    { bind: [row.id, row.user_id, prefs.sync_days_back, connectedAt, EXPORT_BATCH], type: QueryTypes.SELECT },
  );
}

async function record(deps: GoogleDeps, rowId: number, entry: DueEntry, eventId: string): Promise<void> {
  await deps.sequelize.query(
    `INSERT INTO calendar_exports (integration_id, time_entry_id, event_id, entry_updated_at)
     SELECT $1, e.id, $3, $4::timestamptz FROM time_entries e WHERE e.id = $2
     ON CONFLICT (integration_id, time_entry_id)
       DO UPDATE SET event_id = EXCLUDED.event_id, entry_updated_at = EXCLUDED.entry_updated_at, exported_at = now()`,
    { bind: [rowId, entry.id, eventId, entry.seen_updated_at] },
  );
}

type ApiFailure = Exclude<ApiResult<unknown>, { ok: true }>;

const isGone = (res: ApiResult<unknown>) => !res.ok && (res.status === 404 || res.status === 410);

function isRateLimited(res: ApiFailure): boolean {
  if (res.status === 429) return true;
  return res.status === 403 && /rateLimitExceeded|quotaExceeded/i.test(JSON.stringify(res.body ?? ''));
}

/** A failed entry stays unrecorded (retried next sync); token and rate-limit failures end this run. */
function failure(entry: DueEntry, res: ApiFailure): Outcome {
  return { error: `Export of entry ${entry.id}: ${res.error}`, stop: res.kind === 'token' || isRateLimited(res) };
}

/** Creates the entry's event; 409 means an earlier attempt created it, so it is brought up to date. */
async function createEvent(deps: GoogleDeps, row: Integration, prefs: Prefs, entry: DueEntry, body: GoogleEvent): Promise<Outcome> {
  const id = eventIdFor(row.id, entry.id);
  const created = await callGoogle(deps, row.id, (token) => deps.client.insertEvent(token, prefs.calendar_id, { id, ...body }));
  if (!created.ok && created.status !== 409) return failure(entry, created);
  if (!created.ok) {
    const patched = await callGoogle(deps, row.id, (token) => deps.client.patchEvent(token, prefs.calendar_id, id, body));
    if (!patched.ok && !isGone(patched)) return failure(entry, patched);
  }
  await record(deps, row.id, entry, id);
  return 'exported';
}

/** Updates the event of an edited entry; an event missing from the calendar is created again. */
async function exportOne(deps: GoogleDeps, row: Integration, prefs: Prefs, entry: DueEntry): Promise<Outcome> {
  const body = eventBody(entry);
  const eventId = entry.event_id;
  if (!eventId) return createEvent(deps, row, prefs, entry, body);
  const patched = await callGoogle(deps, row.id, (token) => deps.client.patchEvent(token, prefs.calendar_id, eventId, body));
  if (isGone(patched)) {
    const again = await createEvent(deps, row, prefs, entry, body);
    return again === 'exported' ? 'updated' : again;
  }
  if (!patched.ok) return failure(entry, patched);
  await record(deps, row.id, entry, eventId);
  return 'updated';
}

export async function exportEntries(deps: GoogleDeps, row: Integration, prefs: Prefs): Promise<ExportResult> {
  const result: ExportResult = { exported: 0, updated: 0, errors: [] };
  for (const entry of await dueEntries(deps, row, prefs)) {
    const outcome = await exportOne(deps, row, prefs, entry);
    if (outcome === 'exported') result.exported += 1;
    else if (outcome === 'updated') result.updated += 1;
    else {
      result.errors.push(outcome.error);
      if (outcome.stop) break;
    }
  }
  return result;
}
