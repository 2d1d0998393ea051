// `npm run secrets:rotate`: re-encrypts every stored secret with the first key of
// SETTINGS_ENCRYPTION_KEY (keep the old keys listed after it until this reports no failures).
import { resolveSecrets } from '../lib/dataDir.js';
import { Keyring } from '../lib/secrets.js';
import { rotateSecrets } from '../services/rotateSecrets.js';
import { runCli } from './run.js';

runCli('secrets:rotate', async ({ config, sequelize, print }) => {
  const keyring = new Keyring(resolveSecrets(config).encryptionKeys);
  const r = await rotateSecrets(sequelize, keyring);
  print(`Encryption key ${r.keyId} (${keyring.keys.length} key(s) configured).`);
  print(`Sealed values found: ${r.scanned}; re-encrypted: ${r.rotated}; already current: ${r.current}; rows updated: ${r.rowsUpdated}.`);
  if (r.failures.length === 0) {
    if (keyring.keys.length > 1) print('Every secret now uses the first key; the other keys may be removed from SETTINGS_ENCRYPTION_KEY.');
    return true;
  }
  print(`${r.failures.length} value(s) could not be decrypted and were left unchanged:`);
  for (const f of r.failures) print(`  ${f.where}: ${f.error}`);
  print('Add the missing key to SETTINGS_ENCRYPTION_KEY and run again, or have the owners re-enter these secrets.');
  return false;
});
