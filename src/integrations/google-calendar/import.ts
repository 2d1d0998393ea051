// Import: calendar events of the last `sync_days_back` days become completed time entries of the
// owner in the default project. Every page is read; events that are all-day, still running,
// cancelled, declined, transparent, tagged [TT] or exported by us are skipped; the unique index on
// (user_id, external_ref = "gcal:{id}") makes a second import of the same event a no-op.
import { QueryTypes } from 'sequelize';
import { isAppError } from '../../errors.js';
import type { Integration, User } from '../../models/index.js';
import { requireAllowedProject } from '../../services/access.js';
import { secondsBetween } from '../../services/time.js';
import type { Prefs } from './settings.js';
import { eventInstant } from './eventTime.js';
import { EXPORT_MARKER } from './exportEvent.js';
import { callGoogle } from './tokens.js';
import type { GoogleDeps, GoogleEvent } from './types.js';

export const MAX_PAGES = 100;
const MAX_REF_LENGTH = 200;

export type SkipReason = 'all_day' | 'not_ended' | 'cancelled' | 'declined' | 'transparent' | 'tagged' | 'exported_by_us' | 'invalid' | 'already_imported';

export interface ImportResult {
  imported: number;
  skipped: number;
  skipped_by_reason: Partial<Record<SkipReason, number>>;
  errors: string[];
  /** No usable token: the rest of the sync is pointless. */
  tokenFailed?: boolean;
}

interface Candidate {
  start: Date;
  end: Date;
  notes: string;
  ref: string;
}

export const externalRef = (eventId: string) => `gcal:${eventId}`;

/** Why an event is not imported, or null with its instants when it is. */
export function classify(event: GoogleEvent, now: Date): { skip: SkipReason } | { skip: null; candidate: Candidate } {
  if (event.status === 'cancelled') return { skip: 'cancelled' };
  if (!event.start?.dateTime) return { skip: 'all_day' };
  if (event.attendees?.some((a) => a.self && a.responseStatus === 'declined')) return { skip: 'declined' };
  if (event.transparency === 'transparent') return { skip: 'transparent' };
  if ((event.summary ?? '').includes('[TT]')) return { skip: 'tagged' };
  if (event.extendedProperties?.private?.[EXPORT_MARKER]) return { skip: 'exported_by_us' };
  const start = eventInstant(event.start);
  const end = eventInstant(event.end);
  if (!event.id || !start || !end || end <= start || externalRef(event.id).length > MAX_REF_LENGTH) return { skip: 'invalid' };
  if (end > now) return { skip: 'not_ended' };
  const notes = `${event.summary?.trim() || 'Calendar event'} [gcal:${event.id}]`;
  return { skip: null, candidate: { start, end, notes, ref: externalRef(event.id) } };
}

/** Inserts the candidates; returns how many were new (the rest were imported before). */
async function insertEntries(deps: GoogleDeps, userId: number, projectId: number, rows: Candidate[]): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await deps.sequelize.query(
    `INSERT INTO time_entries (user_id, project_id, start_time, end_time, duration_seconds, notes, source, billable, external_ref)
     SELECT $1, $2, t.s, t.e, t.d, t.n, 'google_calendar', false, t.r
       FROM unnest($3::timestamptz[], $4::timestamptz[], $5::int[], $6::text[], $7::text[]) AS t(s, e, d, n, r)
     ON CONFLICT (user_id, external_ref) WHERE external_ref IS NOT NULL DO NOTHING
     RETURNING id`,
    {
      bind: [
        userId, projectId,
        rows.map((r) => r.start.toISOString()), rows.map((r) => r.end.toISOString()),
        rows.map((r) => secondsBetween(r.start, r.end)), rows.map((r) => r.notes), rows.map((r) => r.ref),
      ],
      type: QueryTypes.SELECT,
    },
  );
  return inserted.length;
}

/** The default project, checked again at sync time (still allowed for the owner and active). */
async function importProject(user: User, prefs: Prefs): Promise<{ id: number } | { error: string }> {
  if (!prefs.default_project_id) return { error: 'Import: choose a default project for imported events' };
  try {
    return await requireAllowedProject(user, prefs.default_project_id, { field: 'default_project_id' });
  } catch (err) {
    if (isAppError(err)) return { error: `Import: default project: ${err.message}` };
    throw err;
  }
}

export async function importEvents(deps: GoogleDeps, row: Integration, user: User, prefs: Prefs, now = new Date()): Promise<ImportResult> {
  const result: ImportResult = { imported: 0, skipped: 0, skipped_by_reason: {}, errors: [] };
  const skip = (reason: SkipReason, n = 1) => {
    result.skipped += n;
    result.skipped_by_reason[reason] = (result.skipped_by_reason[reason] ?? 0) + n;
  };
  const project = await importProject(user, prefs);
  if ('error' in project) return { ...result, errors: [project.error] };
  const range = { timeMin: new Date(now.getTime() - prefs.sync_days_back * 86_400_000).toISOString(), timeMax: now.toISOString() };
  let pageToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await callGoogle(deps, row.id, (token) => deps.client.listEvents(token, prefs.calendar_id, { ...range, pageToken }));
    if (!res.ok) return { ...result, errors: [`Import: ${res.error}`], tokenFailed: res.kind === 'token' };
    const candidates: Candidate[] = [];
    for (const event of res.data.items ?? []) {
      const c = classify(event, now);
      if (c.skip) skip(c.skip);
      else candidates.push(c.candidate);
    }
    const added = await insertEntries(deps, user.id, project.id, candidates);
    result.imported += added;
    if (candidates.length > added) skip('already_imported', candidates.length - added);
    pageToken = res.data.nextPageToken;
    if (!pageToken) return result;
  }
  return { ...result, errors: [`Import: stopped after ${MAX_PAGES} pages of events; shorten sync_days_back`] };
}
