import { and, asc, count, eq, isNull } from 'drizzle-orm';
import type { Db } from '../client';
import { members, roles } from '../schema';
import { type AuditEventRow, insertAuditEvent, insertAuditEventIfChanged } from './audit';

export type RoleRow = typeof roles.$inferSelect;
export type NewRoleRow = typeof roles.$inferInsert;

/** Every role of the organisation, oldest first. */
export function listRoles(db: Db, organisationId: string): Promise<RoleRow[]> {
  return db
    .select()
    .from(roles)
    .where(eq(roles.organisationId, organisationId))
    .orderBy(asc(roles.createdAt), asc(roles.name));
}

/** One role, or null when it does not exist in this organisation. */
export async function findRole(db: Db, organisationId: string, roleId: string) {
  const [row] = await db
    .select()
    .from(roles)
    .where(and(eq(roles.organisationId, organisationId), eq(roles.id, roleId)));
  return row ?? null;
}

/** The role with this name (ignoring case), or null. */
export async function findRoleByName(db: Db, organisationId: string, name: string) {
  const [row] = await db
    .select()
    .from(roles)
    .where(and(eq(roles.organisationId, organisationId), eq(roles.nameKey, name.toLowerCase())));
  return row ?? null;
}

/** How many active members hold the role. */
export async function countMembersWithRole(
  db: Db,
  organisationId: string,
  roleId: string
): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(members)
    .where(
      and(
        eq(members.organisationId, organisationId),
        eq(members.roleId, roleId),
        isNull(members.deletedAt)
      )
    );
  return row?.n ?? 0;
}

/** Inserts a custom role and its audit event in one batch. */
export async function insertRole(db: Db, role: NewRoleRow, audit: AuditEventRow) {
  await db.batch([db.insert(roles).values(role), insertAuditEvent(db, audit)]);
}

/** Applies changes to a role and records them, in one batch. */
export async function updateRole(
  db: Db,
  organisationId: string,
  roleId: string,
  changes: Partial<Pick<RoleRow, 'name' | 'nameKey' | 'description' | 'color' | 'permissions'>>,
  audit: AuditEventRow
) {
  const where = and(eq(roles.organisationId, organisationId), eq(roles.id, roleId));
  await db.batch([
    db.update(roles).set(changes).where(where),
    insertAuditEventIfChanged(db, audit),
  ]);
}

/** Hard-deletes a custom role and records it, in one batch. */
export async function deleteRole(
  db: Db,
  organisationId: string,
  roleId: string,
  audit: AuditEventRow
) {
  const where = and(eq(roles.organisationId, organisationId), eq(roles.id, roleId));
  await db.batch([db.delete(roles).where(where), insertAuditEventIfChanged(db, audit)]);
}
