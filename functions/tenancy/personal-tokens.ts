/**
 * Personal access tokens of members: list, register, revoke. A member manages its own; managing
 * another member's needs `MemberPersonalAccessTokens` (Owner and Admin). Registration carries a
 * signature by the member's identity key, so even an Owner cannot plant a token for a member
 * whose keyring it does not hold.
 */

import type { Db } from '../../db/client';
import { findMember } from '../../db/queries/members';
import {
  findHolderToken,
  insertToken,
  isBearerDigestTaken,
  listMemberTokens,
  revokeToken,
} from '../../db/queries/tokens';
import { principalHasGlobalAccess, requirePermission } from '../access/authorize';
import { hasGlobalAccess, isOwnerRole, policyOf, type RoleLike } from '../access/check';
import type { Action } from '../access/policies';
import { auditEvent } from '../audit/events';
import { type Actor, memberIdOf, type Principal, serviceAccountIdOf } from '../auth/principal';
import { newTokenRow } from '../auth/token-rows';
import { ApiError } from '../errors';
import type { TokenRegistration } from './identity';
import { resolveCredentials } from './member-rows';
import { tokenView } from './views';

/**
 * Another member's tokens are that member's way in: only the Owner touches the Owner's, and
 * only global access touches those of a member with global access, so nobody can lock out
 * someone above them by revoking their tokens.
 */
function guardOthersTokens(principal: Principal, targetRole: RoleLike) {
  if (isOwnerRole(targetRole)) {
    throw new ApiError('forbidden', "Only the Owner can manage the Owner's tokens.");
  }
  if (hasGlobalAccess(policyOf(targetRole)) && !principalHasGlobalAccess(principal)) {
    throw new ApiError('forbidden', 'You cannot manage the tokens of a member with global access.');
  }
}

/** Loads the member whose tokens are meant, after checking the caller may manage them. */
async function tokenOwner(db: Db, principal: Principal, memberId: string, action: Action) {
  if (memberId !== memberIdOf(principal)) {
    requirePermission(
      principal,
      action,
      'MemberPersonalAccessTokens',
      'member personal access tokens'
    );
  }
  const found = await findMember(db, principal.organisationId, memberId);
  if (!found) throw new ApiError('not_found', 'Member not found.');
  if (memberId !== memberIdOf(principal)) guardOthersTokens(principal, found.role);
  return found.member;
}

export async function listPersonalTokens(db: Db, principal: Principal, memberId: string) {
  await tokenOwner(db, principal, memberId, 'read');
  return (await listMemberTokens(db, principal.organisationId, memberId)).map(tokenView);
}

/** Registers a token the client minted from the member's own keyring. */
export async function registerPersonalToken(
  db: Db,
  principal: Principal,
  actor: Actor,
  memberId: string,
  input: TokenRegistration & { name: string },
  nowMs: number
) {
  const member = await tokenOwner(db, principal, memberId, 'create');
  if (!member.identityKey)
    throw new ApiError('invalid_request', 'This member has no identity key.');
  const credentials = resolveCredentials({ identity_key: member.identityKey, token: input }, nowMs);
  const first = credentials.firstToken;
  if (!first) throw new ApiError('invalid_request', 'Missing required field: token');
  if (await isBearerDigestTaken(db, first.bearerDigest)) {
    throw new ApiError('conflict', 'This token is already registered.');
  }

  const token = newTokenRow({
    organisationId: principal.organisationId,
    kind: 'user',
    memberId,
    name: input.name,
    bearerDigest: first.bearerDigest,
    kxPublicKey: credentials.kxPublicKey,
    wrappedKeyShare: first.wrappedKeyShare,
    createdByMemberId: memberIdOf(principal),
    createdByServiceAccountId: serviceAccountIdOf(principal),
    createdAt: nowMs,
    expiresAt: first.expiresAt,
  });
  const newValues = { name: token.name, member_id: memberId };
  const audit = auditEvent(
    actor,
    { eventType: 'C', resourceType: 'pat', resourceId: token.id, newValues },
    nowMs
  );
  await insertToken(db, token, audit);
  return tokenView(token);
}

/** Revokes a token; it fails from the very next request. */
export async function revokePersonalToken(
  db: Db,
  principal: Principal,
  actor: Actor,
  memberId: string,
  tokenId: string,
  nowMs: number
) {
  await tokenOwner(db, principal, memberId, 'delete');
  const token = await findHolderToken(db, principal.organisationId, { memberId }, tokenId);
  if (!token) throw new ApiError('not_found', 'Token not found.');
  const oldValues = { name: token.name, member_id: memberId };
  const audit = auditEvent(
    actor,
    { eventType: 'D', resourceType: 'pat', resourceId: tokenId, oldValues },
    nowMs
  );
  await revokeToken(db, principal.organisationId, tokenId, nowMs, audit);
}
