// The webhook's routing cache (candidates.ts + src/db/changeFeed.ts): a delivery after any change
// to integrations, owners, projects or memberships sees the change, whichever way it was made, and
// a cached answer that no longer matches the database is re-read before answering.
import { expect } from 'chai';
import { changeFeedFor, type ChangeFeed } from '../../../src/db/changeFeed.js';
import { CACHE_MAX_AGE_MS, findCandidates } from '../../../src/integrations/github/candidates.js';
import { User } from '../../../src/models/index.js';
import { makeProject, makeUser } from '../../factories.js';
import { testDb } from '../../support/db.js';
import { startTestServer, useTestServer } from '../../support/server.js';
import { connectGithub, counts, deliver, issuePayload } from './helpers.js';

const REPO = 'Codertocat/Hello-World';

describe('GitHub webhook routing cache', () => {
  const srv = useTestServer();
  let feed: ChangeFeed;
  before(async () => {
    feed = changeFeedFor((await testDb()).sequelize);
  });

  async function connected(opts: { repo?: string } = {}) {
    const user = await makeUser();
    const project = await makeProject({ members: [user] });
    const c = await connectGithub(srv, user, project, opts);
    await feed.whenConnected();
    return { user, project, ...c };
  }

  /** A delivery that fills the cache for REPO, and proof that the next read is a hit. */
  async function warm(secret: string): Promise<void> {
    const res = await deliver(srv, issuePayload('opened', { number: 900 }), { secret });
    expect(res.status).to.equal(200);
    expect((await findCandidates(REPO)).cached, 'routing is cached after a delivery').to.equal(true);
  }

  /** Runs `sql` with the change-notify trigger of `table` disabled: a change no cache hears about. */
  async function silently(table: string, sql: string): Promise<void> {
    const { sequelize } = await testDb();
    await sequelize.query(`ALTER TABLE ${table} DISABLE TRIGGER tt_notify_change`);
    try {
      await sequelize.query(sql);
    } finally {
      await sequelize.query(`ALTER TABLE ${table} ENABLE TRIGGER tt_notify_change`);
    }
  }

  async function notified(version: number | null): Promise<void> {
    for (let i = 0; feed.isCurrent(version); i++) {
      if (i > 500) throw new Error('no change notification arrived');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it('applies a config change made through the API to the very next delivery', async () => {
    const { client, project, secret } = await connected();
    await warm(secret);
    const saved = await client.post('/api/integrations/github/config', {
      repo_owner: 'Codertocat', repo_name: 'Hello-World', default_project_id: project.id, auto_start_timer: false, label_filter: 'tracked',
    });
    expect(saved.status, saved.text).to.equal(200);
    const res = await deliver(srv, issuePayload('opened', { number: 1, labels: ['bug'] }), { secret });
    expect(res.body.skipped).to.match(/does not carry the label "tracked"/);
  });

  it('refuses deliveries for an owner deactivated by an admin from the next request on', async () => {
    const { user, secret } = await connected();
    await warm(secret);
    await User.update({ is_active: false }, { where: { id: user.id } });
    const res = await deliver(srv, issuePayload('opened', { number: 2 }), { secret });
    expect(res.status).to.equal(401);
  });

  it('applies a change made outside the app (psql, another instance) once PostgreSQL notifies', async () => {
    const { project, secret } = await connected();
    await warm(secret);
    const v = feed.current();
    await (await testDb()).sequelize.query(`UPDATE projects SET status = 'archived' WHERE id = ${project.id}`);
    await notified(v);
    const res = await deliver(srv, issuePayload('opened', { number: 3 }), { secret });
    expect(res.body.skipped).to.match(/archived/);
    expect(await counts()).to.deep.include({ tasks: 1 });
  });

  it('re-reads the database when a cached answer no longer verifies (secret changed without a notification)', async () => {
    const other = await connected({ repo: 'someone/else' });
    const { integrationId, secret } = await connected();
    await warm(secret);
    await silently('integrations', `UPDATE integrations SET config = config || jsonb_build_object('webhook_secret',
      (SELECT config->'webhook_secret' FROM integrations WHERE id = ${other.integrationId})) WHERE id = ${integrationId}`);
    expect((await findCandidates(REPO)).cached, 'the cache did not hear of it').to.equal(true);
    const res = await deliver(srv, issuePayload('opened', { number: 4 }), { secret: other.secret });
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ created: true });
    const old = await deliver(srv, issuePayload('opened', { number: 5 }), { secret });
    expect(old.status, 'the replaced secret no longer verifies').to.equal(401);
  });

  it('routes again when the cached integration was deleted meanwhile: 401, nothing recorded', async () => {
    const { integrationId, secret } = await connected();
    await warm(secret);
    const before = await counts();
    await silently('integrations', `DELETE FROM integrations WHERE id = ${integrationId}`);
    const res = await deliver(srv, issuePayload('opened', { number: 6 }), { secret });
    expect(res.status).to.equal(401);
    expect(await counts()).to.deep.include({ tasks: before.tasks, deliveries: before.deliveries });
  });

  it('routes again when the cached default project was deleted meanwhile: the delivery is recorded and skipped', async () => {
    const { project, secret } = await connected();
    await warm(secret);
    await silently('project_members', `DELETE FROM project_members WHERE project_id = ${project.id}`);
    await silently('projects', `DELETE FROM projects WHERE id = ${project.id}`);
    const res = await deliver(srv, issuePayload('opened', { number: 7 }), { secret, delivery: 'after-delete' });
    expect(res.status).to.equal(200);
    expect(res.body.skipped).to.match(/no longer exists/);
    const again = await deliver(srv, issuePayload('opened', { number: 7 }), { secret, delivery: 'after-delete' });
    expect(again.body).to.deep.equal({ ok: true, duplicate: true });
  });

  it('answers 409 and records nothing when even the database route meets a deleted row (a delete racing the write)', async () => {
    const { secret } = await connected();
    await warm(secret);
    const { sequelize } = await testDb();
    // Every write now fails the way a concurrent delete makes it fail: a foreign-key violation.
    await sequelize.query(`
      CREATE FUNCTION fk_gone() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'gone' USING ERRCODE = 'foreign_key_violation'; END $$;
      CREATE TRIGGER fk_gone BEFORE INSERT ON webhook_deliveries FOR EACH ROW EXECUTE FUNCTION fk_gone();`);
    try {
      const before = await counts();
      const res = await deliver(srv, issuePayload('opened', { number: 10 }), { secret });
      expect(res.status).to.equal(409);
      expect(res.body.error).to.match(/deleted while this delivery was processed.*redeliver it from GitHub/);
      expect(await counts()).to.deep.equal(before);
    } finally {
      await sequelize.query('DROP TRIGGER fk_gone ON webhook_deliveries; DROP FUNCTION fk_gone();');
    }
    const redelivered = await deliver(srv, issuePayload('opened', { number: 10 }), { secret });
    expect(redelivered.body).to.include({ created: true });
  });

  it('does not keep an answer read while something changed', async () => {
    const { secret } = await connected();
    await warm(secret);
    feed.changed();
    const reading = findCandidates(REPO);
    feed.changed(); // a change lands while the read is in flight
    expect((await reading).cached).to.equal(false);
    expect((await findCandidates(REPO)).cached, 'so the next read goes to the database again').to.equal(false);
    expect((await findCandidates(REPO)).cached).to.equal(true);
  });

  it('does not trust an entry older than 30 s, even without any change', async () => {
    const { secret } = await connected();
    await warm(secret);
    const realNow = Date.now;
    Date.now = () => realNow() + CACHE_MAX_AGE_MS + 1;
    try {
      expect((await findCandidates(REPO)).cached).to.equal(false);
      expect((await findCandidates(REPO)).cached, 'the fresh read is cached again').to.equal(true);
    } finally {
      Date.now = realNow;
    }
  });

  it('with ROUTING_CACHE=false every delivery reads the database', async () => {
    const uncached = await startTestServer({ env: { ROUTING_CACHE: 'false' } });
    try {
      const { integrationId, secret } = await connected();
      await warm(secret);
      await silently('integrations', `UPDATE integrations SET is_active = false WHERE id = ${integrationId}`);
      const res = await deliver(uncached, issuePayload('opened', { number: 8 }), { secret });
      expect(res.status, 'the deactivation is seen without any notification').to.equal(401);
      const cachedRes = await deliver(srv, issuePayload('opened', { number: 8 }), { secret });
      expect(cachedRes.status, 'the caching server still had it (the stale case the re-read guards)').to.equal(200);
    } finally {
      await uncached.close();
    }
  });
});
