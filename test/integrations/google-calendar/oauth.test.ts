import crypto from 'node:crypto';
import { expect } from 'chai';
import nock from 'nock';
import { QueryTypes } from 'sequelize';
import { readSecret, sealSecret } from '../../../src/integrations/connector.js';
import { Integration, type User } from '../../../src/models/index.js';
import { makeEntry, makeProject, makeUser } from '../../factories.js';
import { testDb } from '../../support/db.js';
import { type TestClient, useTestServer } from '../../support/server.js';
import { ACCOUNTS, CALENDAR_SCOPE, connectRow, GOOGLE_ENV, OAUTH2, REFRESH, reload, USERINFO } from './helpers.js';

const PAGE = '/admin/pages/personal-connectors';
const NEW_ACCESS = 'ya29.fresh-from-the-code-exchange';
const NEW_REFRESH = '1//fresh-refresh-token-from-exchange';

describe('Google Calendar OAuth: /integrations/google/{connect,callback,disconnect}', () => {
  const srv = useTestServer({ env: GOOGLE_ENV });

  async function loggedIn(): Promise<{ user: User; client: TestClient }> {
    const user = await makeUser();
    const client = srv.client();
    await client.login(user.email);
    return { user, client };
  }

  async function connect(client: TestClient): Promise<URL> {
    const res = await client.get('/integrations/google/connect');
    expect(res.status).to.equal(302);
    return new URL(res.headers.get('location')!);
  }

  const callback = (client: TestClient, params: Record<string, string>) =>
    client.get(`/integrations/google/callback?${new URLSearchParams(params).toString()}`);

  function errorOf(res: { status: number; headers: Headers }): string | null {
    expect(res.status).to.equal(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.pathname).to.equal(PAGE);
    return location.searchParams.get('google_error');
  }

  function tokenExchange(scope = `${CALENDAR_SCOPE} openid https://www.googleapis.com/auth/userinfo.email`) {
    const seen: Record<string, string> = {};
    const scopeMock = nock(OAUTH2)
      .post('/token', (body) => {
        Object.assign(seen, body);
        return true;
      })
      .reply(200, { access_token: NEW_ACCESS, refresh_token: NEW_REFRESH, expires_in: 3599, scope, token_type: 'Bearer' });
    return { seen, scopeMock };
  }

  const userinfo = (email = 'ada@gmail.test') => nock(USERINFO).get('/v1/userinfo').matchHeader('authorization', `Bearer ${NEW_ACCESS}`).reply(200, { email, email_verified: true });

  const rowCount = async () => Integration.count({ where: { provider: 'google_calendar_connector' } });

  it('redirects to Google with every parameter and a valid PKCE S256 challenge', async () => {
    const { client } = await loggedIn();
    const url = await connect(client);
    expect(url.origin + url.pathname).to.equal(`${ACCOUNTS}/o/oauth2/v2/auth`);
    const q = Object.fromEntries(url.searchParams);
    expect(q).to.include({
      client_id: GOOGLE_ENV.GOOGLE_CLIENT_ID,
      redirect_uri: `${srv.url}/integrations/google/callback`,
      response_type: 'code',
      access_type: 'offline',
      prompt: 'consent',
      include_granted_scopes: 'true',
      scope: `${CALENDAR_SCOPE} openid email`,
      code_challenge_method: 'S256',
    });
    expect(q.state).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(q.code_challenge).to.match(/^[A-Za-z0-9_-]{43}$/);

    const { seen } = tokenExchange();
    userinfo();
    const res = await callback(client, { code: 'auth-code-1', state: q.state });
    expect(errorOf(res)).to.equal(null);
    expect(new URL(res.headers.get('location')!).searchParams.get('google')).to.equal('connected');
    expect(seen).to.include({ grant_type: 'authorization_code', code: 'auth-code-1', redirect_uri: `${srv.url}/integrations/google/callback`, client_id: GOOGLE_ENV.GOOGLE_CLIENT_ID });
    const challenge = crypto.createHash('sha256').update(seen.code_verifier).digest('base64url');
    expect(challenge).to.equal(q.code_challenge);
  });

  it('stores the tokens encrypted with their expiry and the account email, and activates the row', async () => {
    const { user, client } = await loggedIn();
    const state = (await connect(client)).searchParams.get('state')!;
    tokenExchange();
    userinfo('ada@gmail.test');
    await callback(client, { code: 'c', state });
    const row = (await Integration.findOne({ where: { provider: 'google_calendar_connector', user_id: user.id } }))!;
    expect(row.is_active).to.equal(true);
    expect(row.config.email).to.equal('ada@gmail.test');
    expect(readSecret(row.config, 'access_token')).to.deep.equal({ ok: true, value: NEW_ACCESS });
    expect(readSecret(row.config, 'refresh_token')).to.deep.equal({ ok: true, value: NEW_REFRESH });
    const expiry = Date.parse(String(row.config.token_expiry));
    expect(expiry).to.be.within(Date.now() + 3500_000, Date.now() + 3600_000);
    const [raw] = await (await testDb()).sequelize.query<{ config: string }>('SELECT config::text AS config FROM integrations WHERE id = $1', { bind: [row.id], type: QueryTypes.SELECT });
    expect(raw.config).not.to.include(NEW_ACCESS);
    expect(raw.config).not.to.include(NEW_REFRESH);
    expect(raw.config).to.include('nacl:v1:');
    const status = await client.get('/api/integrations/google/status');
    expect(status.body).to.include({ ok: true, connected: true, needs_reconnect: false, email: 'ada@gmail.test', oauth_configured: true });
    expect(status.text).not.to.include(NEW_ACCESS);
  });

  it('rejects an unknown state and stores nothing', async () => {
    const { client } = await loggedIn();
    await connect(client);
    const { scopeMock } = tokenExchange();
    const res = await callback(client, { code: 'c', state: 'not-the-state-we-issued' });
    expect(errorOf(res)).to.match(/invalid, expired or already used/);
    expect(scopeMock.isDone()).to.equal(false);
    expect(await rowCount()).to.equal(0);
  });

  it('rejects an expired state and stores nothing', async () => {
    const { client } = await loggedIn();
    const state = (await connect(client)).searchParams.get('state')!;
    await (await testDb()).sequelize.query("UPDATE oauth_states SET expires_at = now() - interval '1 second'");
    const { scopeMock } = tokenExchange();
    expect(errorOf(await callback(client, { code: 'c', state }))).to.match(/expired/);
    expect(scopeMock.isDone()).to.equal(false);
    expect(await rowCount()).to.equal(0);
  });

  it('gives each state a 10-minute lifetime and stores only its hash and a sealed verifier', async () => {
    const { client } = await loggedIn();
    const state = (await connect(client)).searchParams.get('state')!;
    const [row] = await (await testDb()).sequelize.query<{ state_hash: string; code_verifier: string; minutes: number }>(
      'SELECT state_hash, code_verifier, extract(epoch FROM expires_at - created_at) / 60 AS minutes FROM oauth_states',
      { type: QueryTypes.SELECT },
    );
    expect(row.state_hash).to.equal(crypto.createHash('sha256').update(state).digest('hex'));
    expect(row.code_verifier).to.match(/^nacl:v1:/);
    expect(Number(row.minutes)).to.be.closeTo(10, 0.1);
  });

  it('accepts a state once: a replay is rejected and changes nothing', async () => {
    const { user, client } = await loggedIn();
    const state = (await connect(client)).searchParams.get('state')!;
    tokenExchange();
    userinfo();
    expect(errorOf(await callback(client, { code: 'c', state }))).to.equal(null);
    const before = (await Integration.findOne({ where: { user_id: user.id } }))!.config;
    const { scopeMock } = tokenExchange();
    expect(errorOf(await callback(client, { code: 'c2', state }))).to.match(/already used/);
    expect(scopeMock.isDone()).to.equal(false);
    expect((await Integration.findOne({ where: { user_id: user.id } }))!.config).to.deep.equal(before);
  });

  it('rejects a state issued to another session or another user', async () => {
    const { user, client } = await loggedIn();
    const state = (await connect(client)).searchParams.get('state')!;
    const sameUserOtherSession = srv.client();
    await sameUserOtherSession.login(user.email);
    const { scopeMock } = tokenExchange();
    expect(errorOf(await callback(sameUserOtherSession, { code: 'c', state }))).to.match(/invalid/);
    const { client: otherUser } = await loggedIn();
    expect(errorOf(await callback(otherUser, { code: 'c', state }))).to.match(/invalid/);
    expect(scopeMock.isDone()).to.equal(false);
    expect(await rowCount()).to.equal(0);
    // The foreign attempts did not burn it: the rightful session still completes.
    userinfo();
    expect(errorOf(await callback(client, { code: 'c', state }))).to.equal(null);
  });

  it('rejects a grant without the calendar.events scope and stores nothing', async () => {
    const { client } = await loggedIn();
    const state = (await connect(client)).searchParams.get('state')!;
    const { scopeMock } = tokenExchange('openid https://www.googleapis.com/auth/userinfo.email');
    expect(errorOf(await callback(client, { code: 'c', state }))).to.match(/Calendar access was not granted/);
    expect(scopeMock.isDone()).to.equal(true);
    expect(await rowCount()).to.equal(0);
  });

  it('reports a refused consent (error=access_denied) and a failed code exchange without storing anything', async () => {
    const { client } = await loggedIn();
    const s1 = (await connect(client)).searchParams.get('state')!;
    expect(errorOf(await callback(client, { error: 'access_denied', state: s1 }))).to.match(/access_denied/);
    const s2 = (await connect(client)).searchParams.get('state')!;
    nock(OAUTH2).post('/token').reply(400, { error: 'invalid_grant', error_description: 'Bad Request' });
    expect(errorOf(await callback(client, { code: 'stale', state: s2 }))).to.match(/did not accept the sign-in.*invalid_grant/);
    expect(await rowCount()).to.equal(0);
  });

  it('requires a login for connect and callback', async () => {
    const anonymous = srv.client();
    expect((await anonymous.get('/integrations/google/connect')).status).to.equal(401);
    expect((await anonymous.get('/integrations/google/callback?code=c&state=s')).status).to.equal(401);
  });

  it('reconnecting keeps the stored refresh token when Google sends none and clears needs_reconnect', async () => {
    const { user, client } = await loggedIn();
    const row = await connectRow(user, { needs_reconnect: true, calendar_id: 'team@group.calendar.google.com' });
    const state = (await connect(client)).searchParams.get('state')!;
    nock(OAUTH2).post('/token').reply(200, { access_token: NEW_ACCESS, expires_in: 3600, scope: CALENDAR_SCOPE });
    userinfo();
    expect(errorOf(await callback(client, { code: 'c', state }))).to.equal(null);
    const fresh = await reload(row);
    expect(readSecret(fresh.config, 'refresh_token')).to.deep.equal({ ok: true, value: REFRESH });
    expect(readSecret(fresh.config, 'access_token')).to.deep.equal({ ok: true, value: NEW_ACCESS });
    expect(fresh.config.needs_reconnect).to.equal(undefined);
    expect(fresh.config.calendar_id).to.equal('team@group.calendar.google.com');
  });

  describe('POST /integrations/google/disconnect', () => {
    it('revokes at Google, wipes the tokens and export records, keeps preferences, switches off', async () => {
      const { user, client } = await loggedIn();
      const project = await makeProject({ members: [user] });
      const row = await connectRow(user, { calendar_id: 'work', sync_direction: 'both', default_project_id: project.id, sync_days_back: 14 });
      const entry = await makeEntry(user, project);
      await (await testDb()).sequelize.query(
        "INSERT INTO calendar_exports (integration_id, time_entry_id, event_id, entry_updated_at) VALUES ($1, $2, 'ttabc', now())",
        { bind: [row.id, entry.id] },
      );
      const revoke = nock(OAUTH2).post('/revoke', { token: REFRESH }).reply(200, '');
      const res = await client.post('/integrations/google/disconnect', {});
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ ok: true, revoked: true });
      expect(revoke.isDone()).to.equal(true);
      const fresh = await reload(row);
      expect(fresh.is_active).to.equal(false);
      expect(fresh.config).to.deep.equal({ calendar_id: 'work', sync_direction: 'both', default_project_id: project.id, sync_days_back: 14 });
      const [{ n }] = await (await testDb()).sequelize.query<{ n: number }>('SELECT count(*)::int AS n FROM calendar_exports', { type: QueryTypes.SELECT });
      expect(n).to.equal(0);
      const status = await client.get('/api/integrations/google/status');
      expect(status.body).to.include({ connected: false, email: null, calendar_id: 'work', sync_direction: 'both', sync_days_back: 14 });
    });

    it('still wipes locally when Google cannot be reached, and says so', async () => {
      const { user, client } = await loggedIn();
      const row = await connectRow(user);
      nock(OAUTH2).post('/revoke').reply(503, 'unavailable');
      const res = await client.post('/integrations/google/disconnect', {});
      expect(res.body).to.include({ ok: true, revoked: false });
      expect(res.body.message).to.match(/myaccount\.google\.com\/permissions/);
      expect((await reload(row)).config.refresh_token).to.equal(undefined);
    });

    it('answers 404 without a row, and refuses cross-origin and form posts', async () => {
      const { user, client } = await loggedIn();
      expect((await client.post('/integrations/google/disconnect', {})).status).to.equal(404);
      const row = await connectRow(user);
      const foreign = await client.post('/integrations/google/disconnect', {}, { headers: { Origin: 'https://evil.test' } });
      expect(foreign.status).to.equal(403);
      const form = await client.request('POST', '/integrations/google/disconnect', { body: 'x=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      expect(form.status).to.equal(415);
      expect((await reload(row)).is_active).to.equal(true);
    });
  });
});

describe('Google Calendar OAuth without GOOGLE_CLIENT_ID / GOOGLE_CLIENT_SECRET', () => {
  const srv = useTestServer();

  it('connect answers a clear "not configured" page instead of redirecting or crashing', async () => {
    const user = await makeUser();
    const client = srv.client();
    await client.login(user.email);
    const res = await client.get('/integrations/google/connect');
    expect(res.status).to.equal(503);
    expect(res.headers.get('content-type')).to.match(/text\/html/);
    expect(res.text).to.include('Google OAuth is not configured');
    expect(res.text).to.include('GOOGLE_CLIENT_ID');
    expect(res.text).to.include(`${srv.url}/integrations/google/callback`);
    const status = await client.get('/api/integrations/google/status');
    expect(status.body).to.include({ ok: true, connected: false, oauth_configured: false });
    const cb = await client.get('/integrations/google/callback?code=c&state=s');
    expect(new URL(cb.headers.get('location')!).searchParams.get('google_error')).to.match(/not configured/);
  });

  it('a stored token that cannot be refreshed without the client reports the configuration problem', async () => {
    const user = await makeUser();
    const client = srv.client();
    await client.login(user.email);
    await connectRow(user, { access_token: sealSecret('x') }, { expiresInMs: 0 });
    const res = await client.post('/api/integrations/google/test', {});
    expect(res.body.ok).to.equal(false);
    expect(res.body.message).to.match(/Google OAuth is not configured/);
  });
});
