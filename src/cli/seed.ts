// `npm run db:seed`: applies pending migrations, then runs every seeder in seeders/ (idempotent).
import { SEEDERS } from '../../seeders/index.js';
import { migrateStandalone } from '../db/migrator.js';
import { initModels } from '../models/index.js';
import { StandaloneUser } from '../standalone/user.js';
import { runCli } from './run.js';

runCli('seed', async ({ config, sequelize, print }) => {
  const applied = await migrateStandalone(sequelize);
  if (applied.length) print(`Applied ${applied.length} pending migration(s) first.`);
  initModels(sequelize);
  StandaloneUser.initModel(sequelize);
  for (const seeder of SEEDERS) {
    const result = await seeder.seed({ demoPassword: config.demoPassword });
    if (result.created.length === 0) {
      print(`${seeder.name}: nothing to do (demo data already present).`);
      continue;
    }
    print(`${seeder.name}: created ${result.created.join(', ')}.`);
    if (result.demoPassword) {
      print(
        config.demoPassword
          ? '  Demo login: demo@example.com with the password from DEMO_PASSWORD.'
          : `  Demo login: demo@example.com / ${result.demoPassword}  (shown once)`,
      );
    }
  }
  return true;
});
