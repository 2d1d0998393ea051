// Model options for TimeTracker's own tables, spelled out so they hold whatever `define` defaults
// the host's Sequelize instance was created with.
export const OWN_TABLE = { underscored: true, timestamps: true, createdAt: 'created_at', updatedAt: 'updated_at' } as const;
