// The data directory (DATA_DIR, default .data/) holds what a development install generates for
// itself: the embedded database, the session secret, the encryption key and the first admin's
// password. Files holding secrets are written with mode 0600.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import { logger } from './logger.js';
import { generateKey } from './secrets.js';

export function ensureDataDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  // Embedded PostgreSQL runs as another OS user when started as root: the dir must be traversable.
  fs.chmodSync(dir, 0o755);
}

export function writeSecretFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content.endsWith('\n') ? content : `${content}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}

function readOrCreate(file: string, make: () => string): { value: string; created: boolean } {
  if (fs.existsSync(file)) return { value: fs.readFileSync(file, 'utf8').trim(), created: false };
  const value = make();
  writeSecretFile(file, value);
  return { value, created: true };
}

export interface ResolvedSecrets {
  sessionSecret: string;
  encryptionKeys: string;
}

/**
 * Session secret and encryption key: from the environment, else (outside production) generated
 * once into the data directory. config.ts already refuses production without them.
 */
export function resolveSecrets(config: Config): ResolvedSecrets {
  let sessionSecret = config.sessionSecret;
  let encryptionKeys = config.settingsEncryptionKey;
  if (config.nodeEnv === 'production' && (!sessionSecret || !encryptionKeys)) {
    throw new Error('SESSION_SECRET and SETTINGS_ENCRYPTION_KEY are required in production');
  }
  if (!sessionSecret || !encryptionKeys) ensureDataDir(config.dataDir);
  if (!sessionSecret) {
    sessionSecret = readOrCreate(path.join(config.dataDir, 'session-secret'), () =>
      crypto.randomBytes(48).toString('base64url'),
    ).value;
  }
  if (!encryptionKeys) {
    const file = path.join(config.dataDir, 'encryption-key');
    const { value, created } = readOrCreate(file, generateKey);
    encryptionKeys = value;
    logger.warn(
      { file },
      created
        ? 'SETTINGS_ENCRYPTION_KEY is not set: generated a development key into the data directory. Set SETTINGS_ENCRYPTION_KEY in production.'
        : 'SETTINGS_ENCRYPTION_KEY is not set: using the development key from the data directory.',
    );
  }
  return { sessionSecret, encryptionKeys };
}
