/**
 * Authentication of `Authorization: Bearer <Type> <credential>` (phase-rest.md §1.6): `Bearer`
 * in any case, the type exactly `User`, `Service` or `ServiceAccount`, and the credential found
 * by the SHA-256 of its bytes. Every failure has a reason for the log; the caller maps reasons
 * to the few public answers, so a probe learns nothing from the difference.
 */

import type { Db, SqlResult } from '../../db/client';
import { parsePolicyRefs } from '../../db/queries/network-policies';
import { findPrincipal, type PrincipalKind, type PrincipalRow } from '../../db/queries/principals';
import { policyOf } from '../access/check';
import { digestBearer, isBearerHex } from '../crypto/tokens';
import type { Principal } from './principal';

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
  /** The answer to the read sent alongside the lookup, if one was. */
  alongside: SqlResult | null;
};

/**
 * A read to send in the same D1 batch as the token lookup, keyed by the bearer digest as `?1`;
 * null when the request needs none.
 */
export type ReadAlongside = (bearerDigest: string) => D1PreparedStatement | null;

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

function roleOf(role: PrincipalRow['role']) {
  return { id: role.id, name: role.name, isDefault: role.isDefault, policy: policyOf(role) };
}

/** Why a found token may not act at `nowMs`, or null when it may. */
function refusalOf(row: PrincipalRow, kind: PrincipalKind, nowMs: number): AuthFailure | null {
  if (row.holderDeletedAt !== null) {
    return kind === 'user' ? 'member_removed' : 'service_account_deleted';
  }
  if (row.revokedAt !== null) return 'revoked';
  if (row.expiresAt !== null && row.expiresAt <= nowMs) return 'expired';
  return null;
}

/** The principal a token that may act acts as. */
function principalOf(row: PrincipalRow, kind: PrincipalKind): Principal {
  const shared = {
    organisationId: row.organisationId,
    organisationName: row.organisationName,
    tokenId: row.tokenId,
    wrappedKeyShare: row.wrappedKeyShare,
    network: {
      attached: parsePolicyRefs(row.attachedPolicies),
      global: parsePolicyRefs(row.globalPolicies),
    },
    role: roleOf(row.role),
  };
  if (kind === 'user') {
    // The lookup joins members for user tokens, and a member always has an email.
    const email = row.email as string;
    return {
      kind: 'member',
      ...shared,
      memberId: row.holderId,
      identityKey: row.identityKey,
      email,
    };
  }
  // A service account's identity key is set when it is created and never cleared.
  const identityKey = row.identityKey as string;
  return { kind: 'service_account', ...shared, serviceAccountId: row.holderId, identityKey };
}

/** Resolves the caller behind an Authorization header at `nowMs`. */
export async function authenticate(
  db: Db,
  header: string | undefined,
  nowMs: number,
  readAlongside?: ReadAlongside
): Promise<AuthResult> {
  const parsed = parseAuthorization(header);
  if (!parsed.ok) return parsed;
  // Legacy app-scoped `Service` tokens are not issued here: well-formed, but they match nothing.
  if (parsed.type === 'Service' || !isBearerHex(parsed.credential)) {
    return { ok: false, reason: 'unknown_token' };
  }

  const digest = digestBearer(parsed.credential);
  const kind: PrincipalKind = parsed.type === 'User' ? 'user' : 'service_account';
  const { row, alongside } = await findPrincipal(
    db,
    kind,
    digest,
    readAlongside?.(digest) ?? undefined
  );
  if (!row) return { ok: false, reason: 'unknown_token' };
  const refusal = refusalOf(row, kind, nowMs);
  if (refusal) return { ok: false, reason: refusal };
  return { ok: true, principal: principalOf(row, kind), lastUsedAt: row.lastUsedAt, alongside };
}
