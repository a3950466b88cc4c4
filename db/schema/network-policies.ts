import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { members, organisations } from './organisations';
import { serviceAccounts } from './service-accounts';

/**
 * Network access policies: allow lists of addresses and CIDR ranges, stored canonical (JSON
 * array of strings). A global policy binds every principal of the organisation that has no
 * policy of its own. Deleting a policy is a hard delete, attachments with it.
 */
export const networkAccessPolicies = sqliteTable(
  'network_access_policies',
  {
    id: text('id').primaryKey(),
    organisationId: text('organisation_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    allowedIps: text('allowed_ips').notNull(),
    isGlobal: integer('is_global', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('network_access_policies_global').on(t.organisationId, t.isGlobal)]
);

/** Which policies bind which principal: a member or a service account, one per row. */
export const networkPolicyAttachments = sqliteTable(
  'network_policy_attachments',
  {
    id: text('id').primaryKey(),
    policyId: text('policy_id')
      .notNull()
      .references(() => networkAccessPolicies.id, { onDelete: 'cascade' }),
    memberId: text('member_id').references(() => members.id),
    serviceAccountId: text('service_account_id').references(() => serviceAccounts.id),
  },
  (t) => [
    uniqueIndex('network_policy_attachments_member').on(t.policyId, t.memberId),
    uniqueIndex('network_policy_attachments_service_account').on(t.policyId, t.serviceAccountId),
    index('network_policy_attachments_by_member').on(t.memberId),
    index('network_policy_attachments_by_service_account').on(t.serviceAccountId),
  ]
);
