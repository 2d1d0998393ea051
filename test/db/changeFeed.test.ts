import { expect } from 'chai';
import { ChangeFeed, changeFeedFor } from '../../src/db/changeFeed.js';
import { Integration, Project, ProjectMember, User } from '../../src/models/index.js';
import { StandaloneUser } from '../../src/standalone/user.js';
import { makeProject, makeUser } from '../factories.js';
import { testDb } from '../support/db.js';

/** Waits (bounded) until `feed` no longer considers `version` current. */
async function changedSince(feed: ChangeFeed, version: number | null, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (feed.isCurrent(version)) {
    if (Date.now() > deadline) throw new Error('no change notification arrived');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('ChangeFeed (LISTEN/NOTIFY on integrations, users, projects, project_members)', () => {
  let feed: ChangeFeed;
  beforeEach(async () => {
    feed = new ChangeFeed((await testDb()).sequelize, { retryMinMs: 20, retryMaxMs: 200 });
  });
  afterEach(async () => feed.stop());

  it('trusts nothing before it is connected, then hands out a version that stays current while nothing changes', async () => {
    expect(feed.current()).to.equal(null);
    expect(feed.isCurrent(feed.current())).to.equal(false);
    await feed.whenConnected();
    const v = feed.current();
    expect(v).to.be.a('number');
    await makeUser(); // this feed has no Sequelize hooks: the change reaches it as a notification
    await changedSince(feed, v);
    const w = feed.current();
    const { sequelize } = await testDb();
    await sequelize.query("INSERT INTO webhook_deliveries (provider, delivery_id) VALUES ('github', 'x')");
    await new Promise((r) => setTimeout(r, 100));
    expect(feed.isCurrent(w), 'an unwatched table changed nothing').to.equal(true);
  });

  for (const [table, change] of [
    ['integrations', "UPDATE integrations SET config = config || '{\"label_filter\":\"bug\"}'"],
    ['users', 'UPDATE users SET is_active = false'],
    ['projects', "UPDATE projects SET status = 'archived'"],
    ['project_members', 'DELETE FROM project_members'],
  ] as const) {
    it(`sees a change to ${table} made outside the app (raw SQL) once PostgreSQL notifies`, async () => {
      const user = await makeUser();
      await makeProject({ members: [user] });
      await Integration.create({ name: 'GitHub', provider: 'github_connector', user_id: user.id, is_active: true, config: {} });
      await feed.whenConnected();
      const v = feed.current();
      const { sequelize } = await testDb();
      await sequelize.query(change);
      await changedSince(feed, v);
    });
  }

  it('a rolled-back change notifies nobody', async () => {
    await makeUser();
    await feed.whenConnected();
    const v = feed.current();
    const { sequelize } = await testDb();
    await sequelize.transaction(async (transaction) => {
      await sequelize.query('UPDATE users SET is_active = false', { transaction });
      await transaction.rollback();
    }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    expect(feed.isCurrent(v)).to.equal(true);
  });

  it('stops trusting when its connection is killed, reconnects by itself and starts a new version', async () => {
    await feed.whenConnected();
    const v = feed.current();
    const { sequelize } = await testDb();
    await sequelize.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'timetracker-change-feed'");
    await changedSince(feed, v);
    await feed.whenConnected();
    expect(feed.current()).to.be.a('number').and.not.equal(v);
    // It listens again: a change after the reconnect is seen.
    const w = feed.current();
    await sequelize.query("UPDATE projects SET name = name || '' WHERE false");
    await changedSince(feed, w);
  });

  it('is not connected once stopped', async () => {
    await feed.whenConnected();
    await feed.stop();
    expect(feed.current()).to.equal(null);
    await new Promise((r) => setTimeout(r, 100));
    expect(feed.current(), 'and does not reconnect').to.equal(null);
  });
});

describe('changeFeedFor(sequelize): writes through this process are seen at once', () => {
  it('bumps on create, update, destroy and bulk writes of watched models, after commit inside a transaction', async () => {
    const { sequelize } = await testDb();
    const feed = changeFeedFor(sequelize);
    await feed.whenConnected();
    const user = await makeUser();
    const project = await makeProject();
    const writes: Array<[string, () => Promise<unknown>]> = [
      ['instance update', () => user.update({ full_name: 'Changed' })],
      ['bulk update', () => Project.update({ name: 'Renamed' }, { where: { id: project.id } })],
      ['create', () => ProjectMember.create({ project_id: project.id, user_id: user.id })],
      ['bulk destroy', () => ProjectMember.destroy({ where: { project_id: project.id } })],
      ['bulk create', () => StandaloneUser.bulkCreate([{ username: 'bulk', email: 'bulk@example.com', password_hash: 'x' }])],
    ];
    for (const [what, write] of writes) {
      const v = feed.current();
      await write();
      expect(feed.isCurrent(v), what).to.equal(false); // synchronously, not waiting for NOTIFY
    }
    let insideVersion: number | null = null;
    await sequelize.transaction(async (transaction) => {
      await user.update({ full_name: 'In a transaction' }, { transaction });
      insideVersion = feed.current();
    });
    expect(feed.isCurrent(insideVersion), 'bumped again after commit').to.equal(false);
  });
});
