// A tiny fake HTTP service on 127.0.0.1 for third-party doubles: a route table, a per-request
// latency, and injectable faults (hang, 500, 429 + Retry-After, non-JSON, connection reset).
// Every request is logged with whether it was answered, so tests can count deliveries exactly.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** `echo`: a 500 whose body repeats the request's Authorization header and body (a careless upstream). */
export type Fault = 'none' | 'hang' | 'http500' | 'http429' | 'nonjson' | 'reset' | 'echo';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** JSON or form body, parsed when possible. */
  json: any;
  at: number;
}

export interface LoggedRequest extends FakeRequest {
  /** 'answered' (a response was written), 'fault' (a fault was injected), 'aborted' (client went away first). */
  outcome: 'pending' | 'answered' | 'fault' | 'aborted';
  status?: number;
}

export interface FakeReply {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export type Handler = (req: FakeRequest) => FakeReply | Promise<FakeReply>;

export interface FaultPlan {
  fault: Fault;
  /** Apply to this many matching requests, then behave normally (Infinity = until cleared). */
  count: number;
  /** Only requests whose path includes this string (default: all). */
  pathIncludes?: string;
  retryAfterSec?: number;
  /** Let this many matching requests through first (e.g. fail page 2 of a listing). */
  skip?: number;
}

function parseBody(text: string, type: string | undefined): unknown {
  if (!text) return null;
  try {
    if (type?.includes('json')) return JSON.parse(text);
    if (type?.includes('x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export class FakeService {
  readonly log: LoggedRequest[] = [];
  latencyMs = 0;
  /** Requests being handled now, and the most at once since the last resetStats(). */
  inFlight = 0;
  maxInFlight = 0;
  private routes: Array<{ method: string; pattern: RegExp; handler: Handler }> = [];
  private faults: FaultPlan[] = [];
  private server: http.Server;
  private sockets = new Set<Socket>();
  url = '';

  constructor(readonly name: string) {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  route(method: string, pattern: RegExp, handler: Handler): this {
    this.routes.push({ method, pattern, handler });
    return this;
  }

  /** Injects a fault for the next `count` matching requests (default: all until clearFaults()). */
  inject(fault: Fault, opts: { count?: number; pathIncludes?: string; retryAfterSec?: number; skip?: number } = {}): this {
    this.faults.push({ fault, count: opts.count ?? Infinity, pathIncludes: opts.pathIncludes, retryAfterSec: opts.retryAfterSec, skip: opts.skip ?? 0 });
    return this;
  }

  clearFaults(): void {
    this.faults = [];
  }

  resetStats(): void {
    this.log.length = 0;
    this.maxInFlight = this.inFlight;
  }

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  requests(pathIncludes?: string): LoggedRequest[] {
    return pathIncludes ? this.log.filter((r) => r.path.includes(pathIncludes)) : this.log;
  }

  private takeFault(path: string): FaultPlan | null {
    const plan = this.faults.find((f) => f.count > 0 && (!f.pathIncludes || path.includes(f.pathIncludes)));
    if (!plan) return null;
    if (plan.skip && plan.skip > 0) {
      plan.skip -= 1;
      return null;
    }
    plan.count -= 1;
    return plan;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.once('close', () => {
      this.inFlight -= 1;
    });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const u = new URL(req.url ?? '/', 'http://fake');
    const entry: LoggedRequest = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query: u.searchParams,
      headers: req.headers,
      body: text,
      json: parseBody(text, req.headers['content-type']),
      at: Date.now(),
      outcome: 'pending',
    };
    this.log.push(entry);
    if (this.log.length > 200_000) this.log.splice(0, 100_000);
    res.on('close', () => {
      if (entry.outcome === 'pending') entry.outcome = 'aborted';
    });
    const plan = this.takeFault(entry.path);
    if (plan && plan.fault === 'hang') {
      entry.outcome = 'fault';
      return; // never answer; the client's timeout decides
    }
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (plan) {
      if (res.destroyed) return;
      entry.outcome = 'fault';
      this.applyFault(plan, res, entry);
      return;
    }
    const route = this.routes.find((r) => r.method === entry.method && r.pattern.test(entry.path));
    let reply: FakeReply;
    // Like a real API, a request received in full is processed even if the client has gone away
    // meanwhile (a crashed sender): its effect happens, only the answer is lost (outcome 'aborted').
    try {
      reply = route ? await route.handler(entry) : { status: 404, json: { error: 'not_found', path: entry.path } };
    } catch (err) {
      reply = { status: 500, json: { error: String(err) } };
    }
    if (res.destroyed) return;
    entry.outcome = 'answered';
    entry.status = reply.status ?? 200;
    const payload = reply.text ?? JSON.stringify(reply.json ?? {});
    res.writeHead(entry.status, {
      'content-type': reply.text !== undefined ? 'text/plain' : 'application/json; charset=utf-8',
      ...reply.headers,
    });
    res.end(payload);
  }

  private applyFault(plan: FaultPlan, res: http.ServerResponse, req: FakeRequest): void {
    switch (plan.fault) {
      case 'echo':
        res
          .writeHead(500, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: false, error: `invalid request ${req.headers.authorization ?? ''} ${req.body}`, message: `bad ${req.headers.authorization ?? ''}` }));
        return;
      case 'http500':
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"internal"}');
        return;
      case 'http429':
        res
          .writeHead(429, { 'content-type': 'application/json', 'retry-after': String(plan.retryAfterSec ?? 1), 'x-ratelimit-remaining': '0' })
          .end('{"ok":false,"error":"ratelimited","message":"API rate limit exceeded"}');
        return;
      case 'nonjson':
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
        return;
      case 'reset':
        res.socket?.destroy();
        return;
      default:
        res.writeHead(500).end();
    }
  }
}
