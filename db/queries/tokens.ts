import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../client';
import { members, organisations, roles, serviceAccounts, tokens } from '../schema';
import { type AuditEventRow, insertAuditEvent } from './audit';
import { attachedPoliciesJson, globalPoliciesJson } from './network-policies';

export type TokenRow = typeof tokens.$inferSelect;
export type NewTokenRow = typeof tokens.$inferInsert;

/** The network policies that bind a principal, fetched with its token. */
export interface PrincipalPolicies {
  attachedPolicies: string | null;
  globalPolicies: string | null;
  /** The organisation's name, fetched here so the session payload needs no query of its own. */
  organisationName: string;
}

/** A personal access token with the member and role it acts as. */
export interface UserTokenWithPrincipal extends PrincipalPolicies {
  token: TokenRow;
  member: typeof members.$inferSelect;
  role: typeof roles.$inferSelect;
}

/**
 * The user token with this bearer digest, with its member and role, in one round trip. Revoked
 * and expired tokens are returned too: the caller decides, so the reason can be logged.
 */
export async function findUserTokenByDigest(
  db: Db,
  bearerDigest: string
): Promise<UserTokenWithPrincipal | null> {
  const [row] = await db
    .select({
      token: tokens,
      member: members,
      role: roles,
      attachedPolicies: attachedPoliciesJson('member'),
      globalPolicies: globalPoliciesJson(),
      organisationName: organisations.name,
    })
    .from(tokens)
    .innerJoin(organisations, eq(organisations.id, tokens.organisationId))
    .innerJoin(members, eq(members.id, tokens.memberId))
    .innerJoin(roles, eq(roles.id, members.roleId))
    .where(and(eq(tokens.bearerDigest, bearerDigest), eq(tokens.kind, 'user')));
  return row ?? null;
}

/** A service-account token with the account and role it acts as. */
export interface ServiceAccountTokenWithPrincipal extends PrincipalPolicies {
  token: TokenRow;
  serviceAccount: typeof serviceAccounts.$inferSelect;
  role: typeof roles.$inferSelect;
}

/** The service-account token with this bearer digest, with its account and role, in one trip. */
export async function findServiceAccountTokenByDigest(
  db: Db,
  bearerDigest: string
): Promise<ServiceAccountTokenWithPrincipal | null> {
  const [row] = await db
    .select({
      token: tokens,
      serviceAccount: serviceAccounts,
      role: roles,
      attachedPolicies: attachedPoliciesJson('service_account'),
      globalPolicies: globalPoliciesJson(),
      organisationName: organisations.name,
    })
    .from(tokens)
    .innerJoin(organisations, eq(organisations.id, tokens.organisationId))
    .innerJoin(serviceAccounts, eq(serviceAccounts.id, tokens.serviceAccountId))
    .innerJoin(roles, eq(roles.id, serviceAccounts.roleId))
    .where(and(eq(tokens.bearerDigest, bearerDigest), eq(tokens.kind, 'service_account')));
  return row ?? null;
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

/** One live token of a member, or null. */
export async function findMemberToken(
  db: Db,
  organisationId: string,
  memberId: string,
  tokenId: string
) {
  const [row] = await db
    .select()
    .from(tokens)
    .where(
      and(
        eq(tokens.organisationId, organisationId),
        eq(tokens.memberId, memberId),
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
    insertAuditEvent(db, audit),
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

/** One live token of a service account, or null. */
export async function findServiceAccountToken(
  db: Db,
  organisationId: string,
  serviceAccountId: string,
  tokenId: string
): Promise<TokenRow | null> {
  const [row] = await db
    .select()
    .from(tokens)
    .where(
      and(
        eq(tokens.organisationId, organisationId),
        eq(tokens.serviceAccountId, serviceAccountId),
        eq(tokens.id, tokenId),
        isNull(tokens.deletedAt)
      )
    );
  return row ?? null;
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
