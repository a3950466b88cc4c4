/**
 * Builds audit events. Values describe names, roles and ids only: callers pass what changed in
 * plain terms, and nothing here ever receives key material or bearers.
 */
import type { AuditEventRow } from '../../db/queries/audit';
import type { Actor } from '../auth/principal';

export type AuditEventType = 'C' | 'U' | 'D' | 'A';

/** What an event is about; Phase's names where Phase has one (`sa`, `sa_token`, `pat`, ...). */
export type AuditResourceType =
  | 'organisation'
  | 'member'
  | 'role'
  | 'pat'
  | 'sa'
  | 'sa_token'
  | 'app'
  | 'env'
  | 'policy';

export interface AuditDetails {
  eventType: AuditEventType;
  resourceType: AuditResourceType;
  resourceId: string;
  oldValues?: Record<string, unknown>;
  newValues?: Record<string, unknown>;
}

/** One audit row for `actor` doing `details` at `nowMs`. */
export function auditEvent(actor: Actor, details: AuditDetails, nowMs: number): AuditEventRow {
  return {
    id: crypto.randomUUID(),
    organisationId: actor.organisationId,
    eventType: details.eventType,
    resourceType: details.resourceType,
    resourceId: details.resourceId,
    actorType: actor.actorType,
    actorId: actor.actorId,
    actorTokenId: actor.actorTokenId,
    ipAddress: actor.ipAddress,
    userAgent: actor.userAgent,
    oldValues: details.oldValues ? JSON.stringify(details.oldValues) : null,
    newValues: details.newValues ? JSON.stringify(details.newValues) : null,
    createdAt: nowMs,
  };
}
