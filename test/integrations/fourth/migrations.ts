// The fourth connector's own table: one row per accepted webhook delivery. Applied by
// tt.migrate() after TimeTracker's migrations, logged as "fourth/0001-deliveries".
import type { ConnectorMigration } from '../../../src/integrations/api.js';

export const fourthMigrations: ConnectorMigration[] = [
  {
    name: '0001-deliveries',
    async up({ context: qi }) {
      await qi.sequelize.query(`
        CREATE TABLE IF NOT EXISTS fourth_deliveries (
          id SERIAL PRIMARY KEY,
          integration_id INTEGER NOT NULL REFERENCES integrations(id) ON DELETE CASCADE,
          bytes INTEGER NOT NULL,
          received_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )`);
    },
    async down({ context: qi }) {
      await qi.sequelize.query('DROP TABLE IF EXISTS fourth_deliveries');
    },
  },
];
