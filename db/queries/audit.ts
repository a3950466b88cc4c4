import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { auditEvents } from '../schema';
import { insertWhere } from './conditional-insert';

export type AuditEventRow = typeof auditEvents.$inferInsert;

/**
 * The insert for one audit event, not yet run: callers put it in the same `db.batch` as the
 * change it records.
 */
export function insertAuditEvent(db: Db, event: AuditEventRow) {
  return db.insert(auditEvents).values(event);
}

/**
 * The insert for an audit event of the statement just before it in the batch, made only if that
 * statement changed a row (SQLite's `changes()`): a guarded update that found nothing to change,
 * such as a role change for a member removed meanwhile, leaves no event claiming it happened.
 */
export function insertAuditEventIfChanged(db: Db, event: AuditEventRow) {
  const row = {
    actorId: null,
    actorTokenId: null,
    ipAddress: null,
    userAgent: null,
    oldValues: null,
    newValues: null,
    ...event,
  };
  return insertWhere(db, auditEvents, row, sql`changes() > 0`);
}
