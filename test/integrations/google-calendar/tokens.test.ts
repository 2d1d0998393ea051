import { expect } from 'chai';
import nock from 'nock';
import { readSecret, sealSecret } from '../../../src/integrations/connector.js';
import { runGoogleCalendarSync } from '../../../src/integrations/google-calendar/jobs.js';
import { callGoogle, getAccessToken } from '../../../src/integrations/google-calendar/tokens.js';
import { makeUser } from '../../factories.js';
import { ACCESS, CALENDAR, connectRow, EVENTS_PATH, googleDeps, GOOGLE_ENV, OAUTH2, REFRESH, reload } from './helpers.js';

const REFRESHED = 'ya29.refreshed-access-token';

describe('Google Calendar token lifecycle: getAccessToken()', () => {
  it('returns the stored token without calling Google while it is valid for more than 5 minutes', async () => {
    const deps = await googleDeps();
    const row = await connectRow(await makeUser(), {}, { expiresInMs: 6 * 60_000 });
    const token = nock(OAUTH2).post('/token').reply(200, { access_token: REFRESHED, expires_in: 3600 });
    expect(await getAccessToken(deps, row.id)).to.deep.equal({ ok: true, token: ACCESS });
    expect(token.isDone()).to.equal(false);
  });

  it('refreshes a token expiring within 5 minutes and stores the new token and expiry, keeping the refresh token', async () => {
    const deps = await googleDeps();
    const row = await connectRow(await makeUser(), { calendar_id: 'work' }, { expiresInMs: 4 * 60_000 });
    let form: Record<string, string> = {};
    nock(OAUTH2)
      .post('/token', (body) => ((form = body), true))
      .reply(200, { access_token: REFRESHED, expires_in: 3599, scope: 'https://www.googleapis.com/auth/calendar.events', token_type: 'Bearer' });
    expect(await getAccessToken(deps, row.id)).to.deep.equal({ ok: true, token: REFRESHED });
    expect(form).to.deep.equal({ grant_type: 'refresh_token', refresh_token: REFRESH, client_id: GOOGLE_ENV.GOOGLE_CLIENT_ID, client_secret: GOOGLE_ENV.GOOGLE_CLIENT_SECRET });
    const fresh = await reload(row);
    expect(readSecret(fresh.config, 'access_token')).to.deep.equal({ ok: true, value: REFRESHED });
    expect(readSecret(fresh.config, 'refresh_token')).to.deep.equal({ ok: true, value: REFRESH });
    expect(Date.parse(String(fresh.config.token_expiry))).to.be.within(Date.now() + 3590_000, Date.now() + 3600_000);
    expect(fresh.config.calendar_id).to.equal('work');
  });

  it('stores a rotated refresh token when Google sends one', async () => {
    const deps = await googleDeps();
    const row = await connectRow(await makeUser(), {}, { expiresInMs: -60_000 });
    nock(OAUTH2).post('/token').reply(200, { access_token: REFRESHED, refresh_token: '1//rotated', expires_in: 3600 });
    await getAccessToken(deps, row.id);
    expect(readSecret((await reload(row)).config, 'refresh_token')).to.deep.equal({ ok: true, value: '1//rotated' });
  });

  it('refreshes once when two callers need a token at the same moment', async () => {
    const deps = await googleDeps();
    const row = await connectRow(await makeUser(), {}, { expiresInMs: 60_000 });
    let calls = 0;
    nock(OAUTH2)
      .post('/token')
      .times(2)
      .delay(150)
      .reply(() => {
        calls += 1;
        return [200, { access_token: `${REFRESHED}-${calls}`, expires_in: 3600 }];
      });
    const [a, b] = await Promise.all([getAccessToken(deps, row.id), getAccessToken(deps, row.id)]);
    expect(calls).to.equal(1);
    expect(a).to.deep.equal({ ok: true, token: `${REFRESHED}-1` });
    expect(b).to.deep.equal({ ok: true, token: `${REFRESHED}-1` });
  });

  it('invalid_grant marks the row needs_reconnect with last_error, keeps is_active, and the job skips it', async () => {
    const deps = await googleDeps();
    const row = await connectRow(await makeUser(), {}, { expiresInMs: 0 });
    nock(OAUTH2).post('/token').reply(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    const result = await getAccessToken(deps, row.id);
    expect(result).to.include({ ok: false, needsReconnect: true });
    const fresh = await reload(row);
    expect(fresh.config.needs_reconnect).to.equal(true);
    expect(fresh.is_active).to.equal(true);
    expect(fresh.last_error).to.match(/reconnect Google Calendar/);

    // No more calls to Google for this row, neither on demand nor from the job.
    const again = nock(OAUTH2).post('/token').reply(200, { access_token: REFRESHED, expires_in: 3600 });
    const list = nock(CALENDAR).get(EVENTS_PATH).query(true).reply(200, { items: [] });
    expect(await getAccessToken(deps, row.id)).to.include({ ok: false, needsReconnect: true });
    expect(await runGoogleCalendarSync(deps)).to.deep.equal({ rows: 0, succeeded: 0, failed: 0 });
    expect(again.isDone() || list.isDone()).to.equal(false);
    expect((await reload(row)).last_sync_at).to.equal(null);
  });

  it('a transient refresh failure is an error without needs_reconnect', async () => {
    const deps = await googleDeps();
    const row = await connectRow(await makeUser(), {}, { expiresInMs: 0 });
    nock(OAUTH2).post('/token').reply(500, { error: 'internal_failure' });
    const result = await getAccessToken(deps, row.id);
    expect(result.ok).to.equal(false);
    expect(result.ok ? '' : result.error).to.match(/Could not refresh the Google access token: Google answered HTTP 500/);
    expect((await reload(row)).config.needs_reconnect).to.equal(undefined);
  });

  it('a refresh token that cannot be decrypted is an explicit reconnect state, not an empty token', async () => {
    const deps = await googleDeps();
    const row = await connectRow(await makeUser(), { refresh_token: 'nacl:v1:deadbeef:AAAA' }, { expiresInMs: 0 });
    const result = await getAccessToken(deps, row.id);
    expect(result).to.include({ ok: false, needsReconnect: true });
    expect((await reload(row)).last_error).to.match(/cannot be decrypted|not in the sealed format/);
  });

  it('callGoogle refreshes once and repeats the call when Google rejects a token it thought valid (401)', async () => {
    const deps = await googleDeps();
    const row = await connectRow(await makeUser());
    nock(CALENDAR).get(EVENTS_PATH).query(true).matchHeader('authorization', `Bearer ${ACCESS}`).reply(401, { error: { code: 401, message: 'Invalid Credentials' } });
    nock(OAUTH2).post('/token').reply(200, { access_token: REFRESHED, expires_in: 3600 });
    nock(CALENDAR).get(EVENTS_PATH).query(true).matchHeader('authorization', `Bearer ${REFRESHED}`).reply(200, { items: [] });
    const res = await callGoogle(deps, row.id, (token) => deps.client.listEvents(token, 'primary', { maxResults: 1 }));
    expect(res.ok).to.equal(true);
    expect(nock.pendingMocks()).to.deep.equal([]);
  });

  it('an inactive row gives "Integration not configured" without calling Google', async () => {
    const deps = await googleDeps();
    const row = await connectRow(await makeUser(), { access_token: sealSecret(ACCESS) });
    await row.update({ is_active: false });
    expect(await getAccessToken(deps, row.id)).to.deep.equal({ ok: false, error: 'Integration not configured' });
  });
});
