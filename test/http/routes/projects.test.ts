import { expect } from 'chai';
import { Project, ProjectMember } from '../../../src/models/index.js';
import { makeAdmin, makeEntry, makeProject, makeUser } from '../../factories.js';
import { loginAs, useTestServer } from '../../support/server.js';

describe('projects API', () => {
  const srv = useTestServer();

  describe('GET /api/projects', () => {
    it('lists only the projects a user is a member of', async () => {
      const user = await makeUser();
      const mine = await makeProject({ name: 'B mine', members: [user] });
      const archived = await makeProject({ name: 'A archived', members: [user], status: 'archived' });
      await makeProject({ name: 'C not mine' });
      const c = await loginAs(srv, user);
      const res = await c.get('/api/projects');
      expect(res.status).to.equal(200);
      expect(res.body.projects.map((p: { id: number }) => p.id)).to.deep.equal([archived.id, mine.id]);
      expect(res.body.projects[1]).to.include({ id: mine.id, name: 'B mine', status: 'active', billable: true });
      const active = await c.get('/api/projects?status=active');
      expect(active.body.projects.map((p: { id: number }) => p.id)).to.deep.equal([mine.id]);
    });

    it('?order=recent: the caller\'s most recently used projects first, then the rest by name', async () => {
      const user = await makeUser();
      const other = await makeUser();
      const alpha = await makeProject({ name: 'Alpha', members: [user, other] });
      await makeProject({ name: 'Beta', members: [user] });
      const gamma = await makeProject({ name: 'Gamma', members: [user] });
      const delta = await makeProject({ name: 'Delta', members: [user] });
      await makeEntry(user, gamma, { start: new Date(Date.now() - 5 * 3600_000) });
      await makeEntry(user, delta, { start: new Date(Date.now() - 2 * 3600_000) });
      await makeEntry(other, alpha, { start: new Date(Date.now() - 60_000) }); // someone else's use does not count
      const c = await loginAs(srv, user);
      const res = await c.get('/api/projects?status=active&order=recent');
      expect(res.status).to.equal(200);
      expect(res.body.projects.map((p: { name: string }) => p.name)).to.deep.equal(['Delta', 'Gamma', 'Alpha', 'Beta']);
      expect(res.body.projects[0].last_used_at).to.be.a('string');
      expect(res.body.projects[2].last_used_at).to.equal(null);
      const bad = await c.get('/api/projects?order=newest');
      expect(bad.status).to.equal(400);
      expect(bad.body.error).to.equal('order: must be name or recent');
    });

    it('lists every project for an admin', async () => {
      await makeProject();
      await makeProject();
      const c = await loginAs(srv, await makeAdmin());
      expect((await c.get('/api/projects')).body.projects).to.have.length(2);
    });
  });

  describe('POST /api/projects', () => {
    it('lets an admin create a project with members (201)', async () => {
      const a = await makeUser();
      const b = await makeUser();
      const c = await loginAs(srv, await makeAdmin());
      const res = await c.post('/api/projects', { name: '  Website  ', billable: 'false', member_ids: [a.id, b.id, a.id] });
      expect(res.status).to.equal(201);
      expect(res.body.project).to.include({ name: 'Website', status: 'active', billable: false });
      expect(res.body.project.member_ids).to.deep.equal([a.id, b.id]);
      expect(await ProjectMember.count({ where: { project_id: res.body.project.id } })).to.equal(2);
      const asMember = await loginAs(srv, a);
      expect((await asMember.get('/api/projects')).body.projects.map((p: { name: string }) => p.name)).to.deep.equal(['Website']);
    });

    it('rejects bad input with 400 "<field>: <reason>" and creates nothing', async () => {
      const c = await loginAs(srv, await makeAdmin());
      const cases: Array<[Record<string, unknown>, RegExp]> = [
        [{}, /^name: is required$/],
        [{ name: '' }, /^name: is required$/],
        [{ name: 'x'.repeat(201) }, /^name: must be at most 200 characters$/],
        [{ name: 'P', status: 'closed' }, /^status: /],
        [{ name: 'P', billable: 'perhaps' }, /^billable: must be true or false$/],
        [{ name: 'P', member_ids: ['abc'] }, /^member_ids\.0: must be a number$/],
        [{ name: 'P', member_ids: [424242] }, /^member_ids: contains an unknown user id$/],
      ];
      for (const [body, error] of cases) {
        const res = await c.post('/api/projects', body);
        expect(res.status, String(error)).to.equal(400);
        expect(res.body.error).to.match(error);
      }
      expect(await Project.count()).to.equal(0);
    });

    it('is admin only', async () => {
      const c = await loginAs(srv, await makeUser());
      const res = await c.post('/api/projects', { name: 'Mine now' });
      expect(res.status).to.equal(403);
      expect(res.body.error).to.equal('Admin only');
      expect(await Project.count()).to.equal(0);
    });
  });

  describe('POST /api/projects/:id/members', () => {
    it('adds a member (201), and again is a no-op (200, added:false)', async () => {
      const user = await makeUser();
      const project = await makeProject();
      const c = await loginAs(srv, await makeAdmin());
      const first = await c.post(`/api/projects/${project.id}/members`, { user_id: user.id });
      expect(first.status).to.equal(201);
      expect(first.body).to.deep.equal({ ok: true, project_id: project.id, user_id: user.id, added: true });
      const again = await c.post(`/api/projects/${project.id}/members`, { user_id: user.id });
      expect(again.status).to.equal(200);
      expect(again.body.added).to.equal(false);
      expect(await ProjectMember.count()).to.equal(1);
    });

    it('answers 404 for an unknown project or user, 400 for bad ids', async () => {
      const user = await makeUser();
      const project = await makeProject();
      const c = await loginAs(srv, await makeAdmin());
      const noProject = await c.post('/api/projects/999999/members', { user_id: user.id });
      expect(noProject.status).to.equal(404);
      expect(noProject.body).to.deep.equal({ ok: false, error: 'Project not found' });
      const noUser = await c.post(`/api/projects/${project.id}/members`, { user_id: 999999 });
      expect(noUser.status).to.equal(404);
      expect(noUser.body.error).to.equal('User not found');
      const badId = await c.post('/api/projects/abc/members', { user_id: user.id });
      expect(badId.status).to.equal(400);
      expect(badId.body.error).to.equal('id: must be a number');
      const badBody = await c.post(`/api/projects/${project.id}/members`, {});
      expect(badBody.body.error).to.equal('user_id: is required');
    });

    it('is admin only', async () => {
      const user = await makeUser();
      const project = await makeProject();
      const c = await loginAs(srv, user);
      const res = await c.post(`/api/projects/${project.id}/members`, { user_id: user.id });
      expect(res.status).to.equal(403);
      expect(await ProjectMember.count()).to.equal(0);
    });
  });
});
