import { expect } from 'chai';
import { readEnvelope, signatureHeader, verifyRequest, type HeaderBag } from '../../../src/integrations/slack/verifyRequest.js';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const NOW = new Date('2025-06-01T12:00:00Z');
const TS = String(NOW.getTime() / 1000);
const BODY = 'token=x&team_id=T1&user_id=U123&command=%2Ftt&text=start+web';

function headersFor(body: string, ts = TS, secret = SECRET): HeaderBag {
  return { 'x-slack-request-timestamp': ts, 'x-slack-signature': signatureHeader(secret, ts, body) };
}

describe('Slack verifyRequest (pure)', () => {
  const cases: Array<{ name: string; headers: HeaderBag; body?: string; expect: string }> = [
    { name: 'accepts a good signature', headers: headersFor(BODY), expect: 'ok' },
    { name: 'rejects a signature made with another secret', headers: headersFor(BODY, TS, 'another-secret'), expect: 'bad_signature' },
    { name: 'rejects a timestamp older than five minutes', headers: headersFor(BODY, String(Number(TS) - 301)), expect: 'stale_timestamp' },
    { name: 'accepts a timestamp exactly five minutes old', headers: headersFor(BODY, String(Number(TS) - 300)), expect: 'ok' },
    { name: 'rejects a timestamp more than five minutes in the future', headers: headersFor(BODY, String(Number(TS) + 301)), expect: 'stale_timestamp' },
    { name: 'rejects a missing signature header', headers: { 'x-slack-request-timestamp': TS }, expect: 'missing_headers' },
    { name: 'rejects a missing timestamp header', headers: { 'x-slack-signature': headersFor(BODY)['x-slack-signature'] as string }, expect: 'missing_headers' },
    { name: 'rejects no headers at all', headers: {}, expect: 'missing_headers' },
    {
      name: 'rejects a duplicated signature header (two values)',
      headers: { ...headersFor(BODY), 'x-slack-signature': [headersFor(BODY)['x-slack-signature'] as string, 'v0=00'] },
      expect: 'duplicate_headers',
    },
    {
      name: 'rejects a duplicated signature header joined by a comma',
      headers: { ...headersFor(BODY), 'x-slack-signature': `${headersFor(BODY)['x-slack-signature']}, ${headersFor(BODY)['x-slack-signature']}` },
      expect: 'duplicate_headers',
    },
    { name: 'rejects a duplicated timestamp header', headers: { ...headersFor(BODY), 'x-slack-request-timestamp': `${TS}, ${TS}` }, expect: 'duplicate_headers' },
    {
      name: 'rejects the same header under two spellings',
      headers: { ...headersFor(BODY), 'X-Slack-Signature': headersFor(BODY)['x-slack-signature'] },
      expect: 'duplicate_headers',
    },
    {
      name: 'rejects a non-v0 version',
      headers: { ...headersFor(BODY), 'x-slack-signature': (headersFor(BODY)['x-slack-signature'] as string).replace(/^v0=/, 'v1=') },
      expect: 'unsupported_version',
    },
    { name: 'rejects a signature that is not 64 hex characters', headers: { ...headersFor(BODY), 'x-slack-signature': 'v0=abc' }, expect: 'malformed_signature' },
    { name: 'rejects a non-numeric timestamp', headers: { ...headersFor(BODY), 'x-slack-request-timestamp': '12ab' }, expect: 'malformed_timestamp' },
    { name: 'rejects a body altered after signing', headers: headersFor(BODY), body: BODY.replace('start+web', 'stop'), expect: 'bad_signature' },
    { name: 'rejects a body with one byte appended', headers: headersFor(BODY), body: `${BODY}&`, expect: 'bad_signature' },
    {
      name: 'reads header names case-insensitively',
      headers: { 'X-Slack-Request-Timestamp': TS, 'X-SLACK-SIGNATURE': headersFor(BODY)['x-slack-signature'] },
      expect: 'ok',
    },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const result = verifyRequest(Buffer.from(c.body ?? BODY), c.headers, SECRET, NOW);
      if (c.expect === 'ok') expect(result).to.deep.equal({ ok: true, index: 0 });
      else expect(result).to.deep.equal({ ok: false, reason: c.expect });
    });
  }

  it('reports which of several candidate secrets signed the request', () => {
    const result = verifyRequest(Buffer.from(BODY), headersFor(BODY), ['first', null, SECRET, 'last'], NOW);
    expect(result).to.deep.equal({ ok: true, index: 2 });
  });

  it('refuses when there is no usable secret', () => {
    expect(verifyRequest(Buffer.from(BODY), headersFor(BODY), [null, ''], NOW)).to.deep.equal({ ok: false, reason: 'no_secret' });
  });

  it('hashes the raw bytes, not a re-encoded string', () => {
    const raw = Buffer.from('text=caf%C3%A9+%E2%9C%93&user_id=U1');
    const headers = { 'x-slack-request-timestamp': TS, 'x-slack-signature': signatureHeader(SECRET, TS, raw) };
    expect(verifyRequest(raw, headers, SECRET, NOW).ok).to.equal(true);
  });

  it('matches the example from Slack documentation', () => {
    // https://api.slack.com/authentication/verifying-requests-from-slack
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const headers = {
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    };
    expect(verifyRequest(Buffer.from(body), headers, '8f742231b10e8888abcd99yyyzzz85a5', new Date(1531420618_000))).to.deep.equal({ ok: true, index: 0 });
  });

  it('checks the envelope without any secret', () => {
    const env = readEnvelope(headersFor(BODY), NOW);
    expect(env.ok).to.equal(true);
    expect(readEnvelope({}, NOW)).to.deep.equal({ ok: false, reason: 'missing_headers' });
  });
});
