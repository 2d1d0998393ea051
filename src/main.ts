// `npm start`: config → database (embedded when DATABASE_URL is unset) → migrate → first admin →
// serve the API and /admin → jobs. SIGTERM/SIGINT shut down gracefully.
import { ConfigError, loadConfig } from './config.js';
import { configureLogger, logger } from './lib/logger.js';
import { startRuntime } from './runtime.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw err;
  }
  configureLogger({ level: config.logLevel });
  const runtime = await startRuntime(config);
  const { bootstrap } = runtime;
  const lines = [
    '',
    `  TimeTracker is running at ${config.baseUrl}`,
    `  Admin panel:  ${config.baseUrl}/admin`,
  ];
  if (bootstrap.created && bootstrap.generatedPassword) {
    lines.push(
      '',
      '  First admin account (shown once; also saved with mode 0600 in',
      `  ${bootstrap.passwordFile}):`,
      `    email:    ${bootstrap.email}`,
      `    password: ${bootstrap.generatedPassword}`,
    );
  } else if (bootstrap.created) {
    lines.push('', `  First admin account created for ${bootstrap.email} (password from ADMIN_PASSWORD).`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let signalled = false;
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    process.on(sig, () => {
      if (signalled) return;
      signalled = true;
      logger.info({ signal: sig }, 'signal received');
      runtime.stop().then(
        () => process.exit(0),
        (err) => {
          logger.error({ err }, 'error during shutdown');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((err) => {
  logger.fatal({ err }, 'TimeTracker failed to start');
  process.stderr.write(`TimeTracker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
