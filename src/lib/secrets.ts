// Secrets at rest: tweetnacl secretbox (XSalsa20-Poly1305), a fresh 24-byte nonce each time.
// Stored form: `nacl:v1:{keyId}:{base64(nonce || box)}`. The first key encrypts, every key decrypts.
import crypto from 'node:crypto';
import nacl from 'tweetnacl';

const PREFIX = 'nacl:v1:';

export class SecretDecryptError extends Error {
  constructor(message = 'stored secret cannot be decrypted; re-enter it') {
    super(message);
    this.name = 'SecretDecryptError';
  }
}

export interface KeyEntry {
  id: string;
  key: Uint8Array;
}

/** Key id: the first 8 hex characters of SHA-256 over the key; identifies without revealing. */
export function keyId(key: Uint8Array): string {
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function parseKeys(spec: string): KeyEntry[] {
  const parts = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) throw new Error('SETTINGS_ENCRYPTION_KEY: no key given');
  return parts.map((p, i) => {
    const key = Buffer.from(p, 'base64');
    if (key.length !== nacl.secretbox.keyLength) {
      throw new Error(`SETTINGS_ENCRYPTION_KEY: key ${i + 1} must be base64 of exactly 32 bytes (got ${key.length})`);
    }
    return { id: keyId(key), key: new Uint8Array(key) };
  });
}

export function generateKey(): string {
  return Buffer.from(nacl.randomBytes(nacl.secretbox.keyLength)).toString('base64');
}

export class Keyring {
  readonly keys: readonly KeyEntry[];
  constructor(spec: string | KeyEntry[]) {
    this.keys = typeof spec === 'string' ? parseKeys(spec) : spec;
    if (this.keys.length === 0) throw new Error('Keyring needs at least one key');
  }

  get primaryId(): string {
    return this.keys[0].id;
  }

  encrypt(plain: string): string {
    const { id, key } = this.keys[0];
    const nonce = nacl.randomBytes(nacl.secretbox.nonceLength);
    const box = nacl.secretbox(new TextEncoder().encode(plain), nonce, key);
    const packed = new Uint8Array(nonce.length + box.length);
    packed.set(nonce);
    packed.set(box, nonce.length);
    return `${PREFIX}${id}:${Buffer.from(packed).toString('base64')}`;
  }

  decrypt(stored: string): string {
    if (!isSealed(stored)) throw new SecretDecryptError('stored secret is not in the sealed format; re-enter it');
    const rest = stored.slice(PREFIX.length);
    const sep = rest.indexOf(':');
    const id = rest.slice(0, sep);
    const packed = Buffer.from(rest.slice(sep + 1), 'base64');
    const entry = this.keys.find((k) => k.id === id);
    if (!entry) throw new SecretDecryptError(`stored secret cannot be decrypted (key ${id} is not configured); re-enter it`);
    if (packed.length < nacl.secretbox.nonceLength + nacl.secretbox.overheadLength) throw new SecretDecryptError();
    const nonce = new Uint8Array(packed.subarray(0, nacl.secretbox.nonceLength));
    const box = new Uint8Array(packed.subarray(nacl.secretbox.nonceLength));
    const opened = nacl.secretbox.open(box, nonce, entry.key);
    if (!opened) throw new SecretDecryptError();
    return new TextDecoder().decode(opened);
  }

  /** True when the value is sealed with a key other than the primary one. */
  needsRotation(stored: string): boolean {
    return isSealed(stored) && !stored.startsWith(`${PREFIX}${this.primaryId}:`);
  }
}

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX) && value.indexOf(':', PREFIX.length) > PREFIX.length;
}

let current: Keyring | undefined;

export function setKeyring(keyring: Keyring): void {
  current = keyring;
}

export function keyring(): Keyring {
  if (!current) throw new Error('Secrets keyring is not initialised');
  return current;
}
