import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { resolveSecrets } from '../../src/lib/dataDir.js';
import { generateKey, Keyring } from '../../src/lib/secrets.js';

const mode = (f: string) => fs.statSync(f).mode & 0o777;

describe('lib/dataDir resolveSecrets', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-datadir-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('generates a session secret and an encryption key (mode 0600) in development, then reuses them', () => {
    const config = loadConfig({ NODE_ENV: 'development', DATA_DIR: path.join(dir, 'data') });
    const first = resolveSecrets(config);
    const keyFile = path.join(config.dataDir, 'encryption-key');
    const secretFile = path.join(config.dataDir, 'session-secret');
    expect(mode(keyFile)).to.equal(0o600);
    expect(mode(secretFile)).to.equal(0o600);
    expect(first.sessionSecret.length).to.be.at.least(32);
    expect(new Keyring(first.encryptionKeys).keys).to.have.length(1);
    expect(resolveSecrets(config)).to.deep.equal(first);
  });

  it('uses the environment when set and writes nothing', () => {
    const key = generateKey();
    const config = loadConfig({ DATA_DIR: path.join(dir, 'data'), SESSION_SECRET: 's'.repeat(40), SETTINGS_ENCRYPTION_KEY: key });
    expect(resolveSecrets(config)).to.deep.equal({ sessionSecret: 's'.repeat(40), encryptionKeys: key });
    expect(fs.existsSync(path.join(dir, 'data'))).to.equal(false);
  });

  it('never generates secrets in production', () => {
    const config = { ...loadConfig({ DATA_DIR: path.join(dir, 'data') }), nodeEnv: 'production' as const };
    expect(() => resolveSecrets(config)).to.throw(/required in production/);
    expect(fs.existsSync(path.join(dir, 'data'))).to.equal(false);
  });
});
