// `npm run db:migrate` (up: the standalone server's own migrations, then TimeTracker's) and
// `npm run db:rollback` (down, TimeTracker's: the last one, or `down <name>` back to and including
// that migration, or `down 0` for all of them; the server's users and sessions stay).
import { MIGRATIONS, migrateDown, migrateStandalone } from '../db/migrator.js';
import { runCli } from './run.js';

const USAGE = 'Usage: migrate up | migrate down [<migration name> | 0]';

runCli('migrate', async ({ sequelize, args, print }) => {
  const [direction, target] = args;
  if (direction === 'up') {
    const ran = await migrateStandalone(sequelize);
    print(ran.length ? `Applied ${ran.length} migration(s):\n${ran.map((n) => `  up    ${n}`).join('\n')}` : 'Database is up to date; nothing to apply.');
    return true;
  }
  if (direction === 'down') {
    if (target !== undefined && target !== '0' && !MIGRATIONS.some((m) => m.name === target)) {
      throw new Error(`unknown migration "${target}". Known: ${MIGRATIONS.map((m) => m.name).join(', ')}`);
    }
    const ran = await migrateDown(sequelize, target === undefined ? {} : { to: target === '0' ? 0 : target });
    print(ran.length ? `Reverted ${ran.length} migration(s):\n${ran.map((n) => `  down  ${n}`).join('\n')}` : 'Nothing to revert.');
    return true;
  }
  throw new Error(USAGE);
});
