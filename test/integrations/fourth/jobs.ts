// The fourth connector's one job: a nightly no-op that proves connector jobs reach the scheduler.
import type { Job } from '../../../src/integrations/api.js';

export const fourthJobs = (): Job[] => [{ name: 'fourth_nightly', rule: '0 0 3 * * *', run: async () => ({ pinged: 0 }) }];
