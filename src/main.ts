// `npm start`: config → database (embedded when DATABASE_URL is unset) → migrate → first admin →
// serve the API and /admin → jobs. SIGTERM/SIGINT (also when sent to npm, which forwards them)
// and the death of the parent process shut down gracefully; see src/lib/processGuard.ts for what
// an error that escaped every handler does.
import { ConfigError, loadConfig } from './config.js';
import { configureLogger, logger } from './lib/logger.js';
import { installProcessGuards } from './lib/processGuard.js';
import { startRuntime, type Runtime } from './runtime.js';

/** Longest a shutdown may take before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 20_000;
/** How often the process checks that the process that started it (npm, a shell) still exists. */
const PARENT_CHECK_MS = 1_000;

let starting: Promise<Runtime> | null = null;
let exiting = false;

/** Stops the runtime once (in-flight requests finish, the embedded database stops), then exits. */
function shutdown(code: number, reason: Record<string, unknown>): void {
  if (exiting) return;
  exiting = true;
  logger.info(reason, 'stopping');
  setTimeout(() => {
    logger.error({ limitMs: SHUTDOWN_LIMIT_MS }, 'shutdown took too long; exiting anyway');
    process.exit(code || 1);
  }, SHUTDOWN_LIMIT_MS).unref();
  // A signal during start-up waits for the start to finish (or fail), so nothing is left running.
  const stopped = starting ? starting.then((r) => r.stop(), () => undefined) : Promise.resolve();
  stopped.then(
    () => process.exit(code),
    (err) => {
      logger.error({ err }, 'error during shutdown');
      process.exit(1);
    },
  );
}

/**
 * A parent that dies without passing a signal on (npm killed with SIGKILL, a closed terminal)
 * leaves this process re-parented: stop instead of serving on as an orphan. Under systemd or as a
 * container's PID 1 the parent never changes, so this never fires there.
 */
function watchParent(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown(0, { reason: 'the parent process exited', parent });
  }, PARENT_CHECK_MS).unref();
}

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
  configureLogger({ level: config.logLevel, format: config.logFormat });
  installProcessGuards({ logger: () => logger, onFatal: (err) => shutdown(1, { reason: 'fatal error', err }) });
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(sig, () => shutdown(0, { signal: sig }));
  watchParent();
  starting = startRuntime(config);
  const { bootstrap } = await starting;
  if (exiting) return;
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
}

main().catch((err) => {
  logger.fatal({ err }, 'TimeTracker failed to start');
  process.stderr.write(`TimeTracker failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
