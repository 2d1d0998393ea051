// The connector registry (src/integrations/index.ts) and what derives from it (catalog.ts).
import { expect } from 'chai';
import { entrySources, IDENTITY_FIELDS, identityProblems, publicListing, secretKeysOf } from '../../src/integrations/catalog.js';
import { connectors } from '../../src/integrations/index.js';
import { fourthConnector } from './fourth/index.js';

describe('the connector registry (src/integrations/index.ts)', () => {
  it('every descriptor has every identity field', () => {
    for (const c of connectors) {
      for (const field of IDENTITY_FIELDS) expect(c[field], `${c.slug}.${field}`).to.not.equal(undefined);
      expect(c.title, c.slug).to.be.a('string').and.not.equal('');
      expect(c.secretKeys, c.slug).to.be.an('array').that.is.not.empty;
      expect(c.card.name, c.slug).to.match(/^[A-Z]\w+Card$/);
      expect(c.card.path, c.slug).to.match(/^\//);
      expect(c.card.testLabel, c.slug).to.be.a('string').and.not.equal('');
      expect(c.routers, c.slug).to.be.a('function');
    }
  });

  it('no two connectors share a provider, slug, source or card name', () => {
    for (const field of ['provider', 'slug', 'source'] as const) expect(new Set(connectors.map((c) => c[field])).size, field).to.equal(connectors.length);
    expect(new Set(connectors.map((c) => c.card.name)).size).to.equal(connectors.length);
    expect(identityProblems(connectors)).to.deep.equal([]);
  });

  it('keeps the built-in identities and their order', () => {
    expect(connectors.map((c) => [c.provider, c.slug, c.title, c.source])).to.deep.equal([
      ['github_connector', 'github', 'GitHub', 'github'],
      ['google_calendar_connector', 'google', 'Google Calendar', 'google_calendar'],
      ['slack_connector', 'slack', 'Slack', 'slack'],
    ]);
    expect(connectors.find((c) => c.slug === 'github')!.adminOnlyActions).to.deep.equal(['syncNow']);
    expect(connectors.find((c) => c.slug === 'slack')!.card.testLabel).to.equal('Send test message');
  });

  it('derives secret keys, entry sources and the public listing from a list', () => {
    expect(secretKeysOf(connectors, 'slack_connector')).to.deep.equal(['bot_token', 'signing_secret']);
    expect(secretKeysOf(connectors, 'nobody')).to.deep.equal([]);
    expect(entrySources([...connectors, fourthConnector])).to.deep.equal(['manual', 'timer', 'api', 'github', 'google_calendar', 'slack', 'fourth']);
    expect(publicListing([fourthConnector])).to.deep.equal([{ slug: 'fourth', title: 'Fourth', provider: 'fourth_connector', card: 'FourthCard', test_label: 'Test connection' }]);
  });

  it('names every problem of a bad list: duplicates, malformed and missing fields, host sources', () => {
    const copy = { ...fourthConnector, title: 'Copy' };
    const bad = { ...fourthConnector, title: 'Bad', provider: 'Bad Provider', slug: 'bad', source: 'manual', card: { ...fourthConnector.card, name: 'BadCard' }, adminOnlyActions: undefined as never };
    const problems = identityProblems([fourthConnector, copy, bad]);
    expect(problems).to.include('Copy: provider "fourth_connector" is already used by Fourth');
    expect(problems).to.include('Copy: slug "fourth" is already used by Fourth');
    expect(problems).to.include('Copy: source "fourth" is already used by Fourth');
    expect(problems).to.include('Copy: card "FourthCard" is already used by Fourth');
    expect(problems).to.include('Bad: adminOnlyActions is missing');
    expect(problems).to.include('Bad: provider "Bad Provider" must be lower snake case, at most 40 characters');
    expect(problems).to.include('Bad: source "manual" belongs to the host');
  });
});
