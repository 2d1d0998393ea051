import { expect } from 'chai';
import { QueryTypes } from 'sequelize';
import { recordDelivery } from '../../src/integrations/deliveries.js';
import {
  findActiveIntegration,
  getOrCreateIntegration,
  mergeConfig,
  NOT_CONFIGURED,
  notConfigured,
  publicConfig,
  readSecret,
  sealSecret,
  secretState,
} from '../../src/integrations/connector.js';
import { connectors } from '../../src/integrations/index.js';
import { formBool } from '../../src/validation/schemas.js';
import { generateKey, Keyring } from '../../src/lib/secrets.js';
import { Integration } from '../../src/models/index.js';
import { makeUser } from '../factories.js';
import { testDb } from '../support/db.js';

const SECRETS = ['token'] as const;

describe('connector framework (src/integrations/connector.ts)', () => {
  describe('mergeConfig', () => {
    const stored = () => ({ token: sealSecret('old-token'), channel: '#general', flag: true });

    it('keeps a stored secret when the field is blank or absent', () => {
      const before = stored();
      expect(mergeConfig(before, { token: '' }, SECRETS).token).to.equal(before.token);
      expect(mergeConfig(before, { token: '   ' }, SECRETS).token).to.equal(before.token);
      expect(mergeConfig(before, { token: undefined }, SECRETS).token).to.equal(before.token);
      expect(mergeConfig(before, {}, SECRETS).token).to.equal(before.token);
    });

    it('clears a secret on an explicit null', () => {
      expect(mergeConfig(stored(), { token: null }, SECRETS)).to.not.have.property('token');
    });

    it('seals a new secret (never stored as plaintext) and trims it', () => {
      const next = mergeConfig(stored(), { token: ' new-token ' }, SECRETS);
      expect(next.token).to.match(/^nacl:v1:/).and.not.include('new-token');
      expect(readSecret(next, 'token')).to.deep.equal({ ok: true, value: 'new-token' });
    });

    it('copies other keys, removes them on null, and does not mutate the stored config', () => {
      const before = stored();
      const next = mergeConfig(before, { channel: '#dev', flag: null, extra: 0 }, SECRETS);
      expect(next).to.include({ channel: '#dev', extra: 0 });
      expect(next).to.not.have.property('flag');
      expect(before).to.include({ channel: '#general', flag: true });
    });
  });

  describe('formBool', () => {
    const truthy = [true, 'true', 'TRUE', 'on', '1', 1, 'yes'];
    const falsy = [false, 'false', 'False', 'off', '0', 0, 'no', ''];
    for (const v of truthy) it(`reads ${JSON.stringify(v)} as true`, () => expect(formBool.parse(v)).to.equal(true));
    for (const v of falsy) it(`reads ${JSON.stringify(v)} as false`, () => expect(formBool.parse(v)).to.equal(false));
    it('refuses anything else', () => {
      expect(formBool.safeParse('maybe').success).to.equal(false);
      expect(formBool.safeParse('2').success).to.equal(false);
    });
  });

  describe('secrets that cannot be decrypted', () => {
    it('are an explicit error state, never an empty string', () => {
      const foreign = new Keyring(generateKey()).encrypt('sealed elsewhere');
      const config = { a: foreign, b: 'plaintext-from-an-old-version', c: sealSecret('fine') };
      expect(secretState(config, 'a')).to.equal('undecryptable');
      expect(secretState(config, 'b')).to.equal('undecryptable');
      expect(secretState(config, 'c')).to.equal('set');
      expect(secretState(config, 'missing')).to.equal('not_set');
      const a = readSecret(config, 'a');
      expect(a.ok).to.equal(false);
      expect(a).to.deep.include({ missing: false });
      expect(!a.ok && a.error).to.match(/^a: stored secret cannot be decrypted/);
      expect(readSecret(config, 'missing')).to.deep.include({ ok: false, missing: true });
    });

    it('a tampered box does not open', () => {
      const sealed = sealSecret('value');
      const tampered = sealed.slice(0, -4) + (sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      expect(secretState({ t: tampered }, 't')).to.equal('undecryptable');
    });

    it('publicConfig shows only has_<secret> flags', () => {
      const out = publicConfig({ token: sealSecret('s3cret-value'), channel: '#x' }, SECRETS);
      expect(out).to.deep.equal({ channel: '#x', has_token: true });
      expect(JSON.stringify(out)).to.not.include('s3cret');
    });
  });

  describe('integration rows', () => {
    it('getOrCreateIntegration creates one row under concurrent calls', async () => {
      const user = await makeUser();
      const rows = await Promise.all(Array.from({ length: 15 }, () => getOrCreateIntegration('github_connector', user)));
      expect(new Set(rows.map((r) => r.id)).size).to.equal(1);
      expect(await Integration.count()).to.equal(1);
      expect(rows[0]).to.include({ is_active: false, user_id: user.id, provider: 'github_connector' });
    });

    it('getOrCreateIntegration stays race-safe inside callers\' transactions', async () => {
      const user = await makeUser();
      const sequelize = Integration.sequelize!;
      const ids = await Promise.all(
        Array.from({ length: 10 }, () =>
          sequelize.transaction(async (t) => {
            const row = await getOrCreateIntegration('slack_connector', user, t);
            await sequelize.query('SELECT 1', { transaction: t }); // the transaction is still usable
            return row.id;
          }),
        ),
      );
      expect(new Set(ids).size).to.equal(1);
      expect(await Integration.count()).to.equal(1);
    });

    it('findActiveIntegration is the not-configured gate: missing or inactive → null', async () => {
      const user = await makeUser();
      expect(await findActiveIntegration('github_connector', user.id)).to.equal(null);
      const row = await getOrCreateIntegration('github_connector', user);
      expect(await findActiveIntegration('github_connector', user.id)).to.equal(null);
      await row.update({ is_active: true });
      expect((await findActiveIntegration('github_connector', user.id))?.id).to.equal(row.id);
    });

    it('notConfigured() is the graceful result', () => {
      expect(notConfigured()).to.deep.equal({ ok: false, error: 'Integration not configured' });
      expect(NOT_CONFIGURED).to.equal('Integration not configured');
    });
  });

  describe('delivery log', () => {
    it('records a (provider, delivery id) once; the same id of another provider is separate', async () => {
      expect(await recordDelivery('github_connector', 'd-1')).to.equal(true);
      expect(await recordDelivery('github_connector', 'd-1')).to.equal(false);
      expect(await recordDelivery('slack_connector', 'd-1')).to.equal(true);
    });

    it('forgets a delivery recorded in a transaction that rolled back', async () => {
      const { sequelize } = await testDb();
      await sequelize
        .transaction(async (t) => {
          await recordDelivery('github_connector', 'd-2', { transaction: t });
          throw new Error('work failed');
        })
        .catch(() => undefined);
      const rows = await sequelize.query('SELECT 1 FROM webhook_deliveries', { type: QueryTypes.SELECT });
      expect(rows).to.have.length(0);
      expect(await recordDelivery('github_connector', 'd-2')).to.equal(true);
    });
  });

  describe('the connector list', () => {
    it('is explicit, one descriptor per provider with its own slug', () => {
      expect(connectors.map((c) => [c.provider, c.slug])).to.deep.equal([
        ['github_connector', 'github'],
        ['google_calendar_connector', 'google'],
        ['slack_connector', 'slack'],
      ]);
    });
  });
});
