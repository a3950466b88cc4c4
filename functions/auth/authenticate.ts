/**
 * Authentication of `Authorization: Bearer <Type> <credential>` (phase-rest.md §1.6): `Bearer`
 * in any case, the type exactly `User`, `Service` or `ServiceAccount`, and the credential found
 * by the SHA-256 of its bytes. Every failure has a reason for the log; the caller maps reasons
 * to the few public answers, so a probe learns nothing from the difference.
 */

import type { Db } from '../../db/client';
import { parsePolicyRefs } from '../../db/queries/network-policies';
import {
  findServiceAccountTokenByDigest,
  findUserTokenByDigest,
  type PrincipalPolicies,
  type TokenRow,
} from '../../db/queries/tokens';
import { policyOf } from '../access/check';
import { digestBearer, isBearerHex } from '../crypto/tokens';
import type { Principal, PrincipalNetwork } from './principal';

export const TOKEN_TYPES = ['User', 'Service', 'ServiceAccount'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

export type AuthFailure =
  | 'missing'
  | 'malformed'
  | 'unknown_type'
  | 'unknown_token'
  | 'revoked'
  | 'expired'
  | 'member_removed'
  | 'service_account_deleted';

export type Authenticated = {
  ok: true;
  principal: Principal;
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

type Found =
  | { ok: true; principal: Principal; token: TokenRow }
  | { ok: false; reason: AuthFailure };

function networkOf(found: PrincipalPolicies): PrincipalNetwork {
  return {
    attached: parsePolicyRefs(found.attachedPolicies),
    global: parsePolicyRefs(found.globalPolicies),
  };
}

function roleOf(role: { id: string; name: string; isDefault: boolean; permissions: string }) {
  return { id: role.id, name: role.name, isDefault: role.isDefault, policy: policyOf(role) };
}

async function findUser(db: Db, digest: string): Promise<Found> {
  const found = await findUserTokenByDigest(db, digest);
  if (!found) return { ok: false, reason: 'unknown_token' };
  const { token, member, role } = found;
  const network = networkOf(found);
  if (member.deletedAt !== null) return { ok: false, reason: 'member_removed' };
  const principal: Principal = {
    kind: 'member',
    organisationId: token.organisationId,
    organisationName: found.organisationName,
    memberId: member.id,
    tokenId: token.id,
    wrappedKeyShare: token.wrappedKeyShare,
    identityKey: member.identityKey,
    network,
    email: member.email,
    role: roleOf(role),
  };
  return { ok: true, principal, token };
}

async function findServiceAccount(db: Db, digest: string): Promise<Found> {
  const found = await findServiceAccountTokenByDigest(db, digest);
  if (!found) return { ok: false, reason: 'unknown_token' };
  const { token, serviceAccount, role } = found;
  const network = networkOf(found);
  if (serviceAccount.deletedAt !== null) return { ok: false, reason: 'service_account_deleted' };
  const principal: Principal = {
    kind: 'service_account',
    organisationId: token.organisationId,
    organisationName: found.organisationName,
    serviceAccountId: serviceAccount.id,
    tokenId: token.id,
    wrappedKeyShare: token.wrappedKeyShare,
    identityKey: serviceAccount.identityKey,
    network,
    role: roleOf(role),
  };
  return { ok: true, principal, token };
}

/** Resolves the caller behind an Authorization header at `nowMs`. */
export async function authenticate(
  db: Db,
  header: string | undefined,
  nowMs: number
): Promise<AuthResult> {
  const parsed = parseAuthorization(header);
  if (!parsed.ok) return parsed;
  // Legacy app-scoped `Service` tokens are not issued here: well-formed, but they match nothing.
  if (parsed.type === 'Service' || !isBearerHex(parsed.credential)) {
    return { ok: false, reason: 'unknown_token' };
  }

  const digest = digestBearer(parsed.credential);
  const found =
    parsed.type === 'User' ? await findUser(db, digest) : await findServiceAccount(db, digest);
  if (!found.ok) return found;
  const { token, principal } = found;
  if (token.deletedAt !== null) return { ok: false, reason: 'revoked' };
  if (token.expiresAt !== null && token.expiresAt <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, principal, lastUsedAt: token.lastUsedAt };
}
