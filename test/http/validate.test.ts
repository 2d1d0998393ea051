// Request validation (src/http/middleware/validate.ts): every invalid field is reported at once,
// as one 400 whose `error` lists them and whose `fields` map names each one.
import { expect } from 'chai';
import { z } from 'zod';
import { AppError } from '../../src/errors.js';
import { checkInput, parseInput } from '../../src/validation/validate.js';
import { TimeEntry } from '../../src/models/index.js';
import { makeProject, makeUser } from '../factories.js';
import { loginAs, useTestServer } from '../support/server.js';

describe('request validation', () => {
  describe('checkInput / parseInput', () => {
    const schema = z.object({ name: z.string().min(1, 'is required'), age: z.coerce.number({ invalid_type_error: 'must be a number' }), tags: z.array(z.string()) }).strict();

    it('collects every invalid field, the first problem of each', () => {
      const checked = checkInput(schema, { name: '', age: 'x', tags: [1], extra: 1, other: 2 });
      expect(checked).to.deep.equal({
        ok: false,
        fields: { name: 'is required', age: 'must be a number', 'tags.0': 'Expected string, received number', extra: 'is not a known field', other: 'is not a known field' },
        general: [],
      });
    });

    it('throws one 400 that lists them all, with the fields map', () => {
      try {
        parseInput(schema, { age: 'x', tags: [] });
        expect.fail('parseInput accepted bad input');
      } catch (err) {
        expect(err).to.be.instanceOf(AppError);
        const e = err as AppError;
        expect(e.status).to.equal(400);
        expect(e.message).to.equal('name: is required; age: must be a number');
        expect(e.extra.fields).to.deep.equal({ name: 'is required', age: 'must be a number' });
      }
    });
  });

  describe('POST /api/time-entries', () => {
    const srv = useTestServer();

    it('answers 400 listing every invalid field, each in `fields`, and creates nothing', async () => {
      const user = await makeUser();
      await makeProject({ members: [user] });
      const c = await loginAs(srv, user);
      const res = await c.post('/api/time-entries', { project_id: 'abc', start_time: 'yesterday', billable: 'maybe' });
      expect(res.status).to.equal(400);
      expect(res.body.fields).to.deep.equal({
        project_id: 'must be a number',
        start_time: 'must be an ISO 8601 date-time',
        end_time: 'is required',
        billable: 'must be true or false',
      });
      expect(res.body.error).to.equal('project_id: must be a number; start_time: must be an ISO 8601 date-time; end_time: is required; billable: must be true or false');
      expect(await TimeEntry.count()).to.equal(0);
    });
  });
});
