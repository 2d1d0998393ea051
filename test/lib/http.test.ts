import { expect } from 'chai';
import net from 'node:net';
import nock from 'nock';
import { httpRequest, networkCause, outboundFailures, parseRetryAfter, secretRedactor } from '../../src/lib/http.js';
import { configureLogger } from '../../src/lib/logger.js';
import { duplicateKeys } from '../support/jsonKeys.js';

const API = 'https://api.example.test';

describe('lib/http httpRequest', () => {
  let lines: string[];
  beforeEach(() => {
    lines = [];
    configureLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } });
    outboundFailures.reset();
  });
  afterEach(() => {
    configureLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
    outboundFailures.reset();
  });

  it('returns parsed JSON, status and headers on success, with query and JSON body', async () => {
    const scope = nock(API)
      .post('/items', { name: 'x' })
      .query({ page: '2', all: 'true' })
      .matchHeader('content-type', /application\/json/)
      .matchHeader('authorization', 'Bearer t')
      .reply(201, { id: 7 }, { 'X-Thing': 'yes' });
    const res = await httpRequest<{ id: number }>({
      method: 'POST',
      url: `${API}/items`,
      query: { page: 2, all: true, skip: undefined },
      json: { name: 'x' },
      headers: { Authorization: 'Bearer t' },
      service: 'Example',
    });
    expect(res.ok).to.equal(true);
    if (!res.ok) return;
    expect(res.status).to.equal(201);
    expect(res.data).to.deep.equal({ id: 7 });
    expect(res.headers.get('x-thing')).to.equal('yes');
    scope.done();
  });

  it('sends form bodies url-encoded', async () => {
    nock(API)
      .post('/token', 'grant_type=refresh_token&refresh_token=abc')
      .matchHeader('content-type', 'application/x-www-form-urlencoded')
      .reply(200, { ok: true });
    const res = await httpRequest({ method: 'POST', url: `${API}/token`, form: { grant_type: 'refresh_token', refresh_token: 'abc' }, service: 'Example' });
    expect(res.ok).to.equal(true);
  });

  it('turns a slow answer into kind "timeout"', async () => {
    nock(API).get('/slow').delay(500).reply(200, { late: true });
    const started = Date.now();
    const res = await httpRequest({ url: `${API}/slow`, timeoutMs: 50, service: 'Example' });
    expect(Date.now() - started).to.be.lessThan(400);
    expect(res).to.deep.include({ ok: false, kind: 'timeout' });
    if (!res.ok) expect(res.error).to.match(/^Example did not answer within/);
  });

  it('turns a network error into kind "network"', async () => {
    nock(API).get('/down').replyWithError({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' });
    const res = await httpRequest({ url: `${API}/down`, service: 'Example' });
    expect(res).to.deep.include({ ok: false, kind: 'network' });
    if (!res.ok) expect(res.error).to.match(/^Could not reach Example/);
  });

  it('turns a non-JSON 2xx into kind "invalid_json" (or null data with allowEmpty)', async () => {
    nock(API).get('/html').reply(200, '<html>login</html>', { 'Content-Type': 'text/html' });
    const res = await httpRequest({ url: `${API}/html`, service: 'Example' });
    expect(res).to.deep.include({ ok: false, kind: 'invalid_json', status: 200, error: 'Example sent an answer that is not JSON' });
    nock(API).delete('/thing').reply(204);
    const empty = await httpRequest({ method: 'DELETE', url: `${API}/thing`, service: 'Example', allowEmpty: true });
    expect(empty).to.deep.include({ ok: true, status: 204, data: null });
  });

  it('turns a non-2xx into kind "http" with status and body', async () => {
    nock(API).get('/broken').reply(500, { message: 'boom' });
    const res = await httpRequest({ url: `${API}/broken`, service: 'Example' });
    expect(res).to.deep.include({ ok: false, kind: 'http', status: 500, error: 'Example answered HTTP 500' });
    if (!res.ok) expect(res.body).to.deep.equal({ message: 'boom' });
    nock(API).get('/text-error').reply(502, 'Bad gateway');
    const text = await httpRequest({ url: `${API}/text-error`, service: 'Example' });
    if (!text.ok) expect(text.body).to.equal('Bad gateway');
  });

  it('parses Retry-After (seconds or HTTP date) on 429', async () => {
    nock(API).get('/limited').reply(429, { error: 'ratelimited' }, { 'Retry-After': '30' });
    const res = await httpRequest({ url: `${API}/limited`, service: 'Example' });
    expect(res).to.deep.include({ ok: false, kind: 'http', status: 429, retryAfterSec: 30 });
    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    expect(parseRetryAfter(new Headers({ 'retry-after': inTwoMinutes }))).to.be.within(118, 121);
    expect(parseRetryAfter(new Headers({ 'retry-after': '1.2' }))).to.equal(2);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }))).to.equal(undefined);
    expect(parseRetryAfter(new Headers())).to.equal(undefined);
  });

  it('never logs tokens from the URL, its query or an error message', async () => {
    nock(API).get('/hooks/xoxb-1234567890-abcdef').query(true).reply(200, {});
    await httpRequest({ url: `${API}/hooks/xoxb-1234567890-abcdef`, query: { access_token: 'ya29.secretsecret' }, service: 'Example' });
    nock(API).get('/fail').query(true).replyWithError('socket hang up for ghp_abcdefghijklmnopqrstuvwxyz');
    await httpRequest({ url: `${API}/fail`, query: { token: 'ghp_abcdefghijklmnopqrstuvwxyz' }, service: 'Example' });
    const all = lines.join('\n');
    expect(lines.length).to.be.at.least(2);
    expect(all).to.include('outbound request');
    for (const secret of ['1234567890-abcdef', 'ya29.secretsecret', 'abcdefghijklmnopqrstuvwxyz']) expect(all).not.to.include(secret);
    expect(all).to.include('xoxb-...');
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

/** fetch's own shape for a DNS failure: TypeError('fetch failed') wrapping the system error. */
function dnsFailure(host: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: host }) });
}

describe('lib/http failure logs', () => {
  let lines: string[];
  const warnings = () => lines.map((l) => JSON.parse(l)).filter((e) => e.level === 40);
  beforeEach(() => {
    lines = [];
    configureLogger({ level: 'info', format: 'json', destination: { write: (s: string) => void lines.push(s) } });
    outboundFailures.reset();
  });
  afterEach(() => {
    configureLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'auto' });
    outboundFailures.reset();
  });

  it('names the cause of a refused connection, in the warning and in the error', async () => {
    const port = await closedPort();
    const res = await httpRequest({ url: `http://127.0.0.1:${port}/x`, service: 'Local' });
    expect(res).to.deep.include({ ok: false, kind: 'network', error: `Could not reach Local: connect ECONNREFUSED 127.0.0.1:${port}` });
    expect(warnings()).to.have.length(1);
    expect(warnings()[0]).to.include({
      upstream: 'Local',
      kind: 'network',
      cause: `connect ECONNREFUSED 127.0.0.1:${port}`,
      msg: `outbound request to Local failed: connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });

  it('names the cause of a DNS failure (fetch hides it in err.cause) and of a timeout', async () => {
    nock(API).get('/dns').replyWithError(dnsFailure('api.example.test'));
    const dns = await httpRequest({ url: `${API}/dns`, service: 'Example' });
    if (dns.ok) expect.fail('a DNS failure must fail');
    expect(dns.error).to.equal('Could not reach Example: getaddrinfo ENOTFOUND api.example.test');
    nock(API).get('/slow').delay(500).reply(200, {});
    const slow = await httpRequest({ url: `${API}/slow`, timeoutMs: 50, service: 'Slow' });
    if (slow.ok) expect.fail('a timeout must fail');
    expect(slow.error).to.equal('Slow did not answer within 50 ms');
    expect(warnings().map((w) => w.msg)).to.deep.equal([
      'outbound request to Example failed: getaddrinfo ENOTFOUND api.example.test',
      'outbound request to Slow failed: timeout after 50 ms',
    ]);
  });

  it('finds the specific message under any wrapper, several addresses included', () => {
    const refused = (a: string) => Object.assign(new Error(`connect ECONNREFUSED ${a}`), { code: 'ECONNREFUSED' });
    expect(networkCause(new TypeError('fetch failed', { cause: new AggregateError([refused('::1:9'), refused('127.0.0.1:9')]) }))).to.equal(
      'connect ECONNREFUSED ::1:9; connect ECONNREFUSED 127.0.0.1:9',
    );
    expect(networkCause(new TypeError('fetch failed', { cause: { code: 'UND_ERR_SOCKET' } }))).to.equal('UND_ERR_SOCKET');
    expect(networkCause(new TypeError('fetch failed'))).to.equal('fetch failed');
    expect(networkCause('socket hang up')).to.equal('socket hang up');
    expect(networkCause(undefined)).to.equal('unknown network error');
  });

  it('writes no key twice in its JSON lines (the logger has its own `service`)', async () => {
    nock(API).get('/down').replyWithError(dnsFailure('api.example.test'));
    await httpRequest({ url: `${API}/down`, service: 'Example' });
    configureLogger({ level: 'debug' });
    nock(API).get('/up').reply(200, {});
    await httpRequest({ url: `${API}/up`, service: 'Example' });
    expect(lines).to.have.length(3); // failure, recovery, debug line of the success
    for (const line of lines) {
      expect(duplicateKeys(line.trim()), line).to.deep.equal([]);
      expect(JSON.parse(line)).to.include({ service: 'timetracker', upstream: 'Example' });
    }
  });

  it('logs 50 failures 10 s apart as one warning and a summary per 5 minutes, then one recovery line', async () => {
    let now = Date.parse('2026-12-04T09:00:00Z');
    outboundFailures.reset(() => now);
    nock(API).get('/chat.postMessage').times(50).replyWithError(dnsFailure('slack.com'));
    for (let n = 0; n < 50; n++, now += 10_000) await httpRequest({ url: `${API}/chat.postMessage`, service: 'Slack' });
    nock(API).get('/chat.postMessage').reply(200, { ok: true });
    await httpRequest({ url: `${API}/chat.postMessage`, service: 'Slack' });
    const entries = lines.map((l) => JSON.parse(l));
    expect(entries.map((e) => `${e.level} ${e.msg}`)).to.deep.equal([
      '40 outbound request to Slack failed: getaddrinfo ENOTFOUND slack.com',
      '40 outbound request to Slack failed 30 more times in the last 5 min; last cause: getaddrinfo ENOTFOUND slack.com',
      '30 outbound request to Slack works again (50 failures in 8 min)',
    ]);
    expect(entries[1]).to.include({ upstream: 'Slack', failures: 30, failuresTotal: 31 });
  });
});

describe('lib/http secrets of a request', () => {
  const TOKEN = 'tok_Secret/Value+with space&more=1';
  const CLIENT_SECRET = 'GOCSPX-client-secret-abcdef';
  const REFRESH = '1//0refresh-token-abcdefghijkl';
  const secrets = [TOKEN, CLIENT_SECRET, REFRESH];
  const form = { grant_type: 'refresh_token', refresh_token: REFRESH, client_id: 'app.example', client_secret: CLIENT_SECRET };
  let lines: string[];
  beforeEach(() => {
    lines = [];
    configureLogger({ level: 'trace', destination: { write: (s: string) => void lines.push(s) } });
  });
  afterEach(() => configureLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));

  /** Each secret, plain and in every encoding an echoing upstream might use. */
  const encodings = (s: string) => [
    s,
    encodeURIComponent(s),
    encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    new URLSearchParams({ s }).toString().slice(2),
    JSON.stringify(s).slice(1, -1),
    Buffer.from(s).toString('base64').replace(/=+$/, ''),
    Buffer.from(`user:${s}`).toString('base64').slice(8, -2),
  ];
  const expectNoSecret = (text: string) => {
    for (const s of secrets) for (const e of encodings(s)) expect(text, `${s} as ${e}`).not.to.include(e);
  };

  it('redacts an echoed secret (plain, URL-encoded, form-encoded, base64, inside JSON) from the failure and the logs', async () => {
    const echo = (_uri: string, body: string) => ({
      error: `invalid request Bearer ${TOKEN} ${body}`,
      error_description: `token=${encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())} b64=${Buffer.from(REFRESH).toString('base64')}`,
      nested: { deeper: [{ auth: Buffer.from(`user:${TOKEN}`).toString('base64') }], [REFRESH]: JSON.stringify({ s: CLIENT_SECRET }) },
    });
    nock(API).post('/token').reply(400, echo, { 'X-Echo': TOKEN, 'Retry-After': '3' });
    const res = await httpRequest({ method: 'POST', url: `${API}/token`, form, headers: { Authorization: `Bearer ${TOKEN}` }, service: 'Example', secrets });
    expect(res).to.deep.include({ ok: false, kind: 'http', status: 400, retryAfterSec: 3 });
    if (res.ok) throw new Error('expected a failure');
    const carried = JSON.stringify({ error: res.error, body: res.body, headers: [...res.headers!.entries()] });
    expectNoSecret(carried);
    expectNoSecret(lines.join('\n'));
    expect(carried).to.include('grant_type=refresh_token').and.include('client_id=app.example');
    expect(carried).to.include('tok_...').and.include('GOCS...');
  });

  it('redacts a secret from a text body before cutting it to 500 characters', async () => {
    nock(API).get('/echo').reply(502, `${'x'.repeat(490)}${TOKEN}`);
    const res = await httpRequest({ url: `${API}/echo`, service: 'Example', secrets: [TOKEN] });
    if (res.ok) throw new Error('expected a failure');
    expect(res.body).to.be.a('string').that.does.not.include(TOKEN.slice(0, 10));
    expect(res.body).to.match(/tok_\.\.\.$/);
  });

  it('redacts the Authorization credential even when the caller names no secret', async () => {
    nock(API).get('/me').reply(401, (_uri, _body) => ({ message: `bad credentials: Bearer ${TOKEN}` }));
    const res = await httpRequest({ url: `${API}/me`, headers: { Authorization: `Bearer ${TOKEN}` }, service: 'Example' });
    if (res.ok) throw new Error('expected a failure');
    expect(JSON.stringify(res.body)).not.to.include(TOKEN).and.not.to.include(encodeURIComponent(TOKEN));
  });

  it('redacts secrets from network error messages and logged URLs', async () => {
    nock(API).get(`/hooks/${encodeURIComponent(CLIENT_SECRET)}`).replyWithError(`socket hang up for ${REFRESH}`);
    const res = await httpRequest({ url: `${API}/hooks/${encodeURIComponent(CLIENT_SECRET)}`, service: 'Example', secrets });
    expect(res).to.deep.include({ ok: false, kind: 'network' });
    if (!res.ok) expectNoSecret(res.error);
    expectNoSecret(lines.join('\n'));
    expect(lines.join('\n')).to.include('/hooks/GOCS...');
  });

  it('leaves short secrets and ordinary text alone', () => {
    const r = secretRedactor(['abc', undefined, null, '']);
    expect(r.text('abc abcdef')).to.equal('abc abcdef');
    expect(secretRedactor(['s3cr3t-value']).deep({ a: ['x s3cr3t-value y', 1, null, true], keep: 'plain' })).to.deep.equal({ a: ['x s3c... y', 1, null, true], keep: 'plain' });
  });
});
