// Generators for the bad-input fuzz loop: a seeded PRNG and request builders that mix broken
// bodies, content types, signatures, timestamps and headers for every unauthenticated endpoint.
import crypto from 'node:crypto';
import { githubSignature, issuePayload, slackSignature } from '../../../bench/lib/signing.js';

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A signed click on a TimeTracker button without a response_url (the answer comes in the 200). */
export function signedInteraction(
  o: { userId: string; actionId: string; value?: string },
  secret: string,
  now: number = Math.floor(Date.now() / 1000),
): { body: string; headers: Record<string, string> } {
  const payload = {
    type: 'block_actions',
    user: { id: o.userId, team_id: 'T0BENCH' },
    team: { id: 'T0BENCH' },
    trigger_id: `${now}.${crypto.randomBytes(4).toString('hex')}`,
    actions: [{ action_id: o.actionId, value: o.value ?? '', action_ts: String(now) }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return {
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(now), 'x-slack-signature': slackSignature(body, secret, now) },
  };
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
  label: string;
}

export interface FuzzTargets {
  repo: string;
  slackUser: string;
  /** A secret that is NOT the real one (signatures made with it must fail). */
  wrongSecret: string;
  /** The real Slack signing secret: used only with stale/future timestamps (must still fail). */
  slackSecret: string;
  /** The real webhook secret: used only over a body other than the one sent (must still fail). */
  webhookSecret: string;
}

export class Fuzzer {
  constructor(private readonly r: () => number, private readonly t: FuzzTargets) {}

  private int(n: number): number {
    return Math.floor(this.r() * n);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }

  private text(max = 40): string {
    const alphabet = ['a', 'Z', '0', ' ', '%', '_', '\\', '"', "'", '<', '>', '&', '=', '\u0000', 'é', '漢', '😀', '\n', '{', '}', '/', '..'];
    return Array.from({ length: this.int(max) }, () => this.pick(alphabet)).join('');
  }

  /** Printable ASCII only: what an HTTP client can put in a header. */
  private headerText(max = 40): string {
    return this.text(max).replace(/[^\x21-\x7e]/g, '.');
  }

  private json(depth = 0): unknown {
    const k = this.int(depth > 3 ? 5 : 8);
    switch (k) {
      case 0:
        return null;
      case 1:
        return this.r() < 0.5 ? this.int(1e9) - 5e8 : this.r() * 1e308;
      case 2:
        return this.text(60);
      case 3:
        return this.r() < 0.5;
      case 4:
        return 'x'.repeat(this.int(5000));
      case 5:
        return Array.from({ length: this.int(5) }, () => this.json(depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = 0; i < this.int(6); i++) o[this.pick(['action', 'repository', 'issue', 'number', '__proto__', 'constructor', 'type', 'challenge', 'full_name', this.text(8)])] = this.json(depth + 1);
        return o;
      }
    }
  }

  private deep(n: number): string {
    return '['.repeat(n) + ']'.repeat(n);
  }

  /** A body for the GitHub webhook: broken, random, or a real-looking payload. */
  private githubBody(): string | Buffer {
    const k = this.int(9);
    if (k === 0) return '';
    if (k === 1) return crypto.randomBytes(this.int(2000));
    if (k === 2) return '{"action":"opened",' + this.text(30);
    if (k === 3) return this.deep(1 + this.int(5000));
    if (k === 4) return JSON.stringify(this.json());
    const p = issuePayload({ number: this.int(1e6), repo: this.r() < 0.7 ? this.t.repo : this.text(20), action: this.pick(['opened', 'closed', 'assigned', 'edited', 'labeled', this.text(8)]) });
    if (this.r() < 0.3) (p.repository as Record<string, unknown>).full_name = this.json();
    if (this.r() < 0.2) (p as Record<string, unknown>).issue = this.json();
    return JSON.stringify(p);
  }

  private githubSig(body: string | Buffer): string | undefined {
    switch (this.int(8)) {
      case 0:
        return undefined;
      case 1:
        return `sha256=${crypto.randomBytes(32).toString('hex')}`;
      case 2:
        return githubSignature(body, this.t.wrongSecret);
      case 3:
        return githubSignature(Buffer.concat([Buffer.from(body), Buffer.from(' ')]), this.t.webhookSecret); // the real secret, another body
      case 4:
        return `sha1=${crypto.randomBytes(20).toString('hex')}`;
      case 5:
        return `sha256=${this.headerText(64)}`;
      case 6:
        return `sha256=${crypto.randomBytes(32).toString('hex').toUpperCase()}, sha256=${crypto.randomBytes(32).toString('hex')}`;
      default:
        return 'sha256=';
    }
  }

  github(): FuzzRequest {
    const body = this.githubBody();
    const headers: Record<string, string> = {};
    const type = this.pick(['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', '', 'application/vnd.github+json', 'multipart/form-data; boundary=x']);
    if (type) headers['content-type'] = type;
    const sig = this.githubSig(body);
    if (sig !== undefined) headers[this.pick(['x-hub-signature-256', 'X-HUB-SIGNATURE-256', 'X-Hub-Signature-256'])] = sig;
    if (this.r() < 0.9) headers['x-github-event'] = this.pick(['issues', 'ping', 'push', 'ISSUES', 'pull_request', this.headerText(10) || 'x']);
    if (this.r() < 0.9) headers['x-github-delivery'] = this.r() < 0.1 ? 'd'.repeat(5000) : crypto.randomUUID();
    return { method: 'POST', path: '/api/integrations/github/webhook', headers, body, label: 'github' };
  }

  private slackBody(): string {
    const k = this.int(7);
    if (k === 0) return '';
    if (k === 1) return JSON.stringify({ type: 'url_verification', challenge: this.text(20) });
    if (k === 2) return 'ssl_check=1&token=x';
    if (k === 3) return JSON.stringify(this.json());
    if (k === 4) return this.text(200);
    const form = new URLSearchParams({
      command: this.pick(['/tt', '/TT', '/other', '']),
      text: this.pick(['status', 'start', 'stop', 'today', `start ${this.text(20)}`, this.text(50), 'start %_%']),
      user_id: this.pick([this.t.slackUser, 'U0NOBODY', this.text(12), '']),
      team_id: this.pick(['T0FUZZ', this.text(5)]),
    });
    if (this.r() < 0.2) form.append('user_id', 'U0SECOND');
    return form.toString();
  }

  /** A click on a TimeTracker button (`payload=` JSON), intact or garbled. */
  private interactionBody(): string {
    const k = this.int(5);
    if (k === 0) return '';
    if (k === 1) return `payload=${encodeURIComponent(this.text(200))}`;
    if (k === 2) return `payload=${encodeURIComponent(JSON.stringify(this.json()))}`;
    const payload = {
      type: this.pick(['block_actions', 'view_submission', '']),
      user: { id: this.pick([this.t.slackUser, 'U0NOBODY', this.text(12)]), team_id: 'T0FUZZ' },
      team: { id: this.pick(['T0FUZZ', this.text(5)]) },
      trigger_id: `${Date.now()}.${this.int(1_000_000)}`,
      response_url: this.pick(['https://hooks.slack.com/actions/T0FUZZ/1/x', 'http://127.0.0.1:9/unused', this.text(30)]),
      actions: [{ action_id: this.pick(['tt_stop', 'tt_start', 'tt_switch', this.text(10)]), value: this.pick(['1', '-1', this.text(20)]), selected_option: { value: this.text(5) } }],
    };
    return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  }

  slack(): FuzzRequest {
    const interactions = this.r() < 0.3;
    const body = interactions ? this.interactionBody() : this.slackBody();
    const now = Math.floor(Date.now() / 1000);
    // Outside the ±300 s window by a margin: `now + 301` read by the server one second later is a
    // skew of exactly 300 s, inside the window (that made the test fail by chance under load).
    // The exact boundary is tested without a clock race in test/integrations/slack.
    const ts = this.pick([String(now - 330), String(now + 330), String(now - 86_400), 'abc', '', '-1', '1e20', `${now}.5`, String(now), ' ' + now]);
    const headers: Record<string, string> = { 'content-type': this.pick(['application/x-www-form-urlencoded', 'application/json', 'text/plain', '']) };
    if (!headers['content-type']) delete headers['content-type'];
    if (this.r() < 0.9) headers['x-slack-request-timestamp'] = ts;
    const outsideWindow = /^-?\d+$/.test(ts) && Math.abs(Number(ts) - now) > 320;
    const sig = this.pick([
      undefined,
      `v0=${crypto.randomBytes(32).toString('hex')}`,
      slackSignature(body, this.t.wrongSecret, now),
      // the real secret, but only with a timestamp outside the five-minute window
      outsideWindow ? slackSignature(body, this.t.slackSecret, ts) : slackSignature(body, this.t.wrongSecret, ts),
      `v1=${crypto.randomBytes(32).toString('hex')}`,
      `v0=${this.headerText(64)}`,
      'v0=',
    ]);
    if (sig !== undefined) headers[this.pick(['x-slack-signature', 'X-Slack-Signature'])] = sig;
    // Slack's certificate probe is answered 200 before verification (it reads and changes nothing);
    // /interactions has no such probe.
    if (interactions) return { method: 'POST', path: '/api/integrations/slack/interactions', headers, body, label: 'slack' };
    const label = body.startsWith('ssl_check=1') ? 'slack-ssl-check' : 'slack';
    return { method: 'POST', path: '/api/integrations/slack/events', headers, body, label };
  }

  other(): FuzzRequest {
    const k = this.int(11);
    const json = { 'content-type': 'application/json' };
    switch (k) {
      case 0:
        return { method: 'POST', path: '/api/auth/login', headers: json, body: JSON.stringify(this.json()), label: 'login' };
      case 1:
        return { method: 'POST', path: '/api/auth/login', headers: json, body: JSON.stringify({ email: this.text(30), password: this.text(30) }), label: 'login' };
      case 2:
        return { method: 'POST', path: '/api/auth/login', headers: { 'content-type': this.pick(['text/plain', 'application/x-www-form-urlencoded']) }, body: `email=${this.text(10)}&password=x`, label: 'login-form' };
      case 3:
        return { method: this.pick(['GET', 'POST', 'DELETE', 'PATCH', 'PUT']), path: this.pick(['/api/timer/start', '/api/timer/stop', '/api/timer/status', '/api/timer/auto-stopped/' + encodeURIComponent(this.text(6)) + '/ack', '/api/me', '/api/users', '/api/projects', '/api/integrations/github/config', '/api/integrations/slack/status', '/api/integrations/google/sync', '/api/time-entries/1', '/api/tasks?project_id=' + encodeURIComponent(this.text(10)), '/api/reports/time-entries.csv?from=' + encodeURIComponent(this.text(10)), '/api/reports/summary?group_by=' + encodeURIComponent(this.text(10)), '/api/timesheet?week=' + encodeURIComponent(this.text(10))]), headers: json, body: undefined, label: 'api-unauth' };
      case 4:
        return { method: 'GET', path: `/integrations/google/callback?code=${encodeURIComponent(this.text(20))}&state=${encodeURIComponent(this.text(40))}${this.r() < 0.3 ? '&error=access_denied' : ''}`, headers: {}, label: 'google-callback' };
      case 5:
        return { method: this.pick(['GET', 'POST']), path: this.pick(['/integrations/google/connect', '/integrations/google/disconnect']), headers: {}, label: 'google' };
      case 6:
        return { method: this.pick(['GET', 'PUT', 'DELETE', 'PATCH']), path: this.pick(['/api/integrations/github/webhook', '/api/integrations/slack/events', '/api/integrations/slack/interactions']), headers: {}, label: 'wrong-method' };
      case 7:
        return { method: 'GET', path: this.pick(['/healthz', '/readyz', '/api/auth/me', `/api/${encodeURIComponent(this.text(30))}`, '/api/integrations/github/webhook/../../auth/me', `/${'a'.repeat(this.int(4000))}`]), headers: {}, label: 'get' };
      case 8:
        return { method: 'POST', path: '/api/auth/logout', headers: json, body: '{}', label: 'logout' };
      case 9:
        return { method: this.pick(['GET', 'HEAD', 'POST', 'DELETE']), path: `/favicon.ico${this.r() < 0.5 ? `?v=${encodeURIComponent(this.text(20))}` : ''}`, headers: { 'if-none-match': this.headerText(60) }, label: 'favicon' };
      default:
        return { method: 'POST', path: '/admin/login', headers: { 'content-type': this.pick(['application/x-www-form-urlencoded', 'multipart/form-data; boundary=zz', 'application/json']) }, body: this.text(200), label: 'admin-login' };
    }
  }

  oversized(): FuzzRequest {
    const body = Buffer.alloc(1024 * 1024 + 1 + this.int(500_000), 0x7b);
    return this.r() < 0.5
      ? { method: 'POST', path: '/api/integrations/github/webhook', headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': crypto.randomUUID(), 'x-hub-signature-256': githubSignature(body, this.t.webhookSecret) }, body, label: 'github-oversized' }
      : { method: 'POST', path: this.pick(['/api/integrations/slack/events', '/api/integrations/slack/interactions']), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)), 'x-slack-signature': 'v0=00' }, body, label: 'slack-oversized' };
  }

  next(i: number): FuzzRequest {
    if (i % 97 === 0) return this.oversized();
    const k = this.r();
    return k < 0.4 ? this.github() : k < 0.75 ? this.slack() : this.other();
  }
}
