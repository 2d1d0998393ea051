// The Google Calendar card in real Chromium, through the whole OAuth round trip: the browser's
// visit to Google's consent page is answered by a Playwright route (redirecting straight back to
// the callback), while the app's own calls to Google (token, userinfo, calendar, revoke) are
// answered by nock in this process.
import { expect } from 'chai';
import nock from 'nock';
import { Integration } from '../../src/models/index.js';
import { makeProject, makeUser } from '../factories.js';
import { freshPage, loginViaForm, screenshot, SUITE_TIMEOUT } from './support/browser.js';
import { browserSuite, waitForBadge, waitForText } from './support/suite.js';

const GOOGLE_ENV = { GOOGLE_CLIENT_ID: 'browser-test.apps.googleusercontent.com', GOOGLE_CLIENT_SECRET: 'browser-test-secret' };
const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar.events';

describe('Personal connectors page: Google Calendar (browser)', function () {
  this.timeout(SUITE_TIMEOUT);
  const s = browserSuite({ env: GOOGLE_ENV });

  it('connects through Google, saves preferences, tests, syncs and disconnects', async () => {
    const user = await makeUser();
    const project = await makeProject({ name: 'Meetings', members: [user] });
    const { page, watcher } = await freshPage(s.browser);
    let authQuery: URLSearchParams | null = null;
    // Playwright routes only the first URL of a redirect chain, so the app's /connect answer is
    // fetched here and Google's consent screen is replaced by an immediate redirect back.
    await page.route(`${s.srv.url}/integrations/google/connect`, async (route) => {
      const answer = await route.fetch({ maxRedirects: 0 });
      const location = new URL(answer.headers().location);
      expect(location.origin + location.pathname).to.equal('https://accounts.google.com/o/oauth2/v2/auth');
      authQuery = location.searchParams;
      const back = new URL(`${s.srv.url}/integrations/google/callback`);
      back.search = new URLSearchParams({ code: 'browser-code', state: authQuery.get('state') ?? '', scope: `openid email ${CALENDAR_SCOPE}` }).toString();
      await route.fulfill({ status: 302, headers: { location: back.toString() } });
    });
    const token = nock('https://oauth2.googleapis.com')
      .post('/token', (b) => b.code === 'browser-code' && typeof b.code_verifier === 'string')
      .reply(200, { access_token: 'ya29.browser-access', refresh_token: '1//browser-refresh', expires_in: 3600, token_type: 'Bearer', scope: `openid email ${CALENDAR_SCOPE}` });
    const userinfo = nock('https://openidconnect.googleapis.com').get('/v1/userinfo').reply(200, { email: 'uma@gmail.test' });

    await loginViaForm(page, s.srv.url, user.email);
    await page.goto(`${s.srv.url}/admin/pages/personal-connectors`, { waitUntil: 'domcontentloaded' });
    const card = page.getByTestId('card-google');
    await waitForBadge(card.getByTestId('card-google-badge'), 'not_connected');
    expect(await card.getByTestId('google-oauth-missing').count()).to.equal(0);

    await Promise.all([page.waitForURL(/google=connected/), card.getByTestId('google-connect').click()]);
    expect(authQuery!.get('code_challenge_method')).to.equal('S256');
    expect(token.isDone() && userinfo.isDone()).to.equal(true);
    await waitForText(card.getByTestId('google-result'), 'Google Calendar connected.');
    await waitForBadge(card.getByTestId('card-google-badge'), 'connected');
    await waitForText(card.getByTestId('google-account'), 'Connected as uma@gmail.test');

    await card.locator('#sync_direction').selectOption('both');
    await card.locator('#google_default_project_id').selectOption(String(project.id));
    await card.locator('#sync_days_back').fill('14');
    await card.getByTestId('google-save').click();
    await waitForText(card.getByTestId('google-result'), 'Google Calendar settings saved.');
    const row = (await Integration.findOne({ where: { provider: 'google_calendar_connector', user_id: user.id } }))!;
    expect(row.config).to.include({ sync_direction: 'both', default_project_id: project.id, sync_days_back: 14 });

    nock('https://www.googleapis.com').get('/calendar/v3/calendars/primary/events').query(true).reply(200, { summary: 'uma@gmail.test', items: [] });
    await card.getByTestId('google-test').click();
    await waitForText(card.getByTestId('google-result'), 'calendar "uma@gmail.test" is reachable');
    await screenshot(card, 'connectors-google');

    nock('https://www.googleapis.com').get('/calendar/v3/calendars/primary/events').query(true).reply(200, { items: [] });
    await card.getByTestId('google-sync').click();
    await waitForText(card.getByTestId('google-result'), /Sync finished: 0 imported, 0 exported/);
    await waitForText(card.getByTestId('google-last-sync'), 'success');

    nock('https://oauth2.googleapis.com').post('/revoke').reply(200, {});
    await card.getByTestId('google-disconnect').click();
    await waitForText(card.getByTestId('google-result'), 'Google Calendar disconnected. Your preferences are kept.');
    await waitForBadge(card.getByTestId('card-google-badge'), 'not_connected');
    expect(await card.getByTestId('google-connect').isEnabled()).to.equal(true);
    expect(await card.locator('#sync_direction').inputValue(), 'preferences are kept').to.equal('both');
    expect(watcher.errors).to.deep.equal([]);
  });

  it('shows the error the OAuth callback sends back', async () => {
    const user = await makeUser();
    const { page, watcher } = await freshPage(s.browser);
    await loginViaForm(page, s.srv.url, user.email);
    await page.goto(`${s.srv.url}/integrations/google/callback?error=access_denied&state=unknown`, { waitUntil: 'domcontentloaded' });
    await page.waitForURL(/google_error=/);
    const card = page.getByTestId('card-google');
    await waitForText(card.getByTestId('google-result'), 'Google Calendar was not connected: Google sign-in was not completed (access_denied)');
    expect(await card.getByTestId('google-result').getAttribute('data-kind')).to.equal('error');
    await waitForBadge(card.getByTestId('card-google-badge'), 'not_connected');
    expect(watcher.errors).to.deep.equal([]);
  });
});
