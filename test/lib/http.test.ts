import { expect } from 'chai';
import nock from 'nock';
import { httpRequest, parseRetryAfter, secretRedactor } from '../../src/lib/http.js';
import { configureLogger } from '../../src/lib/logger.js';

const API = 'https://api.example.test';

describe('lib/http httpRequest', () => {
  let lines: string[];
  beforeEach(() => {
    lines = [];
    configureLogger({ level: 'debug', destination: { write: (s: string) => void lines.push(s) } });
  });
  afterEach(() => configureLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));

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
