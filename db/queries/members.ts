import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../client';
import { environmentKeys, members, roles, serviceAccountHandlers, tokens } from '../schema';
import { type AuditEventRow, insertAuditEvent, insertAuditEventIfChanged } from './audit';

export type MemberRow = typeof members.$inferSelect;
export type NewMemberRow = typeof members.$inferInsert;
export type NewTokenRow = typeof tokens.$inferInsert;

/** A member with the role it holds. */
export interface MemberWithRole {
  member: MemberRow;
  role: typeof roles.$inferSelect;
}

const active = (organisationId: string) =>
  and(eq(members.organisationId, organisationId), isNull(members.deletedAt));

/** Active members, oldest first. */
export function listMembers(db: Db, organisationId: string): Promise<MemberWithRole[]> {
  return db
    .select({ member: members, role: roles })
    .from(members)
    .innerJoin(roles, eq(roles.id, members.roleId))
    .where(active(organisationId))
    .orderBy(asc(members.createdAt), asc(members.email));
}

/** One active member of the organisation, or null (removed members are not found). */
export async function findMember(
  db: Db,
  organisationId: string,
  memberId: string
): Promise<MemberWithRole | null> {
  const [row] = await db
    .select({ member: members, role: roles })
    .from(members)
    .innerJoin(roles, eq(roles.id, members.roleId))
    .where(and(active(organisationId), eq(members.id, memberId)));
  return row ?? null;
}

/** Whether an active member already uses this email. */
export async function isEmailTaken(db: Db, organisationId: string, email: string) {
  const [row] = await db
    .select({ id: members.id })
    .from(members)
    .where(and(active(organisationId), eq(members.email, email)));
  return row !== undefined;
}

/** Inserts a member, its first token if any, and the audit event, in one batch. */
export async function insertMember(
  db: Db,
  member: NewMemberRow,
  firstToken: NewTokenRow | null,
  audit: AuditEventRow
) {
  const token = firstToken ? [db.insert(tokens).values(firstToken)] : [];
  await db.batch([db.insert(members).values(member), ...token, insertAuditEvent(db, audit)]);
}

/** Gives a member another role and records it, in one batch. */
export async function updateMemberRole(
  db: Db,
  organisationId: string,
  memberId: string,
  roleId: string,
  nowMs: number,
  audit: AuditEventRow
) {
  const where = and(active(organisationId), eq(members.id, memberId));
  await db.batch([
    db.update(members).set({ roleId, updatedAt: nowMs }).where(where),
    insertAuditEventIfChanged(db, audit),
  ]);
}

/**
 * Removes a member: soft-deletes the membership and every token it holds in one batch, so the
 * member's tokens fail on the very next request.
 */
export async function removeMember(
  db: Db,
  organisationId: string,
  memberId: string,
  nowMs: number,
  audit: AuditEventRow
) {
  const ownTokens = and(
    eq(tokens.organisationId, organisationId),
    eq(tokens.memberId, memberId),
    isNull(tokens.deletedAt)
  );
  await db.batch([
    db.update(tokens).set({ deletedAt: nowMs }).where(ownTokens),
    // A removed member keeps no wrap of anything: environment keys blanked, keyring wraps gone.
    db
      .update(environmentKeys)
      .set({ wrappedSeed: '', wrappedSalt: '', deletedAt: nowMs, updatedAt: nowMs })
      .where(and(eq(environmentKeys.memberId, memberId), isNull(environmentKeys.deletedAt))),
    db.delete(serviceAccountHandlers).where(eq(serviceAccountHandlers.memberId, memberId)),
    db
      .update(members)
      .set({ deletedAt: nowMs, updatedAt: nowMs })
      .where(and(active(organisationId), eq(members.id, memberId))),
    insertAuditEventIfChanged(db, audit),
  ]);
}
