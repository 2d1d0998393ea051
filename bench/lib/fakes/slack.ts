// Fake Slack Web API (SLACK_API_URL): chat.postMessage and auth.test, recording every message.
import { FakeService, type FakeRequest } from './http.js';

export interface PostedMessage {
  token: string;
  channel: string;
  text: string;
  at: number;
}

export class FakeSlack extends FakeService {
  readonly messages: PostedMessage[] = [];
  /** Tokens accepted; empty = any token starting with xoxb-. */
  readonly validTokens = new Set<string>();

  constructor() {
    super('slack');
    this.route('POST', /\/chat\.postMessage$/, (req) => this.postMessage(req));
    this.route('POST', /\/auth\.test$/, (req) =>
      this.authorised(req) ? { json: { ok: true, user_id: 'UBOT', team_id: 'T0BENCH', team: 'Bench', user: 'timetracker' } } : { json: { ok: false, error: 'invalid_auth' } },
    );
  }

  private token(req: FakeRequest): string {
    const auth = String(req.headers.authorization ?? '');
    return auth.startsWith('Bearer ') ? auth.slice(7) : String(req.json?.token ?? '');
  }

  private authorised(req: FakeRequest): boolean {
    const t = this.token(req);
    return this.validTokens.size ? this.validTokens.has(t) : t.startsWith('xoxb-');
  }

  private postMessage(req: FakeRequest) {
    if (!this.authorised(req)) return { json: { ok: false, error: 'invalid_auth' } };
    const channel = String(req.json?.channel ?? '');
    if (!channel) return { json: { ok: false, error: 'channel_not_found' } };
    const text = String(req.json?.text ?? '');
    this.messages.push({ token: this.token(req), channel, text, at: Date.now() });
    const ts = `${Math.floor(Date.now() / 1000)}.${String(this.messages.length).padStart(6, '0')}`;
    return { json: { ok: true, channel, ts, message: { text, ts } } };
  }
}
