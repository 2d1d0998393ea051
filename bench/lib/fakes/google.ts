// Fake Google OAuth + Calendar API (GOOGLE_*_URL): token exchange/refresh, userinfo, revoke,
// paginated events.list and events insert/update/patch. Events are generated per access token,
// so each user sees their own calendar; created events are kept per calendar.
import crypto from 'node:crypto';
import { FakeService, type FakeRequest } from './http.js';

export interface FakeEvent {
  id: string;
  status?: string;
  summary?: string;
  start: { dateTime?: string; date?: string };
  end: { dateTime?: string; date?: string };
  transparency?: string;
  attendees?: Array<{ self?: boolean; responseStatus?: string }>;
  extendedProperties?: { private?: Record<string, string> };
}

export class FakeGoogle extends FakeService {
  eventsPerUser = 3;
  pageSize = 2;
  /** Refresh tokens that answer invalid_grant (or all of them with refuseAllRefresh). */
  readonly revokedRefreshTokens = new Set<string>();
  refuseAllRefresh = false;
  readonly created = new Map<string, FakeEvent>();
  tokenCalls = 0;
  /** Every access and refresh token handed out (for secret scans). */
  readonly issued: string[] = [];
  /** Which calendar owner a token belongs to: a refreshed access token keeps its owner's calendar. */
  private readonly owners = new Map<string, string>();

  constructor() {
    super('google');
    this.route('POST', /\/token$/, (req) => this.token(req));
    this.route('GET', /\/userinfo$/, () => ({ json: { sub: '1', email: 'bench@example.test', email_verified: true } }));
    this.route('POST', /\/revoke$/, () => ({ json: {} }));
    this.route('GET', /\/calendars\/[^/]+\/events$/, (req) => this.list(req));
    this.route('GET', /\/calendars\/[^/]+$/, (req) => ({ json: { id: decodeURIComponent(req.path.split('/').pop()!), summary: 'Bench calendar' } }));
    this.route('POST', /\/calendars\/[^/]+\/events$/, (req) => this.insert(req));
    this.route('PUT', /\/calendars\/[^/]+\/events\/[^/]+$/, (req) => this.update(req));
    this.route('PATCH', /\/calendars\/[^/]+\/events\/[^/]+$/, (req) => this.update(req));
  }

  private token(req: FakeRequest) {
    this.tokenCalls += 1;
    const b = (req.json ?? {}) as Record<string, string>;
    if (b.grant_type === 'refresh_token' && (this.refuseAllRefresh || this.revokedRefreshTokens.has(b.refresh_token))) {
      return { status: 400, json: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } };
    }
    const scope = 'openid https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/userinfo.email';
    const access = `ya29.fake-${crypto.randomBytes(12).toString('hex')}`;
    const out: Record<string, unknown> = { access_token: access, expires_in: 3599, token_type: 'Bearer', scope };
    this.issued.push(access);
    if (b.grant_type === 'authorization_code') {
      const refresh = `1//fake-refresh-${crypto.randomBytes(12).toString('hex')}`;
      out.refresh_token = refresh;
      this.issued.push(refresh);
      this.owners.set(access, refresh);
      this.owners.set(refresh, refresh);
    } else {
      this.owners.set(access, this.owners.get(b.refresh_token) ?? b.refresh_token);
    }
    return { json: out };
  }

  private auth(req: FakeRequest): string | null {
    const a = String(req.headers.authorization ?? '');
    return a.startsWith('Bearer ') ? a.slice(7) : null;
  }

  /** The generated past events of one user (deterministic per calendar owner). */
  eventsFor(token: string): FakeEvent[] {
    const owner = this.owners.get(token) ?? token;
    const seed = crypto.createHash('sha1').update(owner).digest('hex').slice(0, 10);
    const out: FakeEvent[] = [];
    const now = Date.now();
    for (let k = 0; k < this.eventsPerUser; k++) {
      const start = new Date(now - (k + 1) * 3 * 3600_000);
      out.push({
        id: `ev${seed}${k}`,
        status: 'confirmed',
        summary: `Meeting ${k}`,
        start: { dateTime: start.toISOString() },
        end: { dateTime: new Date(start.getTime() + 45 * 60_000).toISOString() },
      });
    }
    return out;
  }

  private list(req: FakeRequest) {
    const token = this.auth(req);
    if (!token) return { status: 401, json: { error: { code: 401, message: 'Invalid Credentials' } } };
    const all = this.eventsFor(token);
    const max = Math.min(Number(req.query.get('maxResults') ?? this.pageSize), this.pageSize);
    const offset = Number(req.query.get('pageToken') ?? 0) || 0;
    const items = all.slice(offset, offset + max);
    const next = offset + max < all.length ? String(offset + max) : undefined;
    return { json: { kind: 'calendar#events', items, ...(next ? { nextPageToken: next } : {}) } };
  }

  private insert(req: FakeRequest) {
    if (!this.auth(req)) return { status: 401, json: { error: { code: 401 } } };
    const ev = req.json as FakeEvent;
    const id = ev.id ?? crypto.randomBytes(8).toString('hex');
    if (this.created.has(id)) return { status: 409, json: { error: { code: 409, message: 'The requested identifier already exists.' } } };
    const stored = { ...ev, id };
    this.created.set(id, stored);
    return { json: stored };
  }

  private update(req: FakeRequest) {
    const id = decodeURIComponent(req.path.split('/').pop()!);
    const stored = { ...(req.json as FakeEvent), id };
    this.created.set(id, stored);
    return { json: stored };
  }
}
