// The webhook's routing read: one statement returns the integrations a repository feeds (on the
// expression index integrations_github_repo_idx, at most MAX_CANDIDATES) together with what the
// delivery needs about each owner and default project, so no further read precedes the write.
// Its result is cached per repository and trusted only while the change feed says no integration,
// user, project or membership changed since it was read (src/db/changeFeed.ts): a delivery then
// makes one round trip to PostgreSQL instead of two. The webhook re-reads without the cache
// whenever a cached answer did not verify or no longer matches the database (webhook.ts).
import { changeFeedFor, type ChangeFeed } from '../../db/changeFeed.js';
import type { Sequelize } from 'sequelize';
import { usersSql } from '../../db/hostUsers.js';
import { db } from '../../models/index.js';
import type { StoredConfig } from '../../models/integration.js';
import type { ProjectStatus } from '../../models/project.js';
import { preparedQuery } from '../../db/preparedQuery.js';

/** At most this many integrations of one repository are tried (each user has their own webhook). */
export const MAX_CANDIDATES = 10;

export interface Candidate {
  id: number;
  user_id: number;
  /** The stored config, secrets still sealed: verification opens them. */
  config: StoredConfig;
  github_username: string | null;
  /** Null when the default project does not exist (any more). */
  project_name: string | null;
  project_status: ProjectStatus | null;
  /** The owner is an admin or a member of the default project. */
  project_allowed: boolean;
  /** When the connector last proved it works (a delivery refreshes it now and then: health.ts). */
  last_success_at: Date | null;
}

// The repository match is fenced in a MATERIALIZED CTE: PostgreSQL keeps no statistics for the
// expression of a partial index, so with `ORDER BY id LIMIT` in the same query block it may walk
// the primary key and filter every integration (measured: 5.6 ms at 10,000 integrations, against
// 0.05 ms on the expression index). Owners must be active (an inactive owner's integration is no
// candidate: 401). The project id is cast only when it is a plain integer, so a malformed config
// cannot fail the statement. The CTE's own LIMIT (twice the candidates, room for inactive owners)
// keeps the planner's row estimate small: with the index's default estimate (50 rows at 10,000
// integrations) it hash-joined a sequential scan of every user (2.7 ms at 10,000 users, measured)
// instead of looking each owner up by primary key (0.16 ms).
/** The statement for the host's user table (src/db/hostUsers.ts); its text is stable per database, so it stays prepared. */
export const candidatesSql = (sequelize: Sequelize): string => {
  const u = usersSql(sequelize);
  return `
  WITH repo AS MATERIALIZED (
    SELECT id, user_id, config, last_success_at FROM integrations
     WHERE provider = 'github_connector' AND is_active
       AND lower((config->>'repo_owner') || '/' || (config->>'repo_name')) = lower($1)
     ORDER BY id LIMIT ${MAX_CANDIDATES * 2})
  SELECT i.id, i.user_id, i.config, i.last_success_at, u.github_username,
         p.name AS project_name, p.status AS project_status,
         (${u.isAdmin} OR EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.user_id = ${u.id}))
           AS project_allowed
    FROM repo i
    JOIN ${u.from} ON ${u.id} = i.user_id AND ${u.isActive}
    LEFT JOIN projects p ON p.id = CASE WHEN i.config->>'default_project_id' ~ '^[0-9]{1,9}$'
                                        THEN (i.config->>'default_project_id')::int END
   ORDER BY i.id
   LIMIT ${MAX_CANDIDATES}`;
};

/** Repositories whose candidates are kept; past that, the oldest entry is dropped. */
export const CACHE_LIMIT = 5_000;
/** A safety net only (a change is seen at once through the change feed): no entry is older than this. */
export const CACHE_MAX_AGE_MS = 30_000;
/** Keyed by lower-cased repository; an entry belongs to the feed (database) it was read under. */
const cache = new Map<string, { feed: ChangeFeed; version: number; at: number; rows: Candidate[] }>();

export interface Candidates {
  rows: Candidate[];
  /** True when the rows came from the cache rather than from this read of the database. */
  cached: boolean;
}

/**
 * Where the answer may come from: `cached` (the cache when current, else the database, then
 * cached), `refresh` (the database, then cached) or `uncached` (the database only, no change feed).
 */
export type RoutingRead = 'cached' | 'refresh' | 'uncached';

const read = (fullName: string) => {
  const sequelize = db();
  return preparedQuery<Candidate>(sequelize, candidatesSql(sequelize), [fullName]);
};

/** Active integrations (of active users) fed by this repository, with owner and default project facts. */
export async function findCandidates(fullName: string, mode: RoutingRead = 'cached'): Promise<Candidates> {
  if (mode === 'uncached') return { rows: await read(fullName), cached: false };
  const feed = changeFeedFor(db());
  const key = fullName.toLowerCase();
  const hit = cache.get(key);
  if (mode === 'cached' && hit?.feed === feed && feed.isCurrent(hit.version) && Date.now() - hit.at < CACHE_MAX_AGE_MS) {
    return { rows: hit.rows, cached: true };
  }
  const version = feed.current();
  const at = Date.now();
  const rows = await read(fullName);
  cache.delete(key);
  // Only what was read with no change in between is kept (a change during the read bumped the version).
  if (version !== null && feed.isCurrent(version) && rows.length > 0) {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, { feed, version, at, rows });
  }
  return { rows, cached: false };
}
