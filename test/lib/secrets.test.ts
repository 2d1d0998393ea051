import { expect } from 'chai';
import { generateKey, isSealed, Keyring, keyId, parseKeys, SecretDecryptError } from '../../src/lib/secrets.js';

function tamper(sealed: string): string {
  const i = sealed.lastIndexOf(':') + 1;
  const bytes = Buffer.from(sealed.slice(i), 'base64');
  bytes[bytes.length - 1] ^= 0x01;
  return sealed.slice(0, i) + bytes.toString('base64');
}

describe('lib/secrets (tweetnacl secretbox)', () => {
  const k1 = generateKey();
  const k2 = generateKey();

  it('round-trips a secret in the nacl:v1:{key id}:{base64} form', () => {
    const ring = new Keyring(k1);
    const sealed = ring.encrypt('ghp_supersecrettoken');
    expect(sealed).to.match(/^nacl:v1:[0-9a-f]{8}:[A-Za-z0-9+/]+=*$/);
    expect(sealed.split(':')[2]).to.equal(ring.primaryId);
    expect(sealed).not.to.include('supersecret');
    expect(isSealed(sealed)).to.equal(true);
    expect(ring.decrypt(sealed)).to.equal('ghp_supersecrettoken');
    expect(ring.decrypt(ring.encrypt(''))).to.equal('');
    expect(ring.decrypt(ring.encrypt('ünïcödé ✓'))).to.equal('ünïcödé ✓');
  });

  it('uses a fresh 24-byte nonce for every encryption', () => {
    const ring = new Keyring(k1);
    const a = ring.encrypt('same');
    const b = ring.encrypt('same');
    expect(a).not.to.equal(b);
    const nonce = (s: string) => Buffer.from(s.slice(s.lastIndexOf(':') + 1), 'base64').subarray(0, 24).toString('hex');
    expect(nonce(a)).not.to.equal(nonce(b));
    expect(Buffer.from(a.slice(a.lastIndexOf(':') + 1), 'base64').length).to.equal(24 + 16 + 4);
  });

  it('fails loudly with the wrong key', () => {
    const sealed = new Keyring(k1).encrypt('secret');
    expect(() => new Keyring(k2).decrypt(sealed)).to.throw(SecretDecryptError, /cannot be decrypted/);
  });

  it('fails loudly when the key id is right but the key bytes differ', () => {
    const sealed = new Keyring(k1).encrypt('secret');
    const other = new Keyring([{ id: keyId(Buffer.from(k1, 'base64')), key: new Uint8Array(Buffer.from(k2, 'base64')) }]);
    expect(() => other.decrypt(sealed)).to.throw(SecretDecryptError, /cannot be decrypted/);
  });

  it('fails loudly on a tampered, truncated or unsealed value', () => {
    const ring = new Keyring(k1);
    const sealed = ring.encrypt('secret');
    expect(() => ring.decrypt(tamper(sealed))).to.throw(SecretDecryptError);
    expect(() => ring.decrypt(sealed.slice(0, 30))).to.throw(SecretDecryptError);
    expect(() => ring.decrypt('plain-text-token')).to.throw(SecretDecryptError, /not in the sealed format/);
  });

  it('first key encrypts, every key decrypts (rotation keeps old ciphertexts readable)', () => {
    const old = new Keyring(k1);
    const oldSealed = old.encrypt('legacy');
    const rotated = new Keyring(`${k2}, ${k1}`);
    expect(rotated.primaryId).to.equal(keyId(Buffer.from(k2, 'base64')));
    expect(rotated.decrypt(oldSealed)).to.equal('legacy');
    expect(rotated.needsRotation(oldSealed)).to.equal(true);
    const fresh = rotated.encrypt('legacy');
    expect(rotated.needsRotation(fresh)).to.equal(false);
    expect(fresh.split(':')[2]).to.equal(rotated.primaryId);
    // Once the old key is removed, the old ciphertext names a key that is no longer configured.
    expect(() => new Keyring(k2).decrypt(oldSealed)).to.throw(SecretDecryptError, /is not configured/);
  });

  it('rejects keys that are not base64 of 32 bytes, and an empty key list', () => {
    expect(() => parseKeys('')).to.throw(/no key/);
    expect(() => parseKeys(Buffer.alloc(16).toString('base64'))).to.throw(/exactly 32 bytes/);
    expect(() => parseKeys(`${k1},short`)).to.throw(/key 2 must be base64 of exactly 32 bytes/);
    expect(parseKeys(`${k1},${k2}`)).to.have.length(2);
  });
});
