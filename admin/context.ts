// What the panel's server-side actions need from the running app: the config and database handle
// (the connector `deps`) and the connector list. createApp() passes it to buildAdmin(), so admin
// actions never read process.env and tests can run the panel with their own connectors.
import type { Sequelize } from 'sequelize';
import type { CoreConfig } from '../src/config.js';
import type { ConnectorDeps, ConnectorDescriptor } from '../src/integrations/types.js';
import type { Provider } from '../src/models/integration.js';

export interface AdminContext {
  config: Readonly<CoreConfig>;
  sequelize: Sequelize;
  connectors: readonly ConnectorDescriptor[];
}

export const depsOf = (ctx: AdminContext): ConnectorDeps => ({ config: ctx.config, sequelize: ctx.sequelize });

export function connectorFor(ctx: AdminContext, provider: Provider): ConnectorDescriptor | undefined {
  return ctx.connectors.find((c) => c.provider === provider);
}
