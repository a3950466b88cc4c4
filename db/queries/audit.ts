import type { Db } from '../client';
import { auditEvents } from '../schema';

export type AuditEventRow = typeof auditEvents.$inferInsert;

/**
 * The insert for one audit event, not yet run: callers put it in the same `db.batch` as the
 * change it records.
 */
export function insertAuditEvent(db: Db, event: AuditEventRow) {
  return db.insert(auditEvents).values(event);
}

/** Events about one resource, oldest first (for review and tests). */
export async function listAuditEventsFor(db: Db, organisationId: string, resourceId: string) {
  const rows = await db.query.auditEvents.findMany({
    where: (e, { and, eq }) =>
      and(eq(e.organisationId, organisationId), eq(e.resourceId, resourceId)),
    orderBy: (e, { asc }) => [asc(e.createdAt)],
  });
  return rows;
}
