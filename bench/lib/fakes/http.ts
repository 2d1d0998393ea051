// A tiny fake HTTP service on 127.0.0.1 for third-party doubles: a route table, a per-request
// latency, injectable faults (hang, 500, 429 + Retry-After, non-JSON, connection reset) and holds
// (requests kept unanswered until the test releases them). Every request is logged with whether
// it was answered and which fault it got, so tests can count deliveries exactly.
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
  /** The fault this request got, if any. */
  fault?: Fault;
}

export interface FakeReply {
  status?: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export type Handler = (req: FakeRequest) => FakeReply | Promise<FakeReply>;

export type RequestMatch = (req: FakeRequest) => boolean;

export interface FaultPlan {
  fault: Fault;
  /** Apply to this many matching requests, then behave normally (Infinity = until cleared). */
  count: number;
  /** Only requests whose path includes this string (default: all). */
  pathIncludes?: string;
  /**
   * Only requests this predicate accepts (e.g. one message's channel). Concurrent senders race for
   * an untargeted fault; a fault meant for one request must name it.
   */
  match?: RequestMatch;
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
  private holds: Array<{ match: RequestMatch; release: () => void; released: Promise<void> }> = [];
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
  inject(fault: Fault, opts: { count?: number; pathIncludes?: string; match?: RequestMatch; retryAfterSec?: number; skip?: number } = {}): this {
    this.faults.push({ fault, count: opts.count ?? Infinity, pathIncludes: opts.pathIncludes, match: opts.match, retryAfterSec: opts.retryAfterSec, skip: opts.skip ?? 0 });
    return this;
  }

  /**
   * Keeps matching requests unanswered (logged as 'pending') until the returned function is called;
   * then they go on as usual (fault, latency, route). A request whose client gave up meanwhile
   * ends 'aborted' without taking a fault.
   */
  hold(match: RequestMatch = () => true): () => void {
    let open!: () => void;
    const gate = {
      match,
      released: new Promise<void>((r) => (open = r)),
      release: () => {
        this.holds = this.holds.filter((g) => g !== gate);
        open();
      },
    };
    this.holds.push(gate);
    return gate.release;
  }

  /** Drops every fault plan and releases every hold. */
  clearFaults(): void {
    this.faults = [];
    for (const gate of [...this.holds]) gate.release();
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

  private takeFault(req: FakeRequest): FaultPlan | null {
    const plan = this.faults.find((f) => f.count > 0 && (!f.pathIncludes || req.path.includes(f.pathIncludes)) && (!f.match || f.match(req)));
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
    const gates = this.holds.filter((g) => g.match(entry));
    if (gates.length) {
      for (const gate of gates) await gate.released;
      if (res.destroyed || entry.outcome !== 'pending') return; // the client gave up while held
    }
    const plan = this.takeFault(entry);
    if (plan) entry.fault = plan.fault;
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
