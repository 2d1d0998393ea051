// What a connector may use: the one entry module for code that defines a connector (the built-in
// ones import the same pieces from their own modules). A connector outside src/integrations imports
// only from here; anything it needs that is not here is a gap to add here, not a deep import.
export type { ConnectorAction, ConnectorCard, ConnectorDeps, ConnectorDescriptor, ConnectorIdentity, ConnectorMigration, ConnectorResult } from './types.js';
export type { Job, JobContext } from '../jobs/scheduler.js';
export type { Integration, User } from '../models/index.js';
export { authedConnectorRouter, registerUniformRoutes, type ConnectorRouter, type UniformHandlers } from './routes.js';
export {
  findActiveIntegration, findIntegration, getOrCreateIntegration, mergeConfig, NOT_CONFIGURED, notConfigured, publicConfig, readSecret, syncFields,
} from './connector.js';
export { healthFields, recordFailure, recordSuccess, resetOnChange } from './health.js';
export { currentUser } from '../web/auth.js';
export { rawBody } from '../web/body.js';
export { parseInput } from '../validation/validate.js';
export { unauthorized, validation } from '../errors.js';
