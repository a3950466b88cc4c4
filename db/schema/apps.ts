import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { members, organisations } from './organisations';
import { serviceAccounts } from './service-accounts';

/** Apps: end-to-end encrypted (the server never sees a seed) or server-side encrypted (SSE). */
export const apps = sqliteTable(
  'apps',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    sseEnabled: integer('sse_enabled', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [index('apps_organisation').on(t.organisationId, t.deletedAt)]
);

/**
 * Environments. `identity_key` is the environment's X25519 public key (from its seed); the seed
 * and salt themselves live only wrapped, per holder, in `environment_keys`.
 */
export const environments = sqliteTable(
  'environments',
  {
    id: text('id').primaryKey(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id),
    organisationId: text('organisation_id').notNull(),
    name: text('name').notNull(),
    /** `lower(name)`: unique per app ignoring case. */
    nameKey: text('name_key').notNull(),
    envType: text('env_type', { enum: ['dev', 'staging', 'prod', 'custom'] }).notNull(),
    position: integer('position').notNull(),
    identityKey: text('identity_key').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [
    uniqueIndex('environments_app_name').on(t.appId, t.nameKey).where(sql`${t.deletedAt} IS NULL`),
  ]
);

/**
 * SSE apps only: the environment's seed and salt in KMS envelopes, so the server can encrypt,
 * compute digests and wrap the environment for new holders.
 */
export const serverEnvironmentKeys = sqliteTable(
  'server_environment_keys',
  {
    environmentId: text('environment_id')
      .primaryKey()
      .references(() => environments.id),
    organisationId: text('organisation_id').notNull(),
    seedEnvelope: text('seed_envelope').notNull(),
    saltEnvelope: text('salt_envelope').notNull(),
    keyVersion: integer('key_version').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('server_environment_keys_version').on(t.keyVersion)]
);

/**
 * One holder's copy of an environment: seed and salt (hex strings) as `ph:v1` envelopes to the
 * holder's X25519 key. Holding a live row is what environment access means. Revocation blanks
 * the envelopes as it soft-deletes the row.
 */
export const environmentKeys = sqliteTable(
  'environment_keys',
  {
    id: text('id').primaryKey(),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id),
    organisationId: text('organisation_id').notNull(),
    memberId: text('member_id').references(() => members.id),
    serviceAccountId: text('service_account_id').references(() => serviceAccounts.id),
    /** The environment's public key, as Phase's EnvironmentKey carries it. */
    identityKey: text('identity_key').notNull(),
    wrappedSeed: text('wrapped_seed').notNull(),
    wrappedSalt: text('wrapped_salt').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [
    uniqueIndex('environment_keys_member')
      .on(t.environmentId, t.memberId)
      .where(sql`${t.memberId} IS NOT NULL AND ${t.deletedAt} IS NULL`),
    uniqueIndex('environment_keys_service_account')
      .on(t.environmentId, t.serviceAccountId)
      .where(sql`${t.serviceAccountId} IS NOT NULL AND ${t.deletedAt} IS NULL`),
    index('environment_keys_service_account_live').on(t.serviceAccountId, t.deletedAt),
    index('environment_keys_member_live').on(t.memberId, t.deletedAt),
  ]
);

/**
 * Secrets as ciphertext (`ph:v1` to the environment key) with the key digest that finds them.
 * Unique per environment, path and digest among live secrets.
 */
export const secrets = sqliteTable(
  'secrets',
  {
    id: text('id').primaryKey(),
    environmentId: text('environment_id')
      .notNull()
      .references(() => environments.id),
    organisationId: text('organisation_id').notNull(),
    path: text('path').notNull(),
    key: text('key').notNull(),
    keyDigest: text('key_digest').notNull(),
    value: text('value').notNull(),
    comment: text('comment').notNull(),
    /** JSON array of tag names. */
    tags: text('tags').notNull().default('[]'),
    type: text('type', { enum: ['secret', 'sealed', 'config'] })
      .notNull()
      .default('secret'),
    version: integer('version').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    deletedAt: integer('deleted_at'),
  },
  (t) => [
    uniqueIndex('secrets_environment_path_digest')
      .on(t.environmentId, t.path, t.keyDigest)
      .where(sql`${t.deletedAt} IS NULL`),
    index('secrets_environment_live').on(t.environmentId, t.deletedAt),
  ]
);
