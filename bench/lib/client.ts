// A small fetch client with a cookie jar, for driving a server process over loopback.
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
  ms: number;
}

export class ApiClient {
  private cookies = new Map<string, string>();
  /** Every response body seen (for the secrets scan). */
  readonly transcript: string[] = [];

  constructor(readonly baseUrl: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request<T = any>(
    method: string,
    path: string,
    opts: { json?: unknown; body?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.cookies.size) headers.cookie = this.cookieHeader;
    let body = opts.body;
    if (opts.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(opts.json);
    }
    const started = Date.now();
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    this.transcript.push(`${method} ${path} ${res.status} ${res.headers.get('location') ?? ''} ${text}`);
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed as T, text, headers: res.headers, ms: Date.now() - started };
  }

  get<T = any>(path: string, opts?: { headers?: Record<string, string>; timeoutMs?: number }) {
    return this.request<T>('GET', path, opts);
  }

  post<T = any>(path: string, json?: unknown, opts: { headers?: Record<string, string>; timeoutMs?: number } = {}) {
    return this.request<T>('POST', path, { ...opts, json: json ?? {} });
  }

  async login(email: string, password = 'password123'): Promise<void> {
    const res = await this.post('/api/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`login failed for ${email}: ${res.status} ${res.text}`);
  }

  /** Copies this client's session into a client of another instance (same database). */
  withBase(baseUrl: string): ApiClient {
    const c = new ApiClient(baseUrl);
    for (const [k, v] of this.cookies) c.cookies.set(k, v);
    return c;
  }
}
