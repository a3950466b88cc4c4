import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../client';
import { tokens } from '../schema';
import type { Holder } from './apps';
import { type AuditEventRow, insertAuditEvent, insertAuditEventIfChanged } from './audit';

export type TokenRow = typeof tokens.$inferSelect;
export type NewTokenRow = typeof tokens.$inferInsert;

/** Whether any token, of any kind and live or not, already has this bearer digest. */
export async function isBearerDigestTaken(db: Db, bearerDigest: string): Promise<boolean> {
  const [row] = await db
    .select({ id: tokens.id })
    .from(tokens)
    .where(eq(tokens.bearerDigest, bearerDigest));
  return row !== undefined;
}

/** Inserts a token and its audit event in one batch. */
export async function insertToken(db: Db, token: NewTokenRow, audit: AuditEventRow) {
  await db.batch([db.insert(tokens).values(token), insertAuditEvent(db, audit)]);
}

/** A member's live (not revoked) personal access tokens, newest first. */
export function listMemberTokens(db: Db, organisationId: string, memberId: string) {
  return db
    .select()
    .from(tokens)
    .where(
      and(
        eq(tokens.organisationId, organisationId),
        eq(tokens.memberId, memberId),
        eq(tokens.kind, 'user'),
        isNull(tokens.deletedAt)
      )
    )
    .orderBy(desc(tokens.createdAt));
}

/** One live token of a member or service account, or null. */
export async function findHolderToken(
  db: Db,
  organisationId: string,
  holder: Holder,
  tokenId: string
): Promise<TokenRow | null> {
  const held =
    'memberId' in holder
      ? eq(tokens.memberId, holder.memberId)
      : eq(tokens.serviceAccountId, holder.serviceAccountId);
  const [row] = await db
    .select()
    .from(tokens)
    .where(
      and(
        eq(tokens.organisationId, organisationId),
        held,
        eq(tokens.id, tokenId),
        isNull(tokens.deletedAt)
      )
    );
  return row ?? null;
}

/** Revokes a token (soft delete) and records it, in one batch. */
export async function revokeToken(
  db: Db,
  organisationId: string,
  tokenId: string,
  nowMs: number,
  audit: AuditEventRow
) {
  const live = and(
    eq(tokens.organisationId, organisationId),
    eq(tokens.id, tokenId),
    isNull(tokens.deletedAt)
  );
  await db.batch([
    db.update(tokens).set({ deletedAt: nowMs }).where(live),
    insertAuditEventIfChanged(db, audit),
  ]);
}

/**
 * Records a use of the token unless one was recorded after `staleBeforeMs`: the condition is in
 * the statement, so concurrent requests write at most once per interval.
 */
export async function touchTokenLastUsed(
  db: Db,
  tokenId: string,
  nowMs: number,
  staleBeforeMs: number
) {
  await db
    .update(tokens)
    .set({ lastUsedAt: nowMs })
    .where(
      and(
        eq(tokens.id, tokenId),
        or(isNull(tokens.lastUsedAt), lt(tokens.lastUsedAt, staleBeforeMs))
      )
    );
}

/**
 * Rotation in one batch: the successor inserted, the old token's life cut to `oldExpiresAt`,
 * and the audit event, so there is never a moment with neither token or with both unbounded.
 */
export async function insertSuccessorToken(
  db: Db,
  successor: TokenRow,
  old: { id: string; expiresAt: number },
  audit: AuditEventRow
) {
  await db.batch([
    db.insert(tokens).values(successor),
    db.update(tokens).set({ expiresAt: old.expiresAt }).where(eq(tokens.id, old.id)),
    insertAuditEvent(db, audit),
  ]);
}

/**
 * Deletes tokens that expired, or were revoked, before `beforeMs`. Their audit events stay: the
 * audit table has no foreign keys for exactly this.
 */
export async function deleteTokensEndedBefore(db: Db, beforeMs: number): Promise<number> {
  const result = await db
    .delete(tokens)
    .where(or(lt(tokens.expiresAt, beforeMs), lt(tokens.deletedAt, beforeMs)));
  return result.meta.changes;
}
