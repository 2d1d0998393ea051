import { expect } from 'chai';
import { configureLogger, redactToken, scrubText } from '../../src/lib/logger.js';
import { generateKey, Keyring } from '../../src/lib/secrets.js';
import { duplicateKeys } from '../support/jsonKeys.js';

/** Colour codes pino-pretty adds when the real stdout supports them. */
const ANSI = /\u001b\[[0-9;]*m/g;

describe('lib/logger redaction', () => {
  let lines: string[];
  let log: ReturnType<typeof configureLogger>;
  beforeEach(() => {
    lines = [];
    log = configureLogger({ level: 'info', destination: { write: (s: string) => void lines.push(s) } });
  });
  afterEach(() => configureLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));

  it('redacts secret keys at any of the first levels', () => {
    log.info(
      {
        password: 'hunter2hunter2',
        github_token: 'abc',
        config: { bot_token: 'tok', signing_secret: 'sig', nested: { refresh_token: 'rt', client_secret: 'cs' } },
        headers: { authorization: 'Bearer xyz', cookie: 'tt.sid=1' },
        user_id: 4,
      },
      'saving',
    );
    const entry = JSON.parse(lines[0]);
    expect(entry.password).to.equal('[redacted]');
    expect(entry.github_token).to.equal('[redacted]');
    expect(entry.config.bot_token).to.equal('[redacted]');
    expect(entry.config.signing_secret).to.equal('[redacted]');
    expect(entry.config.nested.refresh_token).to.equal('[redacted]');
    expect(entry.config.nested.client_secret).to.equal('[redacted]');
    expect(entry.headers.authorization).to.equal('[redacted]');
    expect(entry.headers.cookie).to.equal('[redacted]');
    expect(entry.user_id).to.equal(4);
    for (const s of ['hunter2', 'Bearer xyz', 'tt.sid=1']) expect(lines[0]).not.to.include(s);
  });

  it('logs an `err` that is not an Error (a string, undefined) instead of throwing, still scrubbed', () => {
    expect(() => log.warn({ err: 'connect failed for xoxb-123456-abcdefgh' }, 'string err')).not.to.throw();
    expect(() => log.warn({ err: undefined }, 'undefined err')).not.to.throw();
    expect(lines).to.have.length(2);
    expect(JSON.parse(lines[0]).err.message).to.equal('connect failed for xoxb-...');
  });

  it('shortens token-shaped values anywhere, in messages, fields and errors', () => {
    const sealed = new Keyring(generateKey()).encrypt('x');
    log.info({ note: `token ghp_abcdefghijklmnopqrstu and ${sealed}` }, 'got xoxb-123456-abcdefgh from Slack');
    log.error({ err: new Error('refresh failed for ya29.a0AfH6SMBx-secret and 1//0gLongRefreshTokenValue') }, 'oops');
    const all = lines.join('\n');
    for (const s of ['abcdefghijklmnopqrstu', '123456-abcdefgh', 'a0AfH6SMBx', 'LongRefreshTokenValue', sealed.split(':')[3]]) {
      expect(all).not.to.include(s);
    }
    expect(all).to.include('ghp_...').and.include('xoxb-...').and.include('ya29....').and.include('nacl:v1:...');
    expect(JSON.parse(lines[1]).err.message).to.equal('refresh failed for ya29.... and 1//0...');
  });

  it('redactToken keeps only a short prefix', () => {
    expect(redactToken('ghp_1234567890')).to.equal('ghp_...');
    expect(redactToken('github_pat_11ABCDEFG')).to.equal('github_pat_...');
    expect(redactToken('xoxb-1-2-3')).to.equal('xoxb-...');
    expect(redactToken('some-opaque-secret-value')).to.equal('some...');
    expect(redactToken('abc')).to.equal('...');
    expect(redactToken(null)).to.equal('');
    expect(scrubText('no secrets here')).to.equal('no secrets here');
  });
});

describe('lib/logger format', () => {
  let lines: string[];
  const sink = (isTTY: boolean) => ({ isTTY, write: (s: string) => void lines.push(s) });
  beforeEach(() => {
    lines = [];
  });
  afterEach(() => configureLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', format: 'auto' }));

  it('writes readable lines to a terminal: time, level, message, fields; secrets still redacted', () => {
    const log = configureLogger({ level: 'info', format: 'auto', destination: sink(true) });
    log.warn({ upstream: 'Slack', bot_token: 'xoxb-123456-abcdef', cause: 'getaddrinfo ENOTFOUND slack.com' }, 'outbound request to Slack failed');
    expect(lines).to.have.length(1);
    const line = lines[0].replace(ANSI, '');
    expect(() => JSON.parse(line)).to.throw();
    expect(line).to.match(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: outbound request to Slack failed /);
    expect(line).to.include('"upstream":"Slack"').and.include('getaddrinfo ENOTFOUND slack.com');
    expect(line).to.include('"bot_token":"[redacted]"').and.not.include('123456-abcdef');
    expect(line).not.to.include('timetracker');
    expect(line.endsWith('\n')).to.equal(true);
  });

  it('writes one JSON object per line elsewhere (a pipe, a file), or when told to', () => {
    configureLogger({ level: 'info', format: 'auto', destination: sink(false) }).info({ port: 3000 }, 'listening');
    configureLogger({ format: 'json', destination: sink(true) }).info({ port: 3001 }, 'listening');
    expect(lines.map((l) => JSON.parse(l))).to.deep.include.members([
      { level: 30, time: JSON.parse(lines[0]).time, service: 'timetracker', port: 3000, msg: 'listening' },
      { level: 30, time: JSON.parse(lines[1]).time, service: 'timetracker', port: 3001, msg: 'listening' },
    ]);
  });

  it('LOG_FORMAT=pretty gives readable lines without colours even when not a terminal', () => {
    configureLogger({ level: 'info', format: 'pretty', destination: sink(false) }).info('hello');
    expect(lines[0]).to.match(/^\[[\d:.]+\] INFO: hello\n$/);
  });

  it('duplicateKeys (the checker the next tests use) finds a key written twice', () => {
    expect(duplicateKeys('{"a":1,"b":{"c":[{"d":1,"d":2}]},"a":"x"}')).to.deep.equal(['b.c.0.d', 'a']);
    expect(duplicateKeys('{"a":"say \\"a\\":1","b":[1,2,{}]}')).to.deep.equal([]);
  });

  it('never writes a key twice: the logger\'s own `service` and a caller\'s fields', () => {
    const log = configureLogger({ level: 'info', format: 'json', destination: sink(false) });
    log.info({ upstream: 'Slack', nested: { service: 'x' } }, 'one');
    log.child({ job: 'slack_outbox' }).warn({ err: new Error('boom') }, 'two');
    for (const line of lines) expect(duplicateKeys(line.trim()), line).to.deep.equal([]);
  });
});
