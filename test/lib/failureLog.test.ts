import { expect } from 'chai';
import { FailureLog, formatDuration } from '../../src/lib/failureLog.js';

interface Line {
  level: 'warn' | 'info';
  fields: Record<string, unknown>;
  msg: string;
}

function recorder() {
  const lines: Line[] = [];
  const sink = {
    warn: (fields: Record<string, unknown>, msg: string) => void lines.push({ level: 'warn', fields, msg }),
    info: (fields: Record<string, unknown>, msg: string) => void lines.push({ level: 'info', fields, msg }),
  };
  return { lines, log: () => sink as never };
}

describe('lib/failureLog FailureLog', () => {
  it('turns 50 failures 20 s apart into the first warning, one summary per 5 minutes, and a recovery line', () => {
    const { lines, log } = recorder();
    let now = 1_000_000;
    const failures = new FailureLog({ log, now: () => now });
    for (let n = 0; n < 50; n++, now += 20_000) {
      failures.failed('Slack', 'outbound request to Slack', n < 40 ? 'getaddrinfo ENOTFOUND slack.com' : 'timeout after 10 s', { upstream: 'Slack' });
    }
    const warnings = lines.filter((l) => l.level === 'warn');
    expect(warnings.map((w) => w.msg)).to.deep.equal([
      'outbound request to Slack failed: getaddrinfo ENOTFOUND slack.com',
      'outbound request to Slack failed 15 more times in the last 5 min; last cause: getaddrinfo ENOTFOUND slack.com',
      'outbound request to Slack failed 15 more times in the last 5 min; last cause: getaddrinfo ENOTFOUND slack.com',
      'outbound request to Slack failed 15 more times in the last 5 min; last cause: timeout after 10 s',
    ]);
    expect(warnings[0].fields).to.deep.equal({ upstream: 'Slack', cause: 'getaddrinfo ENOTFOUND slack.com' });
    expect(warnings[3].fields).to.include({ upstream: 'Slack', failures: 15, failuresTotal: 46 });
    failures.succeeded('Slack', 'outbound request to Slack', { upstream: 'Slack' });
    expect(lines).to.have.length(5);
    expect(lines[4]).to.deep.equal({
      level: 'info',
      fields: { upstream: 'Slack', failuresTotal: 50, downMs: 1_000_000 },
      msg: 'outbound request to Slack works again (50 failures in 17 min)',
    });
  });

  it('says nothing on success when nothing failed, and starts a new episode after a recovery', () => {
    const { lines, log } = recorder();
    let now = 0;
    const failures = new FailureLog({ log, now: () => now });
    failures.succeeded('GitHub', 'outbound request to GitHub');
    expect(lines).to.have.length(0);
    failures.failed('GitHub', 'outbound request to GitHub', 'connect ECONNREFUSED 127.0.0.1:9');
    now += 1_000;
    failures.succeeded('GitHub', 'outbound request to GitHub');
    failures.failed('GitHub', 'outbound request to GitHub', 'connect ECONNREFUSED 127.0.0.1:9');
    expect(lines.map((l) => `${l.level} ${l.msg}`)).to.deep.equal([
      'warn outbound request to GitHub failed: connect ECONNREFUSED 127.0.0.1:9',
      'info outbound request to GitHub works again (1 failure in 1 s)',
      'warn outbound request to GitHub failed: connect ECONNREFUSED 127.0.0.1:9',
    ]);
  });

  it('keeps one episode per key: a second upstream failing gets its own first warning', () => {
    const { lines, log } = recorder();
    const failures = new FailureLog({ log, now: () => 0 });
    for (let n = 0; n < 3; n++) {
      failures.failed('Slack', 'outbound request to Slack', 'x');
      failures.failed('Google', 'outbound request to Google', 'y');
    }
    expect(lines.map((l) => l.msg)).to.deep.equal(['outbound request to Slack failed: x', 'outbound request to Google failed: y']);
  });

  it('formats durations in seconds, minutes and hours', () => {
    expect(formatDuration(0)).to.equal('0 s');
    expect(formatDuration(59_400)).to.equal('59 s');
    expect(formatDuration(300_000)).to.equal('5 min');
    expect(formatDuration(7_800_000)).to.equal('2 h 10 min');
    expect(formatDuration(7_200_000)).to.equal('2 h');
  });
});
