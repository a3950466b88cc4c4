import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * One row per mutation, written in the same batch as the change it describes, so the log can
 * never claim a change that did not happen or miss one that did. Values hold names and roles,
 * never secret material. No foreign keys: events outlive what they describe.
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id').notNull(),
    /** C(reate), U(pdate), D(elete) or A(ccess change). */
    eventType: text('event_type', { enum: ['C', 'U', 'D', 'A'] }).notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    /** `member`, `service_account` or `operator` (the bootstrap secret). */
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    actorTokenId: text('actor_token_id'),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    oldValues: text('old_values'),
    newValues: text('new_values'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('audit_events_organisation_time').on(t.organisationId, t.createdAt)]
);
