import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { members, organisations, roles } from './organisations';

/**
 * Service accounts: non-human members with their own Ed25519 identity. Deletion is soft, and
 * takes the account's tokens, handler rows and server-side keyring with it in one batch.
 */
export const serviceAccounts = sqliteTable(
  'service_accounts',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** Null only for deleted accounts whose custom role was deleted after them. */
    roleId: text('role_id').references(() => roles.id, { onDelete: 'set null' }),
    /** Ed25519 public key (hex): Phase's `identity_key`. */
    identityKey: text('identity_key').notNull(),
    createdByMemberId: text('created_by_member_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [
    index('service_accounts_organisation').on(t.organisationId, t.deletedAt),
    index('service_accounts_role').on(t.roleId),
  ]
);

/**
 * The server-side copy of a keyring, present exactly when the account uses server-side KMS.
 * `envelope` is our KMS envelope (`kms:v1:<version>:...`) over the keyring JSON, bound to the
 * organisation, the account and the purpose; `key_version` repeats the root-key version so
 * rotation can find what still needs re-wrapping with an index.
 */
export const serviceAccountKeyrings = sqliteTable(
  'service_account_keyrings',
  {
    serviceAccountId: text('service_account_id')
      .primaryKey()
      .references(() => serviceAccounts.id),
    organisationId: text('organisation_id').notNull(),
    envelope: text('envelope').notNull(),
    keyVersion: integer('key_version').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('service_account_keyrings_version').on(t.keyVersion)]
);

/**
 * Handlers: members holding the account's keyring wrapped (`ph:v1`) to their own X25519 key.
 * The server stores these wraps and never opens them. Replaced as a set, never edited.
 */
export const serviceAccountHandlers = sqliteTable(
  'service_account_handlers',
  {
    id: text('id').primaryKey(),
    serviceAccountId: text('service_account_id')
      .notNull()
      .references(() => serviceAccounts.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    wrappedKeyring: text('wrapped_keyring').notNull(),
    wrappedRecovery: text('wrapped_recovery').notNull().default(''),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    uniqueIndex('service_account_handlers_pair').on(t.serviceAccountId, t.memberId),
    index('service_account_handlers_member').on(t.memberId),
  ]
);
