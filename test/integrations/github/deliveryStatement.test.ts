import { expect } from 'chai';
import pg from 'pg';
import { changeFeedFor } from '../../../src/db/changeFeed.js';
import { applyDelivery, type TaskWork } from '../../../src/integrations/github/deliveryStatement.js';
import { issueSchema } from '../../../src/integrations/github/tasks.js';
import { Project, ProjectMember, Task } from '../../../src/models/index.js';
import { makeProject, makeUser } from '../../factories.js';
import { testDb } from '../../support/db.js';
import { useTestServer } from '../../support/server.js';
import { connectGithub, counts, deliver, issuePayload } from './helpers.js';

describe('GitHub webhook: one statement records the delivery and does the work', () => {
  const srv = useTestServer();

  async function connected(role: 'admin' | 'user' = 'user') {
    const user = await makeUser({ role });
    const project = await makeProject({ members: role === 'admin' ? [] : [user] });
    return { user, project, ...(await connectGithub(srv, user, project)) };
  }

  /** The statements sent to PostgreSQL (every pg client, Sequelize's included) while `run` runs. */
  async function statements(run: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    const original = pg.Client.prototype.query;
    const spy = function (this: pg.Client, ...args: unknown[]) {
      const q = args[0] as string | { text: string };
      seen.push(typeof q === 'string' ? q : q.text);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
    pg.Client.prototype.query = spy as typeof original;
    try {
      await run();
    } finally {
      pg.Client.prototype.query = original;
    }
    return seen;
  }

  it('answers issues.opened, a duplicate and a closed delivery with one round trip each once routing is cached, without BEGIN/COMMIT', async () => {
    const { secret } = await connected();
    await changeFeedFor((await testDb()).sequelize).whenConnected();
    // The first delivery reads the routing and records the connector's first successful use
    // (health.ts: at most every 10 minutes); the others find the routing cached.
    const expected = [3, 1, 1, 1];
    for (const [i, [action, delivery]] of [['opened', 'rt-0'], ['opened', 'rt-1'], ['opened', 'rt-1'], ['closed', 'rt-2']].entries()) {
      const sql = await statements(async () => {
        const res = await deliver(srv, issuePayload(action, { number: 100 + i }), { secret, delivery });
        expect(res.status).to.equal(200);
      });
      expect(sql, sql.join('\n')).to.have.length(expected[i]);
      expect(sql.join('\n')).not.to.match(/START TRANSACTION|BEGIN|COMMIT/);
    }
  });

  it('records nothing when the task work fails, so a redelivery of the same id succeeds', async () => {
    const { secret } = await connected();
    const { sequelize } = await testDb();
    await sequelize.query(`
      CREATE FUNCTION fail_task_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'task insert failed'; END $$;
      CREATE TRIGGER fail_task_insert BEFORE INSERT ON tasks FOR EACH ROW EXECUTE FUNCTION fail_task_insert();`);
    try {
      const failed = await deliver(srv, issuePayload('opened'), { secret, delivery: 'atomic-1' });
      expect(failed.status).to.equal(500);
      expect(await counts()).to.deep.include({ tasks: 0, deliveries: 0 });
    } finally {
      await sequelize.query('DROP TRIGGER fail_task_insert ON tasks; DROP FUNCTION fail_task_insert();');
    }
    const retried = await deliver(srv, issuePayload('opened'), { secret, delivery: 'atomic-1' });
    expect(retried.status).to.equal(200);
    expect(retried.body.task_id).to.be.a('number');
    expect(await counts()).to.deep.include({ tasks: 1, deliveries: 1 });
  });

  it('tells a new task, a task that already existed and a duplicate delivery apart', async () => {
    const { user, project, integrationId } = await connected();
    const issue = issueSchema.parse(issuePayload('opened', { number: 3 }).issue);
    const work: TaskWork = { kind: 'ensure', target: { projectId: project.id, ownerId: user.id }, issue };
    const record = (deliveryId: string) => ({ deliveryId, integrationId, event: 'issues' });
    const first = await applyDelivery(record('a'), [work]);
    expect(first.fresh).to.equal(true);
    expect(first.results[0]).to.include({ created: true }).and.have.property('taskId').that.is.a('number');
    const again = await applyDelivery(record('b'), [work]);
    expect(again).to.deep.equal({ fresh: true, results: [{ taskId: first.results[0]!.taskId, created: false }] });
    expect(await applyDelivery(record('a'), [work])).to.deep.equal({ fresh: false, results: [null] });
    expect(await counts()).to.deep.include({ tasks: 1, deliveries: 2 });
  });

  describe('reads the default project with the routing query', () => {
    it('skips when the owner is no longer a member of the default project', async () => {
      const { user, project, secret } = await connected();
      await ProjectMember.destroy({ where: { user_id: user.id, project_id: project.id } });
      const res = await deliver(srv, issuePayload('opened'), { secret });
      expect(res.status).to.equal(200);
      expect(res.body.skipped).to.match(/may no longer use the default project/);
      expect(await counts()).to.deep.include({ tasks: 0, deliveries: 1 });
    });

    it('skips when the default project was deleted', async () => {
      const { project, secret } = await connected();
      await ProjectMember.destroy({ where: { project_id: project.id } });
      await Project.destroy({ where: { id: project.id } });
      const res = await deliver(srv, issuePayload('opened'), { secret });
      expect(res.body.skipped).to.match(/no longer exists/);
      expect(await counts()).to.deep.include({ tasks: 0 });
    });

    it('lets an admin owner use a project they are not a member of', async () => {
      const { project, secret } = await connected('admin');
      const res = await deliver(srv, issuePayload('opened'), { secret });
      expect((await Task.findByPk(res.body.task_id))!.project_id).to.equal(project.id);
    });
  });
});
