// autocannon, wrapped: a bounded run (duration or amount) against a loopback URL, returning the
// numbers the report needs. Refuses any target that is not on the loopback interface.
import autocannon, { type AutocannonClient, type AutocannonRequest } from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  durationSec: number;
  requests: AutocannonRequest[];
  /** Per-connection setup (e.g. a session cookie per connection). */
  setupClient?: (client: AutocannonClient, index: number) => void;
  timeoutSec?: number;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  status: Record<string, number>;
}

export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(host)) throw new Error(`refusing to load a non-loopback target: ${url}`);
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  assertLoopback(opts.url);
  let clientIndex = 0;
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.durationSec,
    timeout: opts.timeoutSec ?? 10,
    requests: opts.requests,
    setupClient: opts.setupClient ? (client) => opts.setupClient!(client, clientIndex++) : undefined,
  });
  const status: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) status[code] = s.count;
  return {
    requests: result.requests.total,
    rps: round(result.requests.total / Math.max(result.duration, 0.001), 1),
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: round(result.latency.mean, 2),
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    status,
  };
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Gives each connection its own fixed context (autocannon resets `context` every loop). */
export function pinContext(client: AutocannonClient, ctx: Record<string, unknown>): void {
  client.requestIterator.initialContext = ctx;
  client.requestIterator.resetContext();
  // The first request was built before setupClient ran: build it again with the pinned context.
  client.requestIterator.rebuildRequest();
}
