import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { networkAccessPolicies, networkPolicyAttachments } from '../schema';
import type { Holder } from './apps';
import { type AuditEventRow, insertAuditEvent } from './audit';

export type PolicyRow = typeof networkAccessPolicies.$inferSelect;

/** A policy as it travels with a token lookup: its id and canonical entries. */
export interface PolicyRef {
  id: string;
  ips: string[];
}

const scoped = (organisationId: string, id: string) =>
  and(eq(networkAccessPolicies.organisationId, organisationId), eq(networkAccessPolicies.id, id));

// The subqueries below are correlated with the token lookup's own tables by their literal,
// qualified names: inside a subquery an unqualified column would bind to the inner table.
const HOLDER_COLUMN = {
  member: { attachment: 'a.member_id', principal: '"members"."id"' },
  service_account: { attachment: 'a.service_account_id', principal: '"service_accounts"."id"' },
} as const;

/**
 * The policies attached to a principal, as JSON (`[{id, ips}]`), computed inside the token
 * lookup's own statement so enforcement costs no extra round trip.
 */
export function attachedPoliciesJson(kind: keyof typeof HOLDER_COLUMN): SQL<string> {
  const { attachment, principal } = HOLDER_COLUMN[kind];
  return sql<string>`(SELECT json_group_array(json_object('id', p.id, 'ips', json(p.allowed_ips)))
    FROM network_policy_attachments a JOIN network_access_policies p ON p.id = a.policy_id
    WHERE ${sql.raw(attachment)} = ${sql.raw(principal)})`;
}

/** The global policies of the token's organisation, as JSON, for the same statement. */
export function globalPoliciesJson(): SQL<string> {
  return sql<string>`(SELECT json_group_array(json_object('id', g.id, 'ips', json(g.allowed_ips)))
    FROM network_access_policies g
    WHERE g.organisation_id = "tokens"."organisation_id" AND g.is_global = 1)`;
}

/** Reads what the two subqueries above produced. */
export function parsePolicyRefs(json: string | null): PolicyRef[] {
  return json ? (JSON.parse(json) as PolicyRef[]) : [];
}

export function listPolicies(db: Db, organisationId: string): Promise<PolicyRow[]> {
  return db
    .select()
    .from(networkAccessPolicies)
    .where(eq(networkAccessPolicies.organisationId, organisationId))
    .orderBy(asc(networkAccessPolicies.createdAt));
}

export async function findPolicy(db: Db, organisationId: string, id: string) {
  const [row] = await db.select().from(networkAccessPolicies).where(scoped(organisationId, id));
  return row ?? null;
}

/** Policies of the organisation among `ids` (others simply do not come back). */
export function findPolicies(db: Db, organisationId: string, ids: string[]): Promise<PolicyRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(networkAccessPolicies)
    .where(
      and(
        eq(networkAccessPolicies.organisationId, organisationId),
        inArray(networkAccessPolicies.id, ids)
      )
    );
}

export async function insertPolicy(db: Db, row: PolicyRow, audit: AuditEventRow) {
  await db.batch([db.insert(networkAccessPolicies).values(row), insertAuditEvent(db, audit)]);
}

export async function updatePolicy(
  db: Db,
  organisationId: string,
  id: string,
  changes: Partial<PolicyRow>,
  audit: AuditEventRow
) {
  await db.batch([
    db.update(networkAccessPolicies).set(changes).where(scoped(organisationId, id)),
    insertAuditEvent(db, audit),
  ]);
}

export async function deletePolicy(
  db: Db,
  organisationId: string,
  id: string,
  audit: AuditEventRow
) {
  await db.batch([
    db.delete(networkPolicyAttachments).where(eq(networkPolicyAttachments.policyId, id)),
    db.delete(networkAccessPolicies).where(scoped(organisationId, id)),
    insertAuditEvent(db, audit),
  ]);
}

/** Replaces the full set of policies attached to a holder, in one batch. */
export async function replaceAttachments(
  db: Db,
  holder: Holder,
  policyIds: string[],
  audit: AuditEventRow
) {
  const mine =
    'memberId' in holder
      ? eq(networkPolicyAttachments.memberId, holder.memberId)
      : eq(networkPolicyAttachments.serviceAccountId, holder.serviceAccountId);
  const rows = policyIds.map((policyId) => ({
    id: crypto.randomUUID(),
    policyId,
    memberId: 'memberId' in holder ? holder.memberId : null,
    serviceAccountId: 'serviceAccountId' in holder ? holder.serviceAccountId : null,
  }));
  await db.batch([
    insertAuditEvent(db, audit),
    db.delete(networkPolicyAttachments).where(mine),
    ...rows.map((row) => db.insert(networkPolicyAttachments).values(row)),
  ]);
}
