// Shared frame of the command-line tools: read the configuration (every problem listed), connect
// to the database (DATABASE_URL or the embedded one in DATA_DIR), run the command, and always close
// the pool and stop the embedded server again, so the process exits 0 on success and 1 on failure.
import type { Sequelize } from 'sequelize';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { createSequelize } from '../db/sequelize.js';
import { configureLogger } from '../lib/logger.js';
import { connectDatabase } from '../db/connect.js';

export interface CliContext {
  config: Readonly<Config>;
  sequelize: Sequelize;
  args: string[];
  print(line?: string): void;
}

export async function withDatabase<T>(config: Readonly<Config>, fn: (sequelize: Sequelize) => Promise<T>): Promise<T> {
  const { url, embedded } = await connectDatabase(config);
  const sequelize = createSequelize(url, { poolMax: 5 });
  try {
    return await fn(sequelize);
  } finally {
    await sequelize.close().catch(() => undefined);
    await embedded?.stop();
  }
}

/** Runs a command and exits: 0 when it resolves to true (or nothing), 1 when it fails. */
export function runCli(name: string, command: (ctx: CliContext) => Promise<boolean | void>): void {
  const print = (line = '') => process.stdout.write(`${line}\n`);
  (async () => {
    const config = loadConfig();
    // Logs would bury the printed summary: warnings and errors only, unless debugging.
    configureLogger({ level: ['debug', 'trace'].includes(config.logLevel) ? config.logLevel : 'warn', format: config.logFormat });
    return withDatabase(config, (sequelize) => command({ config, sequelize, args: process.argv.slice(2), print }));
  })().then(
    (ok) => process.exit(ok === false ? 1 : 0),
    (err) => {
      const message = err instanceof ConfigError ? `${err.message}\nSee .env.example for every variable.` : err instanceof Error ? err.message : String(err);
      process.stderr.write(`${name} failed: ${message}\n`);
      process.exit(1);
    },
  );
}
