// A separate, empty database on the test server (CREATE DATABASE), for tests that migrate up and
// down or otherwise must not touch the shared, migrated test database. Dropped afterwards.
import crypto from 'node:crypto';
import type { Sequelize } from 'sequelize';
import { createSequelize } from '../../src/db/sequelize.js';
import { testDb } from './db.js';

export interface FreshDb {
  name: string;
  url: string;
  sequelize: Sequelize;
  drop(): Promise<void>;
}

export async function createFreshDb(): Promise<FreshDb> {
  const admin = (await testDb()).sequelize;
  const name = `tt_fresh_${crypto.randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  const u = new URL((await testDb()).url);
  u.pathname = `/${name}`;
  const url = u.toString();
  const sequelize = createSequelize(url, { poolMax: 5 });
  return {
    name,
    url,
    sequelize,
    async drop() {
      await sequelize.close().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
