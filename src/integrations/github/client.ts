// The one GitHub API client: GITHUB_API_URL (GitHub Enterprise or a test double), Bearer token,
// GitHub's media type and API version, a User-Agent, the 10 s timeout of src/lib/http.ts, and
// every failure turned into one typed result with a message a user can act on. Never throws for a
// remote failure; the token is only ever sent in a header and never appears in a message: it is
// passed to httpRequest as the request's secret, so a failure's body arrives here already redacted.
import { httpRequest, type HttpFailure } from '../../lib/http.js';

export const USER_AGENT = 'TimeTracker-GitHub-Connector';
export const API_VERSION = '2022-11-28';
export const ISSUES_PER_PAGE = 50;

export interface GithubAuth {
  apiUrl: string;
  token: string;
}

export type GithubFailureKind = 'auth' | 'rate_limited' | 'forbidden' | 'not_found' | 'unavailable' | 'invalid';
export type GithubResult<T> = { ok: true; data: T; nextUrl: string | null } | { ok: false; kind: GithubFailureKind; error: string; retryAfterSec?: number };

/** Seconds until GitHub accepts requests again, from Retry-After or x-ratelimit-reset. */
function waitSeconds(res: HttpFailure, now = Date.now()): number | undefined {
  if (res.retryAfterSec !== undefined) return res.retryAfterSec;
  const reset = Number(res.headers?.get('x-ratelimit-reset'));
  return Number.isFinite(reset) && reset > 0 ? Math.max(0, Math.ceil(reset - now / 1000)) : undefined;
}

function isRateLimited(res: HttpFailure): boolean {
  if (res.status === 429) return true;
  return res.status === 403 && (res.headers?.get('x-ratelimit-remaining') === '0' || res.headers?.has('retry-after') === true);
}

function githubMessage(body: unknown): string {
  const m = (body as { message?: unknown } | null)?.message;
  return typeof m === 'string' ? `: ${m.slice(0, 200)}` : '';
}

/** A failed request as a typed result with a clear message, built only from httpRequest's redacted fields. */
export function describeFailure(res: HttpFailure): Extract<GithubResult<never>, { ok: false }> {
  if (res.kind !== 'http') return { ok: false, kind: res.kind === 'invalid_json' ? 'invalid' : 'unavailable', error: res.error };
  if (res.status === 401) return { ok: false, kind: 'auth', error: 'GitHub rejected the token (invalid or expired); enter a new personal access token' };
  if (isRateLimited(res)) {
    const wait = waitSeconds(res);
    const when = wait === undefined ? 'later' : `in ${wait} s`;
    return { ok: false, kind: 'rate_limited', error: `GitHub rate limit reached; try again ${when}`, retryAfterSec: wait };
  }
  if (res.status === 403) return { ok: false, kind: 'forbidden', error: `GitHub refused access (HTTP 403)${githubMessage(res.body)}; check the token's permissions` };
  if (res.status === 404) {
    return { ok: false, kind: 'not_found', error: 'GitHub answered 404: check the owner and repository name, and that the token can read the repository' };
  }
  return { ok: false, kind: 'unavailable', error: `GitHub answered HTTP ${res.status}${githubMessage(res.body)}; try again later` };
}

/** The URL of `rel="next"` in a Link header, or null. */
export function nextLink(link: string | null | undefined): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const m = /^<([^>]+)>(.*)$/.exec(part.trim());
    const rel = m && /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(m[2]);
    if (rel && rel[1].trim().split(/\s+/).includes('next')) return m[1];
  }
  return null;
}

async function get<T>(auth: GithubAuth, url: string): Promise<GithubResult<T>> {
  const res = await httpRequest<T>({
    url,
    service: 'GitHub',
    headers: {
      Authorization: `Bearer ${auth.token}`,
      Accept: 'application/vnd.github+json',
      'X-GitHub-Api-Version': API_VERSION,
      'User-Agent': USER_AGENT,
    },
    secrets: [auth.token],
  });
  if (!res.ok) return describeFailure(res);
  return { ok: true, data: res.data, nextUrl: nextLink(res.headers.get('link')) };
}

export interface GithubUser {
  login: string;
}

/** GET /user: who the token belongs to. */
export async function getUser(auth: GithubAuth): Promise<GithubResult<GithubUser>> {
  const res = await get<GithubUser>(auth, `${auth.apiUrl}/user`);
  if (res.ok && typeof res.data?.login !== 'string') return { ok: false, kind: 'invalid', error: 'GitHub sent an unexpected answer to GET /user' };
  return res;
}

/** First page of the open issues (and pull requests) of a repository. */
export function openIssuesUrl(auth: GithubAuth, owner: string, repo: string): string {
  return `${auth.apiUrl}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/issues?state=open&per_page=${ISSUES_PER_PAGE}`;
}

/**
 * One page of issues. `url` is openIssuesUrl() or a `next` link from the previous page; a link
 * that leaves GITHUB_API_URL is refused, so the token is never sent to another host.
 */
export async function listIssuesPage(auth: GithubAuth, url: string): Promise<GithubResult<unknown[]>> {
  if (new URL(url).origin !== new URL(auth.apiUrl).origin) {
    return { ok: false, kind: 'invalid', error: 'GitHub sent a pagination link to another host; sync stopped' };
  }
  const res = await get<unknown[]>(auth, url);
  if (res.ok && !Array.isArray(res.data)) return { ok: false, kind: 'invalid', error: 'GitHub sent an unexpected answer to the issues list' };
  return res;
}
