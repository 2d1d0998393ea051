// What an error that escaped every handler does: inside a request it ends that request only (a 500
// with the request id, or a closed connection when the answer had begun); outside requests a
// rejection is logged and an exception is fatal. The request context comes from errorHandler().
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import pino from 'pino';
import { errorHandler } from '../../src/web/errorHandler.js';
import { handleEscapedError, type GuardOptions } from '../../src/lib/processGuard.js';

function guard() {
  const lines: Array<Record<string, any>> = [];
  const fatal: unknown[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  const opts: GuardOptions = { logger: () => log, onFatal: (err) => void fatal.push(err) };
  return { lines, fatal, opts };
}

/** A Koa app whose one route lets `escape` run outside the middleware chain, in the request's context. */
async function serve(route: (ctx: Koa.Context, escape: (err: Error) => void) => Promise<void>, opts: GuardOptions) {
  const app = new Koa();
  app.silent = true;
  app.use(errorHandler());
  app.use(async (ctx) => route(ctx, (err) => setImmediate(() => handleEscapedError(err, 'unhandledRejection', opts))));
  const server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('lib/processGuard', () => {
  let server: http.Server | undefined;
  afterEach(() => server?.close());

  it('ends the request an escaped error belongs to with a 500 naming its request id, and logs that id', async () => {
    const g = guard();
    const s = await serve(async (_ctx, escape) => {
      escape(new Error('late failure'));
      await new Promise((r) => setTimeout(r, 2_000)); // the handler itself never gets to answer
    }, g.opts);
    server = s.server;
    const res = await fetch(`${s.url}/anything`);
    expect(res.status).to.equal(500);
    const body = await res.json();
    const entry = g.lines.find((l) => l.kind === 'unhandledRejection')!;
    expect(entry, JSON.stringify(g.lines)).to.include({ method: 'GET', path: '/anything', outcome: 'answered' });
    expect(body.error).to.equal(`Internal error (reference ${entry.requestId})`);
    expect(entry.err.message).to.equal('late failure');
    expect(g.fatal).to.have.length(0);
  });

  it('closes the connection of a request whose answer had begun', async () => {
    const g = guard();
    const s = await serve(async (ctx, escape) => {
      ctx.res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': '100' });
      ctx.res.write('partial');
      escape(new Error('failed mid-answer'));
      ctx.respond = false;
      await new Promise((r) => setTimeout(r, 500));
    }, g.opts);
    server = s.server;
    const res = await fetch(`${s.url}/stream`);
    expect(res.status).to.equal(200);
    let failed = false;
    await res.text().catch(() => (failed = true));
    expect(failed, 'the truncated answer is an error for the client').to.equal(true);
    expect(g.lines.find((l) => l.kind === 'unhandledRejection')).to.include({ outcome: 'closed' });
  });

  it('only logs an error whose request already has its whole answer', async () => {
    const g = guard();
    const s = await serve(async (ctx, escape) => {
      // Work nobody awaits, failing after the answer went out (like an unawaited session save).
      void new Promise((r) => setTimeout(r, 100)).then(() => escape(new Error('after the answer')));
      ctx.body = { ok: true };
    }, g.opts);
    server = s.server;
    const res = await fetch(`${s.url}/done`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ ok: true });
    await new Promise((r) => setTimeout(r, 200));
    const entry = g.lines.find((l) => l.kind === 'unhandledRejection');
    expect(entry).to.include({ outcome: 'already-finished', path: '/done' });
    expect(entry!.requestId).to.be.a('string');
  });

  it('logs a rejection outside any request and keeps running', () => {
    const g = guard();
    expect(handleEscapedError(new Error('a background job failed'), 'unhandledRejection', g.opts)).to.equal('logged');
    expect(g.fatal).to.have.length(0);
    expect(g.lines[0]).to.include({ kind: 'unhandledRejection', level: 50 });
    expect(g.lines[0].requestId).to.equal(undefined);
  });

  it('treats an exception outside any request as fatal', () => {
    const g = guard();
    const err = new Error('a timer threw');
    expect(handleEscapedError(err, 'uncaughtException', g.opts)).to.equal('fatal');
    expect(g.fatal).to.deep.equal([err]);
    expect(g.lines[0]).to.include({ kind: 'uncaughtException', level: 60 });
  });
});
