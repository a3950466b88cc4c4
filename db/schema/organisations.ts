import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** A tenant. Every other row belongs to exactly one, and every lookup is scoped by it. */
export const organisations = sqliteTable('organisations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** UTC epoch milliseconds, as every timestamp column. */
  createdAt: integer('created_at').notNull(),
});

/**
 * Roles: the five managed ones (whose permissions come from code, so `permissions` is `{}`) and
 * custom ones (whose `permissions` is the stored policy JSON). Custom roles are hard-deleted.
 */
export const roles = sqliteTable(
  'roles',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** `lower(name)`: names are unique per organisation ignoring case. */
    nameKey: text('name_key').notNull(),
    description: text('description').notNull().default(''),
    color: text('color').notNull().default(''),
    isDefault: integer('is_default', { mode: 'boolean' }).notNull(),
    /** Policy JSON `{permissions, app_permissions}`; `{}` for managed roles. */
    permissions: text('permissions').notNull().default('{}'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('roles_organisation_name_key').on(t.organisationId, t.nameKey)]
);

/**
 * Human members. `identity_key` is the member's Ed25519 public key (hex); the server never holds
 * the private half, even when it generated it. Removal is a soft delete.
 */
export const members = sqliteTable(
  'members',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    /** Null only for removed members whose custom role was deleted after they left. */
    roleId: text('role_id').references(() => roles.id, { onDelete: 'set null' }),
    email: text('email').notNull(),
    username: text('username').notNull(),
    fullName: text('full_name'),
    identityKey: text('identity_key'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [
    uniqueIndex('members_organisation_email_active')
      .on(t.organisationId, t.email)
      .where(sql`${t.deletedAt} IS NULL`),
    index('members_role').on(t.roleId),
  ]
);
