import { expect } from 'chai';
import nock from 'nock';
import { createGoogleCalendarConnector } from '../../../src/integrations/google-calendar/index.js';
import { getAccessToken } from '../../../src/integrations/google-calendar/tokens.js';
import { makeProject, makeUser } from '../../factories.js';
import { useTestServer } from '../../support/server.js';
import { ACCESS, CALENDAR, connectRow, EVENTS_PATH, googleDeps, GOOGLE_ENV, OAUTH2, reload } from './helpers.js';

describe('Google client: failures become clean {ok:false, error} results', () => {
  it('a slow answer times out', async () => {
    const { client } = await googleDeps({ timeoutMs: 100 });
    nock(CALENDAR).get(EVENTS_PATH).query(true).delay(1000).reply(200, { items: [] });
    const res = await client.listEvents(ACCESS, 'primary', { maxResults: 1 });
    expect(res).to.include({ ok: false, kind: 'timeout' });
    expect(res.ok ? '' : res.error).to.match(/^Google did not answer within/);
  });

  it('waits longer than a second by default (the 10-second limit applies)', async () => {
    const { client } = await googleDeps();
    nock(CALENDAR).get(EVENTS_PATH).query(true).delay(1500).reply(200, { items: [] });
    expect((await client.listEvents(ACCESS, 'primary', {})).ok).to.equal(true);
  });

  it('a non-JSON answer is an invalid_json failure', async () => {
    const { client } = await googleDeps();
    nock(CALENDAR).get(EVENTS_PATH).query(true).reply(200, '<html>captive portal</html>', { 'Content-Type': 'text/html' });
    expect(await client.listEvents(ACCESS, 'primary', {})).to.deep.include({ ok: false, kind: 'invalid_json', error: 'Google sent an answer that is not JSON' });
  });

  it('an unexpected JSON shape is a failure, not a crash', async () => {
    const { client } = await googleDeps();
    nock(CALENDAR).get(EVENTS_PATH).query(true).reply(200, { items: 'nope' });
    nock(OAUTH2).post('/token').reply(200, { token_type: 'Bearer' });
    expect((await client.listEvents(ACCESS, 'primary', {})).ok).to.equal(false);
    const token = await client.refreshAccessToken({ refreshToken: 'r', clientId: 'c', clientSecret: 's' });
    expect(token).to.include({ ok: false, error: 'Google sent a token answer without an access token' });
  });

  it('a network failure is reported without the token', async () => {
    const { client } = await googleDeps();
    nock(CALENDAR).get(EVENTS_PATH).query(true).replyWithError('socket hang up');
    const res = await client.listEvents(ACCESS, 'primary', {});
    expect(res).to.include({ ok: false, kind: 'network' });
    expect(JSON.stringify(res)).not.to.include(ACCESS);
  });

  it('a non-JSON token answer leaves the stored tokens untouched', async () => {
    const deps = await googleDeps();
    const row = await connectRow(await makeUser(), {}, { expiresInMs: 0 });
    const before = (await reload(row)).config;
    nock(OAUTH2).post('/token').reply(502, '<html>Bad Gateway</html>');
    const res = await getAccessToken(deps, row.id);
    expect(res).to.deep.include({ ok: false, error: 'Could not refresh the Google access token: Google answered HTTP 502' });
    expect((await reload(row)).config).to.deep.equal(before);
  });
});

describe('Google Calendar endpoints with a short HTTP timeout', () => {
  const srv = useTestServer({ env: GOOGLE_ENV, connectors: [createGoogleCalendarConnector({ timeoutMs: 600 })] });

  it('sync and test answer with clean errors on a timeout and on a non-JSON answer', async () => {
    const user = await makeUser();
    const project = await makeProject({ members: [user] });
    await connectRow(user, { default_project_id: project.id });
    const client = srv.client();
    await client.login(user.email);
    nock(CALENDAR).get(EVENTS_PATH).query(true).delay(2000).reply(200, { items: [] });
    const sync = await client.post('/api/integrations/google/sync', {});
    expect(sync.status).to.equal(200);
    expect(sync.body.ok).to.equal(false);
    expect(sync.body.errors).to.deep.equal(['Import: Google did not answer within 600 ms']);

    nock(CALENDAR).get(EVENTS_PATH).query(true).reply(200, 'not json at all');
    const test = await client.post('/api/integrations/google/test', {});
    expect(test.body).to.include({ ok: false, message: 'Google sent an answer that is not JSON' });
  });
});
