import http from 'node:http';
import { expect } from 'chai';
import { signPayload } from '../../../src/integrations/github/verifySignature.js';
import { ROTATED_AT_KEY } from '../../../src/integrations/github/webhookSecret.js';
import { Integration, Task } from '../../../src/models/index.js';
import { makeProject, makeUser } from '../../factories.js';
import { useTestServer } from '../../support/server.js';
import { connectGithub, counts, deliver, example, issuePayload } from './helpers.js';

describe('POST /api/integrations/github/webhook (receiver)', () => {
  const srv = useTestServer();

  async function connected(opts: Parameters<typeof connectGithub>[3] = {}) {
    const user = await makeUser({ github_username: 'Codertocat' });
    const project = await makeProject({ members: [user] });
    return { user, project, ...(await connectGithub(srv, user, project, opts)) };
  }

  const NOTHING_WRITTEN = { tasks: 0, deliveries: 0, entries: 0, integrations: 1 };

  it('answers a signed ping (GitHub example payload) with "Webhook received"', async () => {
    const { secret } = await connected({ repo: 'Octocoders/Hello-World' });
    const res = await deliver(srv, example('ping'), { event: 'ping', secret });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ ok: true, message: 'Webhook received' });
  });

  it('reads the GitHub headers case-insensitively', async () => {
    const { secret } = await connected();
    const raw = JSON.stringify(issuePayload('opened'));
    const url = new URL(`${srv.url}/api/integrations/github/webhook`);
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'issues',
          'X-GITHUB-DELIVERY': 'case-test-1',
          'x-HUB-Signature-256': signPayload(secret, raw),
        },
      });
      req.on('response', (r) => {
        let body = '';
        r.on('data', (c) => (body += c));
        r.on('end', () => resolve({ status: r.statusCode!, body }));
      });
      req.on('error', reject);
      req.end(raw);
    });
    expect(res.status, res.body).to.equal(200);
    expect(JSON.parse(res.body).task_id).to.be.a('number');
  });

  it('routes by repository full_name case-insensitively', async () => {
    const { secret } = await connected({ repo: 'codertocat/hello-world' });
    const res = await deliver(srv, issuePayload('opened', { repo: 'CoderToCat/Hello-WORLD' }), { secret });
    expect(res.status).to.equal(200);
    expect((await counts()).tasks).to.equal(1);
  });

  describe('refuses without writing anything', () => {
    it('a missing signature → 401 Invalid signature', async () => {
      await connected();
      const res = await deliver(srv, issuePayload('opened'), { signature: null });
      expect(res.status).to.equal(401);
      expect(res.body).to.deep.equal({ ok: false, error: 'Invalid signature' });
      expect(await counts()).to.deep.equal(NOTHING_WRITTEN);
    });

    it('a signature made with another secret → 401', async () => {
      await connected();
      const res = await deliver(srv, issuePayload('opened'), { secret: 'not-the-secret' });
      expect(res.status).to.equal(401);
      expect(await counts()).to.deep.equal(NOTHING_WRITTEN);
    });

    it('a valid signature of different bytes (re-serialised body) → 401', async () => {
      const { secret } = await connected();
      const payload = issuePayload('opened');
      const res = await deliver(srv, payload, { raw: JSON.stringify(payload, null, 2), signature: signPayload(secret, JSON.stringify(payload)) });
      expect(res.status).to.equal(401);
      expect(await counts()).to.deep.equal(NOTHING_WRITTEN);
    });

    it('a signature without the sha256= prefix → 401', async () => {
      const { secret } = await connected();
      const raw = JSON.stringify(issuePayload('opened'));
      const res = await deliver(srv, null, { raw, signature: signPayload(secret, raw).slice('sha256='.length) });
      expect(res.status).to.equal(401);
      expect(await counts()).to.deep.equal(NOTHING_WRITTEN);
    });

    it('a repository no active integration is configured for → 401', async () => {
      const { secret } = await connected();
      const res = await deliver(srv, issuePayload('opened', { repo: 'someone/else' }), { secret });
      expect(res.status).to.equal(401);
      expect(await counts()).to.deep.equal(NOTHING_WRITTEN);
    });

    it('a repository name with a NUL or control character → 401, never a 500', async () => {
      const { secret } = await connected();
      for (const repo of ['Codertocat/Hello-World\u0000', 'Codertocat/\u0007Hello-World']) {
        const res = await deliver(srv, issuePayload('opened', { repo }), { secret });
        expect(res.status, JSON.stringify(repo)).to.equal(401);
      }
      expect(await counts()).to.deep.equal(NOTHING_WRITTEN);
    });

    it('a signed issue whose title and body carry NUL characters still becomes a task (NULs dropped)', async () => {
      const { secret, project } = await connected();
      const res = await deliver(srv, issuePayload('opened', { title: 'Crash\u0000 on save', body: 'steps\u0000here' }), { secret });
      expect(res.status, res.text).to.equal(200);
      const task = await Task.findOne({ where: { project_id: project.id } });
      expect(task?.name).to.equal('Crash on save');
      expect(task?.description).to.equal('stepshere');
    });

    it('an integration switched off (token cleared) → 401', async () => {
      const { secret, client, project } = await connected();
      await client.post('/api/integrations/github/config', { github_token: null, repo_owner: 'Codertocat', repo_name: 'Hello-World', default_project_id: project.id });
      const res = await deliver(srv, issuePayload('opened'), { secret });
      expect(res.status).to.equal(401);
      expect(await counts()).to.deep.equal(NOTHING_WRITTEN);
    });

    it('an owner who was deactivated → 401', async () => {
      const { secret, user } = await connected();
      await user.update({ is_active: false });
      expect((await deliver(srv, issuePayload('opened'), { secret })).status).to.equal(401);
      expect(await counts()).to.deep.equal(NOTHING_WRITTEN);
    });

    it('malformed JSON → 400', async () => {
      const { secret } = await connected();
      const raw = '{"action":"opened", "repository": {';
      const res = await deliver(srv, null, { raw, signature: signPayload(secret, raw) });
      expect(res.status).to.equal(400);
      expect(res.body.ok).to.equal(false);
      expect(res.body.error).to.match(/Malformed JSON/);
      expect(await counts()).to.deep.equal(NOTHING_WRITTEN);
    });

    it('a form-encoded delivery (wrong content type in GitHub) → 400 naming the fix', async () => {
      const { secret } = await connected();
      const raw = `payload=${encodeURIComponent(JSON.stringify(issuePayload('opened')))}`;
      const res = await deliver(srv, null, { raw, signature: signPayload(secret, raw), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.match(/application\/json/);
      expect(await counts()).to.deep.equal(NOTHING_WRITTEN);
    });

    it('a JSON body that is not an object → 400', async () => {
      const { secret } = await connected();
      const raw = '[1,2,3]';
      expect((await deliver(srv, null, { raw, signature: signPayload(secret, raw) })).status).to.equal(400);
      expect(await counts()).to.deep.equal(NOTHING_WRITTEN);
    });

    it('a body over 1 MB → 413, even when correctly signed', async () => {
      const { secret } = await connected();
      const payload = { ...issuePayload('opened'), padding: 'x'.repeat(1024 * 1024) };
      const raw = JSON.stringify(payload);
      const res = await deliver(srv, null, { raw, signature: signPayload(secret, raw) });
      expect(res.status).to.equal(413);
      expect(res.body.ok).to.equal(false);
      expect(await counts()).to.deep.equal(NOTHING_WRITTEN);
    });

    it('an unknown event → 422 "Unhandled event: <event>" after verification', async () => {
      const { secret } = await connected();
      const push = example('push');
      const signed = await deliver(srv, push, { event: 'push', secret });
      expect(signed.status).to.equal(422);
      expect(signed.body).to.deep.equal({ ok: false, error: 'Unhandled event: push' });
      const unsigned = await deliver(srv, push, { event: 'push', secret: 'wrong' });
      expect(unsigned.status).to.equal(401);
      expect(await counts()).to.deep.equal(NOTHING_WRITTEN);
    });

    it('a missing X-GitHub-Event or X-GitHub-Delivery header → 400', async () => {
      const { secret } = await connected();
      const raw = JSON.stringify(issuePayload('opened'));
      const headers = { 'X-Hub-Signature-256': signPayload(secret, raw), 'Content-Type': 'application/json' };
      const noEvent = await srv.client().request('POST', '/api/integrations/github/webhook', { body: raw, headers: { ...headers, 'X-GitHub-Delivery': 'd1' } });
      expect(noEvent.status).to.equal(400);
      expect(noEvent.body.error).to.match(/X-GitHub-Event/);
      const noDelivery = await srv.client().request('POST', '/api/integrations/github/webhook', { body: raw, headers: { ...headers, 'X-GitHub-Event': 'issues' } });
      expect(noDelivery.status).to.equal(400);
      expect(noDelivery.body.error).to.match(/X-GitHub-Delivery/);
      expect(await counts()).to.deep.equal(NOTHING_WRITTEN);
    });
  });

  describe('delivery log', () => {
    it('answers a repeated delivery id with {ok:true, duplicate:true} and changes nothing', async () => {
      const { secret } = await connected();
      const first = await deliver(srv, issuePayload('opened'), { secret, delivery: 'dup-1' });
      expect(first.status).to.equal(200);
      await Task.update({ name: 'renamed locally' }, { where: {} });
      const again = await deliver(srv, issuePayload('edited', { title: 'changed on GitHub' }), { secret, delivery: 'dup-1' });
      expect(again.status).to.equal(200);
      expect(again.body).to.deep.equal({ ok: true, duplicate: true });
      expect((await Task.findOne())!.name).to.equal('renamed locally');
      expect(await counts()).to.deep.include({ tasks: 1, deliveries: 1 });
    });

    it('does not record a delivery whose processing failed, so a redelivery succeeds', async () => {
      const { secret } = await connected();
      const broken = issuePayload('opened');
      delete broken.issue.number;
      const failed = await deliver(srv, broken, { secret, delivery: 'retry-1' });
      expect(failed.status).to.equal(400);
      expect(await counts()).to.deep.include({ tasks: 0, deliveries: 0 });
      const retried = await deliver(srv, issuePayload('opened'), { secret, delivery: 'retry-1' });
      expect(retried.status).to.equal(200);
      expect(retried.body.task_id).to.be.a('number');
      expect(await counts()).to.deep.include({ tasks: 1, deliveries: 1 });
    });
  });

  describe('secret rotation', () => {
    it('accepts the previous secret for 24 hours after regenerating, then refuses it', async () => {
      const { secret: oldSecret, client } = await connected();
      const newSecret = (await client.post('/api/integrations/github/webhook-secret', { regenerate: true })).body.webhook_secret;
      expect((await deliver(srv, issuePayload('opened', { number: 1 }), { secret: oldSecret })).status).to.equal(200);
      expect((await deliver(srv, issuePayload('opened', { number: 2 }), { secret: newSecret })).status).to.equal(200);
      const row = (await Integration.findOne())!;
      await row.update({ config: { ...row.config, [ROTATED_AT_KEY]: new Date(Date.now() - 25 * 3600_000).toISOString() } });
      expect((await deliver(srv, issuePayload('opened', { number: 3 }), { secret: oldSecret })).status).to.equal(401);
      expect((await deliver(srv, issuePayload('opened', { number: 4 }), { secret: newSecret })).status).to.equal(200);
      expect((await counts()).tasks).to.equal(3);
    });
  });
});
