/**
 * The rows a new member starts with, shared by bootstrap and member creation: the membership,
 * and a first personal access token when there is one, from credentials the server generated
 * or the client registered.
 */

import type { MemberRow } from '../../db/queries/members';
import { newTokenRow } from '../auth/token-rows';
import { ApiError } from '../errors';
import { parseIsoWithOffset } from '../validation/expiry';
import {
  type GeneratedIdentity,
  generateIdentity,
  parseIdentityKey,
  type TokenRegistration,
  verifyRegistration,
} from './identity';

/** How a new member proves who it is. */
export interface IdentityInput {
  identity_key?: string;
  token?: TokenRegistration;
}

/** A member's public identity, and the first token's stored half if one comes with it. */
export interface Credentials {
  identityKey: string;
  kxPublicKey: string;
  firstToken: { bearerDigest: string; wrappedKeyShare: string; expiresAt: number | null } | null;
  /** Present only when the server generated the keyring: shown once, then gone. */
  generated: GeneratedIdentity | null;
}

/** Expiry of a registered token: the signed `expires_at`, which must lie in the future. */
function registeredExpiry(registration: TokenRegistration, nowMs: number): number | null {
  if (registration.expires_at === undefined) return null;
  const parsed = parseIsoWithOffset(registration.expires_at);
  if ('error' in parsed) throw new ApiError('invalid_request', parsed.error);
  if (parsed.ms <= nowMs) {
    throw new ApiError('invalid_request', "'expires_at' must be in the future.");
  }
  return parsed.ms;
}

/** Generates a keyring when no identity key is given; otherwise checks the key and any token. */
export function resolveCredentials(input: IdentityInput, nowMs: number): Credentials {
  if (input.identity_key === undefined) {
    if (input.token) {
      throw new ApiError(
        'invalid_request',
        "A 'token' registration needs the 'identity_key' it is signed with."
      );
    }
    const generated = generateIdentity();
    const { bearerDigest, wrappedKeyShare } = generated.firstToken;
    const firstToken = { bearerDigest, wrappedKeyShare, expiresAt: null };
    return { ...generated, firstToken, generated };
  }
  const { identityKey, kxPublicKey } = parseIdentityKey(input.identity_key);
  if (!input.token) return { identityKey, kxPublicKey, firstToken: null, generated: null };
  verifyRegistration(identityKey, input.token);
  const firstToken = {
    bearerDigest: input.token.bearer_digest.toLowerCase(),
    wrappedKeyShare: input.token.wrapped_key_share.toLowerCase(),
    expiresAt: registeredExpiry(input.token, nowMs),
  };
  return { identityKey, kxPublicKey, firstToken, generated: null };
}

/** What the new member is. */
export interface MemberDraft {
  organisationId: string;
  roleId: string;
  email: string;
  fullName: string | null;
  createdByMemberId: string | null;
  tokenName: string;
}

/** The membership row and, with credentials that carry one, its first token row. */
export function newMemberRows(draft: MemberDraft, credentials: Credentials, nowMs: number) {
  const email = draft.email.toLowerCase();
  const member: MemberRow = {
    id: crypto.randomUUID(),
    organisationId: draft.organisationId,
    roleId: draft.roleId,
    email,
    username: email.split('@')[0] || email,
    fullName: draft.fullName,
    identityKey: credentials.identityKey,
    createdAt: nowMs,
    updatedAt: nowMs,
    deletedAt: null,
  };
  const first = credentials.firstToken;
  const token =
    first &&
    newTokenRow({
      organisationId: draft.organisationId,
      kind: 'user',
      memberId: member.id,
      name: draft.tokenName,
      bearerDigest: first.bearerDigest,
      kxPublicKey: credentials.kxPublicKey,
      wrappedKeyShare: first.wrappedKeyShare,
      createdByMemberId: draft.createdByMemberId ?? member.id,
      createdAt: nowMs,
      expiresAt: first.expiresAt,
    });
  return { member, token };
}

/** The once-only part of a creation response: the token and, if generated, the keyring. */
export function onceOnlyCredentials(credentials: Credentials) {
  const generated = credentials.generated;
  if (!generated) return {};
  return {
    token: generated.firstToken.tokenString,
    bearerToken: `User ${generated.firstToken.bearer}`,
    keyring: generated.keyring,
  };
}
