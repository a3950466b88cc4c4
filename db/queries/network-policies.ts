import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { networkAccessPolicies, networkPolicyAttachments } from '../schema';
import type { Holder } from './apps';
import { type AuditEventRow, insertAuditEvent, insertAuditEventIfChanged } from './audit';

export type PolicyRow = typeof networkAccessPolicies.$inferSelect;

/** A policy as it travels with a token lookup: its id and canonical entries. */
export interface PolicyRef {
  id: string;
  ips: string[];
}

const scoped = (organisationId: string, id: string) =>
  and(eq(networkAccessPolicies.organisationId, organisationId), eq(networkAccessPolicies.id, id));

/** Reads the policies a token lookup returns as JSON (principals.ts). */
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
    insertAuditEventIfChanged(db, audit),
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
    insertAuditEventIfChanged(db, audit),
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
