import { expect } from 'chai';
import { DEMO_EMAIL, DEMO_PROJECT, DEMO_TASKS, seed } from '../../seeders/0001-demo.js';
import { Project, ProjectMember, Task } from '../../src/models/index.js';
import { StandaloneUser as User } from '../../src/standalone/user.js';
import { makeAdmin } from '../factories.js';
import { startTestServer } from '../support/server.js';

describe('seeders/0001-demo', () => {
  it('creates a demo user, a project with the user as member, and tasks', async () => {
    const result = await seed({ demoPassword: 'demo-pass-123' });
    expect(result.demoPassword).to.equal('demo-pass-123');
    const user = await User.findOne({ where: { email: DEMO_EMAIL } });
    const project = await Project.findOne({ where: { name: DEMO_PROJECT } });
    expect(user!.role).to.equal('user');
    expect(project!.status).to.equal('active');
    expect(await ProjectMember.count({ where: { user_id: user!.id, project_id: project!.id } })).to.equal(1);
    expect((await Task.findAll({ order: [['id', 'ASC']] })).map((t) => t.name)).to.deep.equal([...DEMO_TASKS]);

    const srv = await startTestServer();
    try {
      const c = srv.client();
      await c.login(DEMO_EMAIL, 'demo-pass-123');
      const start = await c.post('/api/timer/start', { project_id: project!.id });
      expect(start.status).to.equal(201);
    } finally {
      await srv.close();
    }
  });

  it('is idempotent: a second run (also concurrent) creates and changes nothing', async () => {
    await makeAdmin();
    await seed({ demoPassword: 'first-password' });
    const before = (await User.findOne({ where: { email: DEMO_EMAIL } }))!;
    const results = await Promise.all([seed({ demoPassword: 'second-password' }), seed()]);
    expect(results.map((r) => r.created)).to.deep.equal([[], []]);
    expect(results.every((r) => r.demoPassword === undefined)).to.equal(true);
    const after = (await User.findOne({ where: { email: DEMO_EMAIL } }))!;
    expect(after.password_hash).to.equal(before.password_hash);
    expect(await User.count()).to.equal(2);
    expect(await Project.count()).to.equal(1);
    expect(await ProjectMember.count()).to.equal(1);
    expect(await Task.count()).to.equal(DEMO_TASKS.length);
  });
});
