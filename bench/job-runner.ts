// Runs connector work in its own process, the way a server instance would, and prints one JSON line:
//   job <name> [tick]   one tick of a registered job through the real Scheduler (locks, job_runs);
//                       `tick` (ISO time) lets two processes fire the same tick, as two instances do
//   google-sequential   syncIntegration() for the given integration ids, one after another
// Environment: the server's own variables (DATABASE_URL, SETTINGS_ENCRYPTION_KEY, GOOGLE_*, ...).
import { loadConfig } from '../src/config.js';
import { createSequelize } from '../src/db/sequelize.js';
import { createGoogleClient } from '../src/integrations/google-calendar/client.js';
import { syncIntegration } from '../src/integrations/google-calendar/sync.js';
import { connectors } from '../src/integrations/index.js';
import { configureLogger } from '../src/lib/logger.js';
import { Keyring, setKeyring } from '../src/lib/secrets.js';
import { Scheduler } from '../src/jobs/scheduler.js';
import { initModels } from '../src/models/index.js';

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  const config = loadConfig();
  configureLogger({ level: config.logLevel });
  if (!config.databaseUrl || !config.settingsEncryptionKey) throw new Error('DATABASE_URL and SETTINGS_ENCRYPTION_KEY are required');
  setKeyring(new Keyring(config.settingsEncryptionKey));
  const sequelize = createSequelize(config.databaseUrl);
  initModels(sequelize);
  const deps = { config, sequelize };
  const started = Date.now();
  let result: unknown;
  if (mode === 'job') {
    const scheduler = new Scheduler(sequelize);
    for (const c of connectors) for (const job of c.jobs?.(deps) ?? []) scheduler.register(job);
    result = await scheduler.runTick(rest[0], rest[1] ? new Date(rest[1]) : new Date());
  } else if (mode === 'google-sequential') {
    const google = { ...deps, client: createGoogleClient(config.google) };
    let ok = 0;
    for (const id of rest.map(Number)) if ((await syncIntegration(google, id)).ok) ok += 1;
    result = { ok, rows: rest.length };
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  const ms = Date.now() - started;
  await sequelize.close();
  process.stdout.write(`${JSON.stringify({ mode, ms, result })}\n`);
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`job-runner failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
