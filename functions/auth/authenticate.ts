/**
 * Authentication of `Authorization: Bearer <Type> <credential>` (phase-rest.md §1.6): `Bearer`
 * in any case, the type exactly `User`, `Service` or `ServiceAccount`, and the credential found
 * by the SHA-256 of its bytes. Every failure has a reason for the log; the caller maps reasons
 * to the few public answers, so a probe learns nothing from the difference.
 */

import type { Db } from '../../db/client';
import { findUserTokenByDigest } from '../../db/queries/tokens';
import { policyOf } from '../access/check';
import { digestBearer, isBearerHex } from '../crypto/tokens';
import type { MemberPrincipal } from './principal';

export const TOKEN_TYPES = ['User', 'Service', 'ServiceAccount'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

export type AuthFailure =
  | 'missing'
  | 'malformed'
  | 'unknown_type'
  | 'unknown_token'
  | 'revoked'
  | 'expired'
  | 'member_removed';

export type Authenticated = {
  ok: true;
  principal: MemberPrincipal;
  /** When the token was last recorded as used, for the throttled `last_used_at` write. */
  lastUsedAt: number | null;
};

export type AuthResult = Authenticated | { ok: false; reason: AuthFailure };

/** Splits the header into type and credential, or says why it cannot. */
export function parseAuthorization(
  header: string | undefined
): { ok: true; type: TokenType; credential: string } | { ok: false; reason: AuthFailure } {
  if (header === undefined || header === '') return { ok: false, reason: 'missing' };
  // Split on single spaces, as Phase does: a double space leaves an empty part and is invalid.
  const [scheme, type, credential] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !type || !credential) {
    return { ok: false, reason: 'malformed' };
  }
  if (!(TOKEN_TYPES as readonly string[]).includes(type))
    return { ok: false, reason: 'unknown_type' };
  return { ok: true, type: type as TokenType, credential };
}

/** Resolves the caller behind an Authorization header at `nowMs`. */
export async function authenticate(
  db: Db,
  header: string | undefined,
  nowMs: number
): Promise<AuthResult> {
  const parsed = parseAuthorization(header);
  if (!parsed.ok) return parsed;
  // Only personal access tokens exist so far; other types are well-formed but match nothing.
  if (parsed.type !== 'User' || !isBearerHex(parsed.credential)) {
    return { ok: false, reason: 'unknown_token' };
  }

  const found = await findUserTokenByDigest(db, digestBearer(parsed.credential));
  if (!found) return { ok: false, reason: 'unknown_token' };
  const { token, member, role } = found;
  if (token.deletedAt !== null) return { ok: false, reason: 'revoked' };
  if (token.expiresAt !== null && token.expiresAt <= nowMs) return { ok: false, reason: 'expired' };
  if (member.deletedAt !== null) return { ok: false, reason: 'member_removed' };

  const principal: MemberPrincipal = {
    kind: 'member',
    organisationId: token.organisationId,
    memberId: member.id,
    tokenId: token.id,
    email: member.email,
    role: { id: role.id, name: role.name, isDefault: role.isDefault, policy: policyOf(role) },
  };
  return { ok: true, principal, lastUsedAt: token.lastUsedAt };
}
