// Mocha root hooks: one database for the run, the network closed except loopback, and every
// test starting from empty tables.
import nock from 'nock';
import { events } from '../src/events.js';
import { closeTestDb, resetDb, testDb } from './support/db.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    nock.disableNetConnect();
    nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host));
    await testDb();
  },
  async beforeEach() {
    await resetDb();
  },
  afterEach() {
    nock.cleanAll();
  },
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    events.clear();
    await closeTestDb();
    nock.enableNetConnect();
  },
};
