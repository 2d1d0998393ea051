// fetch with a cookie jar, for driving a TimeTracker server over loopback: the in-process test
// server (test/support/server.ts), server processes in the reliability suite and the benchmark.
export interface TestResponse<T = any> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
  /** Milliseconds from sending the request to reading the whole answer. */
  ms: number;
}

export interface RequestOptions {
  json?: unknown;
  body?: string | Buffer;
  headers?: Record<string, string>;
  redirect?: 'manual' | 'follow';
  timeoutMs?: number;
}

/** JSON bodies get Content-Type application/json; cookies set by the server are sent back. */
export class TestClient {
  private cookies = new Map<string, string>();
  /** Every answer seen, one line each (the secrets scan reads it). */
  readonly transcript: string[] = [];

  constructor(readonly baseUrl: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request<T = any>(method: string, path: string, opts: RequestOptions = {}): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.cookies.size) headers.Cookie = this.cookieHeader;
    let body: string | Buffer | undefined = opts.body;
    if (opts.json !== undefined) {
      headers['Content-Type'] ??= 'application/json';
      body = JSON.stringify(opts.json);
    }
    const started = Date.now();
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body as unknown as BodyInit | undefined,
      redirect: opts.redirect ?? 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
    this.keepCookies(res.headers);
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

  private keepCookies(headers: Headers): void {
    for (const c of headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get<T = any>(path: string, opts?: RequestOptions) {
    return this.request<T>('GET', path, opts);
  }
  /** POST; with neither `json` nor a raw `body`, sends `{}` as JSON. */
  post<T = any>(path: string, json?: unknown, opts: RequestOptions = {}) {
    const payload = json ?? opts.json ?? (opts.body === undefined ? {} : undefined);
    return this.request<T>('POST', path, { ...opts, json: payload });
  }
  patch<T = any>(path: string, json?: unknown, opts: RequestOptions = {}) {
    return this.request<T>('PATCH', path, { ...opts, json });
  }
  delete<T = any>(path: string, opts?: RequestOptions) {
    return this.request<T>('DELETE', path, opts);
  }

  async login(email: string, password = 'password123'): Promise<TestResponse> {
    const res = await this.post('/api/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`login failed for ${email}: ${res.status} ${res.text}`);
    return res;
  }

  /** A client of another instance (same database) carrying this client's session. */
  withBase(baseUrl: string): TestClient {
    const c = new TestClient(baseUrl);
    for (const [k, v] of this.cookies) c.cookies.set(k, v);
    return c;
  }
}

/** The names the benchmark and the reliability suite use. */
export { TestClient as ApiClient, type TestResponse as ApiResponse };
