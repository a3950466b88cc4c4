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
