import { expect } from 'chai';
import fs from 'node:fs';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../src/config.js';
import { generateKey } from '../src/lib/secrets.js';

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  expect.fail('loadConfig accepted an invalid environment');
}

describe('config', () => {
  it('has working defaults for development', () => {
    const c = loadConfig({});
    expect(c).to.include({ nodeEnv: 'development', port: 3000, baseUrl: 'http://localhost:3000', jobsEnabled: true, secureCookies: false, logLevel: 'info' });
    expect(c.databaseUrl).to.equal(undefined);
    expect(c.githubApiUrl).to.equal('https://api.github.com');
    expect(c.slackApiUrl).to.equal('https://slack.com/api');
    expect(c.google.tokenUrl).to.equal('https://oauth2.googleapis.com/token');
    expect(Object.isFrozen(c)).to.equal(true);
  });

  it('lists every problem at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      BASE_URL: 'not a url',
      LOG_LEVEL: 'loud',
      JOBS_ENABLED: 'maybe',
      SESSION_SECRET: 'short',
      ADMIN_EMAIL: 'nobody',
      ADMIN_PASSWORD: 'x',
      GITHUB_API_URL: 'ftp//broken',
    });
    const fields = problems.map((p) => p.split(':')[0]);
    expect(fields).to.include.members(['PORT', 'BASE_URL', 'LOG_LEVEL', 'JOBS_ENABLED', 'SESSION_SECRET', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'GITHUB_API_URL']);
    const err = (() => {
      try {
        loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err!.message).to.match(/Invalid configuration:\n {2}- PORT: .*\n {2}- LOG_LEVEL: /);
  });

  it('lists problems between variables next to problems of single variables', () => {
    const problems = problemsOf({ NODE_ENV: 'production', PORT: 'abc', GOOGLE_CLIENT_ID: 'id' });
    expect(problems.map((p) => p.split(':')[0])).to.have.members(['PORT', 'SESSION_SECRET', 'SETTINGS_ENCRYPTION_KEY', 'GOOGLE_CLIENT_SECRET']);
  });

  it('production refuses to start without SESSION_SECRET and SETTINGS_ENCRYPTION_KEY (both named)', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.some((p) => p.startsWith('SESSION_SECRET: is required in production'))).to.equal(true);
    expect(problems.some((p) => p.startsWith('SETTINGS_ENCRYPTION_KEY: is required in production'))).to.equal(true);
    const ok = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), SETTINGS_ENCRYPTION_KEY: generateKey() });
    expect(ok.nodeEnv).to.equal('production');
  });

  it('refuses a partial Google OAuth configuration, naming the missing variable', () => {
    expect(problemsOf({ GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com' })).to.deep.equal([
      'GOOGLE_CLIENT_SECRET: GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set together',
    ]);
    expect(problemsOf({ GOOGLE_CLIENT_SECRET: 'shh' })[0]).to.match(/^GOOGLE_CLIENT_ID: /);
    const both = loadConfig({ GOOGLE_CLIENT_ID: 'id', GOOGLE_CLIENT_SECRET: 'secret' });
    expect(both.google).to.include({ clientId: 'id', clientSecret: 'secret' });
  });

  it('checks SETTINGS_ENCRYPTION_KEY holds base64 32-byte keys', () => {
    expect(problemsOf({ SETTINGS_ENCRYPTION_KEY: `${generateKey()},c2hvcnQ=` })).to.deep.equal([
      'SETTINGS_ENCRYPTION_KEY: key 2 must be base64 of exactly 32 bytes (got 5)',
    ]);
  });

  it('refuses ADMIN_EMAIL without ADMIN_PASSWORD', () => {
    expect(problemsOf({ ADMIN_EMAIL: 'boss@example.com' })[0]).to.match(/^ADMIN_PASSWORD: /);
  });

  it('defaults BASE_URL to localhost on PORT', () => {
    expect(loadConfig({ PORT: '8080' }).baseUrl).to.equal('http://localhost:8080');
    expect(loadConfig({ PORT: '8080', BASE_URL: 'https://tt.example.com' }).baseUrl).to.equal('https://tt.example.com');
  });

  it('parses booleans, trims base URLs and derives Secure cookies from an https BASE_URL', () => {
    expect(loadConfig({ JOBS_ENABLED: 'false' }).jobsEnabled).to.equal(false);
    expect(loadConfig({ JOBS_ENABLED: 'off' }).jobsEnabled).to.equal(false);
    expect(loadConfig({ JOBS_ENABLED: '1' }).jobsEnabled).to.equal(true);
    const c = loadConfig({ BASE_URL: 'https://tt.example.com/', GITHUB_API_URL: 'https://ghe.example.com/api/v3/' });
    expect(c.baseUrl).to.equal('https://tt.example.com');
    expect(c.githubApiUrl).to.equal('https://ghe.example.com/api/v3');
    expect(c.secureCookies).to.equal(true);
  });

  it('treats empty variables as unset', () => {
    const c = loadConfig({ DATABASE_URL: '', SESSION_SECRET: '  ', ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    expect(c.databaseUrl).to.equal(undefined);
    expect(c.sessionSecret).to.equal(undefined);
  });

  it('every variable is documented in .env.example and README.md', () => {
    const example = fs.readFileSync('.env.example', 'utf8');
    const readme = fs.readFileSync('README.md', 'utf8');
    expect(CONFIG_VARIABLES).to.include.members(['PORT', 'DATABASE_URL', 'SETTINGS_ENCRYPTION_KEY', 'JOBS_ENABLED']);
    for (const name of CONFIG_VARIABLES) {
      expect(example, `.env.example lacks ${name}`).to.match(new RegExp(`^#? ?${name}=`, 'm'));
      expect(readme, `README.md lacks ${name}`).to.include(`\`${name}\``);
    }
  });
});
