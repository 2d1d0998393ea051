import { expect } from 'chai';
import { signPayload, verifySignature, verifyWithFallback } from '../../../src/integrations/github/verifySignature.js';
import { candidateSecrets, ROTATED_AT_KEY, rotateWebhookSecret } from '../../../src/integrations/github/webhookSecret.js';
import { readSecret, sealSecret } from '../../../src/integrations/connector.js';

// GitHub's documented test vector (docs: "Validating webhook deliveries").
const SECRET = "It's a Secret to Everybody";
const PAYLOAD = 'Hello, World!';
const EXPECTED = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

describe('GitHub webhook signature (verifySignature.ts)', () => {
  it("matches GitHub's documented test vector", () => {
    expect(signPayload(SECRET, PAYLOAD)).to.equal(EXPECTED);
    expect(verifySignature(SECRET, Buffer.from(PAYLOAD), EXPECTED)).to.equal(true);
  });

  const cases: Array<[string, string, string | Buffer, string | null | undefined]> = [
    ['a wrong secret', 'It is a secret to nobody', PAYLOAD, EXPECTED],
    ['a changed payload (one byte)', SECRET, 'Hello, World?', EXPECTED],
    ['a re-serialised body', SECRET, `${PAYLOAD} `, EXPECTED],
    ['a signature one hex digit short', SECRET, PAYLOAD, EXPECTED.slice(0, -1)],
    ['a signature one hex digit too long', SECRET, PAYLOAD, `${EXPECTED}0`],
    ['a missing sha256= prefix', SECRET, PAYLOAD, EXPECTED.slice('sha256='.length)],
    ['the sha1= prefix', SECRET, PAYLOAD, EXPECTED.replace('sha256=', 'sha1=')],
    ['non-hex characters', SECRET, PAYLOAD, EXPECTED.slice(0, -2) + 'zz'],
    ['an empty header', SECRET, PAYLOAD, ''],
    ['a missing header', SECRET, PAYLOAD, undefined],
    ['a null header', SECRET, PAYLOAD, null],
  ];
  for (const [name, secret, payload, header] of cases) {
    it(`rejects ${name}`, () => {
      expect(verifySignature(secret, payload, header)).to.equal(false);
    });
  }

  it('rejects an empty secret even with a signature computed from it', () => {
    expect(verifySignature('', PAYLOAD, signPayload('', PAYLOAD))).to.equal(false);
  });

  it('accepts upper-case hex digits', () => {
    expect(verifySignature(SECRET, PAYLOAD, 'sha256=' + EXPECTED.slice(7).toUpperCase())).to.equal(true);
  });

  it('verifies raw bytes, including non-ASCII payloads', () => {
    const raw = Buffer.from('{"title":"Grüße 🎉"}', 'utf8');
    expect(verifySignature('s3cret', raw, signPayload('s3cret', raw))).to.equal(true);
    expect(verifySignature('s3cret', raw.toString('latin1'), signPayload('s3cret', raw))).to.equal(false);
  });

  it('finds which of several candidate secrets matched (rotation)', () => {
    const sig = signPayload('old-secret', PAYLOAD);
    expect(verifyWithFallback(['new-secret', 'old-secret'], PAYLOAD, sig)).to.equal(1);
    expect(verifyWithFallback(['new-secret'], PAYLOAD, sig)).to.equal(-1);
    expect(verifyWithFallback([], PAYLOAD, sig)).to.equal(-1);
  });
});

describe('GitHub webhook secret rotation (webhookSecret.ts)', () => {
  it('keeps the previous secret valid for 24 hours after a rotation, then drops it', () => {
    const rotatedAt = new Date('2026-03-01T10:00:00Z');
    const before = { webhook_secret: sealSecret('first-secret') };
    const after = rotateWebhookSecret(before, rotatedAt);
    const current = readSecret(after, 'webhook_secret');
    expect(current.ok && current.value).to.be.a('string').and.not.equal('first-secret');
    expect(after[ROTATED_AT_KEY]).to.equal(rotatedAt.toISOString());

    const within = candidateSecrets(after, new Date(rotatedAt.getTime() + 23 * 3600_000));
    expect(within.secrets).to.have.length(2);
    expect(within.secrets[1]).to.equal('first-secret');

    const expired = candidateSecrets(after, new Date(rotatedAt.getTime() + 24 * 3600_000 + 1));
    expect(expired.secrets).to.deep.equal([current.ok ? current.value : 'x']);
  });

  it('generates 32 random bytes, url-safe', () => {
    const a = readSecret(rotateWebhookSecret({}), 'webhook_secret');
    const b = readSecret(rotateWebhookSecret({}), 'webhook_secret');
    if (!a.ok || !b.ok) throw new Error('expected readable secrets');
    expect(a.value).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.value, 'base64url')).to.have.length(32);
    expect(a.value).to.not.equal(b.value);
  });

  it('reports an undecryptable secret as a problem instead of using an empty secret', () => {
    const c = candidateSecrets({ webhook_secret: 'nacl:v1:deadbeef:AAAA' });
    expect(c.secrets).to.deep.equal([]);
    expect(c.problems[0]).to.match(/cannot be decrypted/);
  });
});
