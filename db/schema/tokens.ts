import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { members, organisations } from './organisations';
import { serviceAccounts } from './service-accounts';

/**
 * Bearer tokens of every kind (`user` personal access tokens now, `service_account` tokens
 * later), in one table so authentication is one indexed lookup by digest.
 *
 * The bearer itself is never stored: `bearer_digest` is its SHA-256 (hex). The principal's X25519
 * private key is split in two; the server keeps only share B, wrapped under a key that exists
 * only inside the token string (`wrapped_key_share`), so the database alone opens nothing.
 */
export const tokens = sqliteTable(
  'tokens',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['user', 'service_account'] }).notNull(),
    /** The member this token acts as, for `user` tokens. */
    memberId: text('member_id').references(() => members.id),
    /** The service account this token acts as, for `service_account` tokens. */
    serviceAccountId: text('service_account_id').references(() => serviceAccounts.id),
    name: text('name').notNull(),
    bearerDigest: text('bearer_digest').notNull(),
    /** The principal's X25519 public key (hex), the Montgomery form of its identity key. */
    kxPublicKey: text('kx_public_key').notNull(),
    wrappedKeyShare: text('wrapped_key_share').notNull(),
    createdByMemberId: text('created_by_member_id'),
    createdByServiceAccountId: text('created_by_service_account_id'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at'),
    lastUsedAt: integer('last_used_at'),
    deletedAt: integer('deleted_at'),
  },
  (t) => [
    uniqueIndex('tokens_bearer_digest').on(t.bearerDigest),
    index('tokens_member').on(t.memberId),
    index('tokens_service_account').on(t.serviceAccountId),
  ]
);
