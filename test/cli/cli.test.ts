// The command-line tools as a user runs them: a child process per command, exit codes, output,
// and (for the embedded database) no PostgreSQL left running afterwards.
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QueryTypes } from 'sequelize';
import { MIGRATIONS, STANDALONE_MIGRATIONS } from '../../src/db/migrator.js';
import { generateKey, Keyring } from '../../src/lib/secrets.js';
import { runTsx } from '../support/child.js';
import { createFreshDb, type FreshDb } from '../support/freshDb.js';

const cli = (script: string, args: string[], env: Record<string, string>) => runTsx(path.join('src/cli', script), args, env);

describe('command-line tools', function () {
  this.timeout(90_000);
  let db: FreshDb;
  let env: Record<string, string>;
  beforeEach(async () => {
    db = await createFreshDb();
    env = { DATABASE_URL: db.url, SETTINGS_ENCRYPTION_KEY: generateKey(), SESSION_SECRET: 'x'.repeat(40) };
  });
  afterEach(async () => db.drop());

  describe('migrate (db:migrate / db:rollback)', () => {
    it('applies, reports up to date, rolls back one, and all with 0', async () => {
      const up = await cli('migrate.ts', ['up'], env);
      expect(up.code, up.stderr).to.equal(0);
      expect(up.stdout).to.include(`Applied ${STANDALONE_MIGRATIONS.length + MIGRATIONS.length} migration(s)`).and.include('up    standalone-0001-users-and-sessions').and.include('up    0001-host-schema');
      expect((await cli('migrate.ts', ['up'], env)).stdout).to.include('up to date');
      const down = await cli('migrate.ts', ['down'], env);
      expect(down.code).to.equal(0);
      expect(down.stdout).to.include(`down  ${MIGRATIONS[MIGRATIONS.length - 1].name}`).and.include('Reverted 1 migration(s)');
      const all = await cli('migrate.ts', ['down', '0'], env);
      expect(all.stdout).to.include(`Reverted ${MIGRATIONS.length - 1} migration(s)`).and.include('down  0001-host-schema');
      // TimeTracker's tables and its columns on `users` are gone; the server's own accounts stay.
      const left = await db.sequelize.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('users', 'time_entries', 'integrations')", { type: QueryTypes.SELECT });
      expect(left).to.deep.equal([{ tablename: 'users' }]);
      const columns = Object.keys(await db.sequelize.getQueryInterface().describeTable('users'));
      expect(columns).to.not.include('timezone').and.not.include('github_username');
    });

    it('exits 1 with a message for an unknown migration, a bad command or a bad configuration', async () => {
      const unknown = await cli('migrate.ts', ['down', 'nope'], env);
      expect(unknown.code).to.equal(1);
      expect(unknown.stderr).to.include('unknown migration "nope"');
      const usage = await cli('migrate.ts', [], env);
      expect(usage.code).to.equal(1);
      expect(usage.stderr).to.include('Usage: migrate up');
      const badConfig = await cli('migrate.ts', ['up'], { ...env, PORT: 'x' });
      expect(badConfig.code).to.equal(1);
      expect(badConfig.stderr).to.include('PORT:');
    });

    it('exits 1 when the database cannot be reached', async () => {
      const run = await cli('migrate.ts', ['up'], { ...env, DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:1/none' });
      expect(run.code).to.equal(1);
      expect(run.stderr).to.match(/migrate failed: .*ECONNREFUSED|connect/i);
    });
  });

  describe('seed (db:seed)', () => {
    it('creates the demo data once; a second run changes nothing', async () => {
      const first = await cli('seed.ts', [], { ...env, DEMO_PASSWORD: 'demo-password-1' });
      expect(first.code, first.stderr).to.equal(0);
      expect(first.stdout).to.include('created user demo@example.com').and.include('DEMO_PASSWORD');
      const count = async () =>
        db.sequelize.query<{ n: string }>(
          `SELECT (SELECT count(*) FROM users) || '/' || (SELECT count(*) FROM projects) || '/' ||
                  (SELECT count(*) FROM project_members) || '/' || (SELECT count(*) FROM tasks) AS n`,
          { type: QueryTypes.SELECT },
        );
      const before = await count();
      const hash = await db.sequelize.query('SELECT password_hash, updated_at FROM users', { type: QueryTypes.SELECT });
      const second = await cli('seed.ts', [], { ...env, DEMO_PASSWORD: 'another-password' });
      expect(second.code).to.equal(0);
      expect(second.stdout).to.include('nothing to do');
      expect(await count()).to.deep.equal(before);
      expect(before[0].n).to.equal('1/1/1/3');
      expect(await db.sequelize.query('SELECT password_hash, updated_at FROM users', { type: QueryTypes.SELECT })).to.deep.equal(hash);
    });

    it('prints a generated demo password once when DEMO_PASSWORD is unset', async () => {
      const run = await cli('seed.ts', [], env);
      expect(run.stdout).to.match(/Demo login: demo@example\.com \/ \S{8,}/);
    });
  });

  describe('secrets:rotate', () => {
    it('re-encrypts with the first key and exits 0; exits 1 naming values it cannot open', async () => {
      expect((await cli('migrate.ts', ['up'], env)).code).to.equal(0);
      const oldKey = env.SETTINGS_ENCRYPTION_KEY;
      const newKey = generateKey();
      const sealed = new Keyring(oldKey).encrypt('ghp_rotate_me');
      await db.sequelize.query(
        `INSERT INTO users (username, email, password_hash) VALUES ('u', 'u@example.test', 'x');
         INSERT INTO integrations (name, provider, user_id, is_active, config)
           VALUES ('GitHub', 'github_connector', 1, true, jsonb_build_object('github_token', '${sealed}'));`,
      );
      const run = await cli('rotateSecrets.ts', [], { ...env, SETTINGS_ENCRYPTION_KEY: `${newKey},${oldKey}` });
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.include('re-encrypted: 1');
      const [row] = await db.sequelize.query<{ t: string }>("SELECT config->>'github_token' AS t FROM integrations", { type: QueryTypes.SELECT });
      expect(new Keyring(newKey).decrypt(row.t)).to.equal('ghp_rotate_me');

      const lost = await cli('rotateSecrets.ts', [], { ...env, SETTINGS_ENCRYPTION_KEY: generateKey() });
      expect(lost.code).to.equal(1);
      expect(lost.stdout).to.include('integrations#1 config.github_token').and.include('could not be decrypted');
      const [after] = await db.sequelize.query<{ t: string }>("SELECT config->>'github_token' AS t FROM integrations", { type: QueryTypes.SELECT });
      expect(after.t).to.equal(row.t);
    });
  });

  describe('with the embedded database (DATABASE_URL unset)', () => {
    let dataDir: string;
    beforeEach(() => {
      const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-cli-'));
      fs.chmodSync(base, 0o755);
      dataDir = path.join(base, 'data');
    });
    afterEach(() => fs.rmSync(path.dirname(dataDir), { recursive: true, force: true }));

    it('migrates in DATA_DIR and stops the embedded PostgreSQL before exiting', async () => {
      const run = await cli('migrate.ts', ['up'], { DATA_DIR: dataDir });
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.include(`Applied ${STANDALONE_MIGRATIONS.length + MIGRATIONS.length} migration(s)`);
      const pgdata = path.join(dataDir, 'postgres', 'pg');
      expect(fs.existsSync(path.join(pgdata, 'PG_VERSION'))).to.equal(true);
      expect(fs.existsSync(path.join(pgdata, 'postmaster.pid'))).to.equal(false);
      const again = await cli('migrate.ts', ['up'], { DATA_DIR: dataDir });
      expect(again.stdout).to.include('up to date');
      expect(fs.existsSync(path.join(pgdata, 'postmaster.pid'))).to.equal(false);
    });
  });
});
