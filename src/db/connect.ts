// Where the database is: DATABASE_URL, or (unset) the persistent embedded PostgreSQL under
// DATA_DIR. Shared by `npm start` and the command-line tools; loads nothing of the web app.
import path from 'node:path';
import type { Config } from '../config.js';
import { ensureDataDir } from '../lib/dataDir.js';
import { startEmbedded, type EmbeddedDatabase } from './embedded.js';

export async function connectDatabase(config: Readonly<Config>): Promise<{ url: string; embedded: EmbeddedDatabase | null }> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: null };
  ensureDataDir(config.dataDir);
  const embedded = await startEmbedded({ dir: path.join(config.dataDir, 'postgres'), persistent: true, callerHandlesSignals: true });
  return { url: embedded.url, embedded };
}
