// Starting and stopping a whole instance: database (embedded or DATABASE_URL) → migrations →
// first admin → app → listen → jobs. Used by `npm start`, the benchmark and the reliability suite.
import http from 'node:http';
import type { Sequelize } from 'sequelize';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { stopChangeFeed } from './db/changeFeed.js';
import { connectDatabase } from './db/connect.js';
import type { EmbeddedDatabase } from './db/embedded.js';
import { migrateUp } from './db/migrator.js';
import { createSequelize } from './db/sequelize.js';
import { events } from './events.js';
import { connectors } from './integrations/index.js';
import { resolveSecrets } from './lib/dataDir.js';
import { logger } from './lib/logger.js';
import { Keyring, setKeyring } from './lib/secrets.js';
import { coreJobs, Scheduler } from './jobs/scheduler.js';
import { initModels } from './models/index.js';
import { ensureAdmin, type BootstrapResult } from './services/users.js';

export interface Runtime {
  server: http.Server;
  sequelize: Sequelize;
  scheduler: Scheduler | null;
  url: string;
  bootstrap: BootstrapResult;
  stop(): Promise<void>;
}

export async function startRuntime(config: Readonly<Config>): Promise<Runtime> {
  const secrets = resolveSecrets(config);
  setKeyring(new Keyring(secrets.encryptionKeys));
  const { url: dbUrl, embedded } = await connectDatabase(config);
  const sequelize = createSequelize(dbUrl);
  try {
    return await serve(config, secrets.sessionSecret, sequelize, embedded);
  } catch (err) {
    // A failed start (migration error, port in use) must not leave the embedded server running.
    await sequelize.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    throw err;
  }
}

async function serve(
  config: Readonly<Config>,
  sessionSecret: string,
  sequelize: Sequelize,
  embedded: EmbeddedDatabase | null,
): Promise<Runtime> {
  initModels(sequelize);
  const applied = await migrateUp(sequelize);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const bootstrap = await ensureAdmin({ email: config.adminEmail, password: config.adminPassword, dataDir: config.dataDir });

  let shuttingDown = false;
  const deps = { config, sequelize };
  for (const c of connectors) c.subscribe?.(events, deps);
  const { app } = await createApp({ config, sequelize, sessionSecret, isShuttingDown: () => shuttingDown });
  const server = http.createServer(app.callback());
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, () => resolve());
  });
  const address = server.address() as import('node:net').AddressInfo;

  let scheduler: Scheduler | null = null;
  if (config.jobsEnabled) {
    scheduler = new Scheduler(sequelize);
    for (const job of coreJobs(sequelize)) scheduler.register(job);
    for (const c of connectors) for (const job of c.jobs?.(deps) ?? []) scheduler.register(job);
    scheduler.start();
  }

  let stopping: Promise<void> | null = null;
  const stop = () => {
    stopping ??= (async () => {
      shuttingDown = true;
      logger.info('shutting down: no new requests, finishing in-flight work');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await scheduler?.stop();
      await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000).unref())]);
      server.closeAllConnections();
      events.clear();
      await stopChangeFeed(sequelize);
      await sequelize.close();
      await embedded?.stop();
      logger.info('shutdown complete');
    })();
    return stopping;
  };

  return { server, sequelize, scheduler, url: `http://127.0.0.1:${address.port}`, bootstrap, stop };
}
