// Starting and stopping a whole standalone instance: database (embedded or DATABASE_URL) → app →
// migrations (its own, then TimeTracker's) → first admin → listen → TimeTracker's jobs. Used by
// `npm start`, the benchmark and the reliability suite.
import http from 'node:http';
import type { Sequelize } from 'sequelize';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { connectDatabase } from './db/connect.js';
import type { EmbeddedDatabase } from './db/embedded.js';
import { migrateUp } from './db/migrator.js';
import { createSequelize } from './db/sequelize.js';
import { resolveSecrets } from './lib/dataDir.js';
import { logger } from './lib/logger.js';
import { ensureAdmin, type BootstrapResult } from './standalone/accounts.js';

export interface Runtime {
  server: http.Server;
  sequelize: Sequelize;
  url: string;
  bootstrap: BootstrapResult;
  stop(): Promise<void>;
}

export async function startRuntime(config: Readonly<Config>): Promise<Runtime> {
  const secrets = resolveSecrets(config);
  const { url: dbUrl, embedded } = await connectDatabase(config);
  const sequelize = createSequelize(dbUrl);
  try {
    return await serve(config, secrets, sequelize, embedded);
  } catch (err) {
    // A failed start (migration error, port in use) must not leave the embedded server running.
    await sequelize.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw err;
  }
}

async function serve(
  config: Readonly<Config>,
  secrets: { sessionSecret: string; encryptionKeys: string },
  sequelize: Sequelize,
  embedded: EmbeddedDatabase | null,
): Promise<Runtime> {
  let shuttingDown = false;
  const { app, tt } = await createApp({
    config,
    sequelize,
    sessionSecret: secrets.sessionSecret,
    encryptionKeys: secrets.encryptionKeys.split(',').map((k) => k.trim()).filter(Boolean),
    isShuttingDown: () => shuttingDown,
  });
  const own = await migrateUp(sequelize, 'standalone');
  if (own.length) logger.info({ applied: own }, 'migrations applied');
  await tt.migrate();
  const bootstrap = await ensureAdmin({ email: config.adminEmail, password: config.adminPassword, dataDir: config.dataDir });

  const server = http.createServer(app.callback());
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, () => resolve());
  });
  const address = server.address() as import('node:net').AddressInfo;
  await tt.start();

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      shuttingDown = true;
      logger.info('shutting down: no new requests, finishing in-flight work');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // In-flight requests finish first: what they publish still reaches the connectors' subscribers.
      await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000).unref())]);
      server.closeAllConnections();
      await tt.stop();
      await sequelize.close();
      await embedded?.stop();
      logger.info('shutdown complete');
    })();
    return stopping;
  };

  return { server, sequelize, url: `http://127.0.0.1:${address.port}`, bootstrap, stop };
}
