import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { generateKey, Keyring, setKeyring } from '../../src/lib/secrets.js';
import { Integration } from '../../src/models/index.js';
import { rotateSecrets } from '../../src/services/rotateSecrets.js';
import { makeUser } from '../factories.js';
import { testDb } from '../support/db.js';

describe('services/rotateSecrets', () => {
  const oldKey = generateKey();
  const newKey = generateKey();
  const oldRing = new Keyring(oldKey);
  const bothRing = new Keyring(`${newKey},${oldKey}`);

  after(async () => setKeyring((await testDb()).keyring));

  async function integration(provider: Integration['provider'], config: Record<string, unknown>) {
    const user = await makeUser();
    return Integration.create({ provider, user_id: user.id, name: provider, is_active: true, config, last_sync_at: null, last_sync_status: null, last_error: null });
  }

  it('re-encrypts every sealed value with the first key; the old key is then no longer needed', async () => {
    const { sequelize } = await testDb();
    const gh = await integration('github_connector', {
      github_token: oldRing.encrypt('ghp_token1'),
      webhook_secret: oldRing.encrypt('whsec'),
      repo_owner: 'acme',
      nested: { extra: [oldRing.encrypt('deep')] },
    });
    const slack = await integration('slack_connector', { bot_token: bothRing.encrypt('xoxb-current'), channel_id: 'C1' });
    const user = await makeUser();
    await sequelize.query(
      `INSERT INTO oauth_states (state_hash, provider, user_id, session_hash, code_verifier, expires_at)
       VALUES ('h1', 'google_calendar_connector', $1, 's', $2, now() + interval '10 minutes')`,
      { bind: [user.id, oldRing.encrypt('verifier')] },
    );

    const report = await rotateSecrets(sequelize, bothRing);
    expect(report).to.deep.include({ keyId: bothRing.primaryId, scanned: 5, rotated: 4, current: 1, rowsUpdated: 2, failures: [] });

    await gh.reload();
    await slack.reload();
    const newOnly = new Keyring(newKey);
    expect(newOnly.decrypt(gh.config.github_token as string)).to.equal('ghp_token1');
    expect(newOnly.decrypt(gh.config.webhook_secret as string)).to.equal('whsec');
    expect(newOnly.decrypt((gh.config.nested as { extra: string[] }).extra[0])).to.equal('deep');
    expect(gh.config.repo_owner).to.equal('acme');
    expect(newOnly.decrypt(slack.config.bot_token as string)).to.equal('xoxb-current');
    const [state] = await sequelize.query<{ code_verifier: string }>('SELECT code_verifier FROM oauth_states', { type: QueryTypes.SELECT });
    expect(newOnly.decrypt(state.code_verifier)).to.equal('verifier');

    const again = await rotateSecrets(sequelize, bothRing);
    expect(again).to.deep.include({ scanned: 5, rotated: 0, current: 5, rowsUpdated: 0 });
  });

  it('old ciphertexts still open while the old key is listed, before and after rotation', async () => {
    const { sequelize } = await testDb();
    const row = await integration('github_connector', { github_token: oldRing.encrypt('ghp_x') });
    expect(bothRing.decrypt(row.config.github_token as string)).to.equal('ghp_x');
    await rotateSecrets(sequelize, bothRing);
    await row.reload();
    expect(bothRing.decrypt(row.config.github_token as string)).to.equal('ghp_x');
  });

  it('reports values no configured key opens and leaves them untouched (never dropped)', async () => {
    const { sequelize } = await testDb();
    const stranger = new Keyring(generateKey()).encrypt('lost');
    const row = await integration('github_connector', { github_token: stranger, webhook_secret: oldRing.encrypt('ok') });
    const report = await rotateSecrets(sequelize, bothRing);
    expect(report.rotated).to.equal(1);
    expect(report.failures).to.have.length(1);
    expect(report.failures[0].where).to.equal(`integrations#${row.id} config.github_token`);
    expect(report.failures[0].error).to.match(/cannot be decrypted/);
    await row.reload();
    expect(row.config.github_token).to.equal(stranger);
    expect(new Keyring(newKey).decrypt(row.config.webhook_secret as string)).to.equal('ok');
  });

  it('reports a tampered value sealed with the current key', async () => {
    const { sequelize } = await testDb();
    const good = bothRing.encrypt('value');
    const bad = good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await integration('slack_connector', { bot_token: bad });
    const report = await rotateSecrets(sequelize, bothRing);
    expect(report.failures).to.have.length(1);
    expect(report.current).to.equal(0);
  });

  it('waits for a concurrent writer holding the row lock (one transaction, FOR UPDATE)', async () => {
    const { sequelize } = await testDb();
    const row = await integration('github_connector', { github_token: oldRing.encrypt('ghp_a') });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const writer = sequelize.transaction(async (transaction) => {
      await Integration.findByPk(row.id, { lock: true, transaction });
      await held;
      await Integration.update({ config: { github_token: oldRing.encrypt('ghp_b') } }, { where: { id: row.id }, transaction });
    });
    await new Promise((r) => setTimeout(r, 50));
    const rotation = rotateSecrets(sequelize, bothRing);
    await new Promise((r) => setTimeout(r, 100));
    release();
    await writer;
    const report = await rotation;
    expect(report.rotated).to.equal(1);
    await row.reload();
    // The writer's value was rotated, not overwritten by a stale copy.
    expect(new Keyring(newKey).decrypt(row.config.github_token as string)).to.equal('ghp_b');
  });
});
