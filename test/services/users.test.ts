import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StandaloneUser as User } from '../../src/standalone/user.js';
import { verifyPassword } from '../../src/services/passwords.js';
import { createUser, ensureAdmin } from '../../src/standalone/accounts.js';
import { makeAdmin, makeUser } from '../factories.js';

describe('services/users', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tt-admin-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  describe('ensureAdmin (first-admin bootstrap)', () => {
    it('creates admin@localhost with a random password saved with mode 0600', async () => {
      const result = await ensureAdmin({ dataDir });
      expect(result.created).to.equal(true);
      expect(result.email).to.equal('admin@localhost');
      expect(result.generatedPassword).to.be.a('string').with.length.greaterThan(12);
      const file = path.join(dataDir, 'admin-password');
      expect(result.passwordFile).to.equal(file);
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      expect(fs.readFileSync(file, 'utf8')).to.include('admin@localhost').and.include(result.generatedPassword!);
      const admin = await User.findOne({ where: { email: 'admin@localhost' } });
      expect(admin!.role).to.equal('admin');
      expect(admin!.password_hash).not.to.include(result.generatedPassword!);
      expect(await verifyPassword(result.generatedPassword!, admin!.password_hash)).to.equal(true);
    });

    it('a second call is a no-op', async () => {
      const first = await ensureAdmin({ dataDir });
      const second = await ensureAdmin({ dataDir });
      expect(second).to.deep.equal({ created: false });
      expect(await User.count()).to.equal(1);
      expect(fs.readFileSync(path.join(dataDir, 'admin-password'), 'utf8')).to.include(first.generatedPassword!);
    });

    it('two instances starting together create one admin', async () => {
      const results = await Promise.all([ensureAdmin({ dataDir }), ensureAdmin({ dataDir })]);
      expect(results.filter((r) => r.created)).to.have.length(1);
      expect(await User.count({ where: { role: 'admin' } })).to.equal(1);
    });

    it('honours ADMIN_EMAIL / ADMIN_PASSWORD and writes no password file', async () => {
      const result = await ensureAdmin({ dataDir, email: 'boss@example.com', password: 'correct horse battery' });
      expect(result).to.deep.include({ created: true, email: 'boss@example.com', generatedPassword: undefined });
      expect(fs.existsSync(path.join(dataDir, 'admin-password'))).to.equal(false);
      const admin = await User.findOne({ where: { email: 'boss@example.com' } });
      expect(admin!.role).to.equal('admin');
      expect(await verifyPassword('correct horse battery', admin!.password_hash)).to.equal(true);
    });

    it('does nothing when an admin already exists', async () => {
      await makeAdmin();
      expect((await ensureAdmin({ dataDir })).created).to.equal(false);
      expect(fs.existsSync(path.join(dataDir, 'admin-password'))).to.equal(false);
    });

    it('still creates the admin when a user already has the derived username', async () => {
      await makeUser({ username: 'admin', email: 'someone@example.test' });
      const result = await ensureAdmin({ dataDir });
      expect(result.created).to.equal(true);
      const admin = await User.findOne({ where: { email: 'admin@localhost' } });
      expect(admin!.role).to.equal('admin');
      expect(admin!.username).to.equal('admin2');
    });

    it('refuses with a clear message when ADMIN_EMAIL belongs to a non-admin user', async () => {
      await makeUser({ email: 'boss@example.com' });
      try {
        await ensureAdmin({ dataDir, email: 'boss@example.com', password: 'password123' });
        expect.fail('expected ensureAdmin to refuse');
      } catch (err) {
        expect((err as Error).message).to.match(/boss@example\.com already belongs to a user who is not an admin/);
      }
    });
  });

  describe('createUser', () => {
    it('lower-cases username and email and hashes the password', async () => {
      const u = await createUser({ username: 'MixedCase', email: 'Mixed@Example.TEST', password: 'password123' });
      expect(u.username).to.equal('mixedcase');
      expect(u.email).to.equal('mixed@example.test');
      expect(u.password_hash).to.match(/^scrypt\$/);
    });

    it('reports a taken email or username as 409 naming the field', async () => {
      await createUser({ username: 'taken', email: 'taken@example.test', password: 'password123' });
      try {
        await createUser({ username: 'other', email: 'TAKEN@example.test', password: 'password123' });
        expect.fail('expected a conflict');
      } catch (err) {
        expect(err).to.include({ status: 409, message: 'email: already taken' });
      }
    });
  });
});
