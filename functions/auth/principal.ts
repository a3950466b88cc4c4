/**
 * Who is calling, once a bearer has been checked. Every domain operation takes a principal and
 * scopes what it reads and writes to `principal.organisationId`.
 */
import type { Policy } from '../access/policies';

/** A network policy as it travels with the token lookup. */
export interface PolicyRef {
  id: string;
  ips: string[];
}

/** The network policies that bind a principal: its own, and the organisation's global ones. */
export interface PrincipalNetwork {
  attached: PolicyRef[];
  global: PolicyRef[];
}

/** The role a principal holds, as the checks need it. */
export interface PrincipalRole {
  id: string;
  name: string;
  isDefault: boolean;
  policy: Policy;
}

/** A human member acting through a personal access token. */
export interface MemberPrincipal {
  kind: 'member';
  organisationId: string;
  organisationName: string;
  memberId: string;
  tokenId: string;
  /** Share B of the calling token, wrapped; only the token's holder can open it. */
  wrappedKeyShare: string;
  /** Ed25519 public key (hex) that environment keys are wrapped to; null before key setup. */
  identityKey: string | null;
  network: PrincipalNetwork;
  email: string;
  role: PrincipalRole;
}

/** A service account acting through one of its tokens. */
export interface ServiceAccountPrincipal {
  kind: 'service_account';
  organisationId: string;
  organisationName: string;
  serviceAccountId: string;
  tokenId: string;
  wrappedKeyShare: string;
  identityKey: string;
  network: PrincipalNetwork;
  role: PrincipalRole;
}

export type Principal = MemberPrincipal | ServiceAccountPrincipal;

/** The member behind a principal, or null for a service account. */
export function memberIdOf(principal: Principal): string | null {
  return principal.kind === 'member' ? principal.memberId : null;
}

/** The principal as a holder of environment keys. */
export function holderOf(
  principal: Principal
): { memberId: string } | { serviceAccountId: string } {
  return principal.kind === 'member'
    ? { memberId: principal.memberId }
    : { serviceAccountId: principal.serviceAccountId };
}

/** The service account behind a principal, or null for a member. */
export function serviceAccountIdOf(principal: Principal): string | null {
  return principal.kind === 'service_account' ? principal.serviceAccountId : null;
}

/** Who did something, as the audit log records it, with where the request came from. */
export interface Actor {
  organisationId: string;
  actorType: 'member' | 'service_account' | 'operator';
  actorId: string | null;
  actorTokenId: string | null;
  ipAddress: string | null;
  userAgent: string | null;
}

/** Request details an actor carries into the audit log. */
export interface RequestOrigin {
  ipAddress: string | null;
  userAgent: string | null;
}

/** The actor for a principal's request. */
export function actorFor(principal: Principal, origin: RequestOrigin): Actor {
  return {
    organisationId: principal.organisationId,
    actorType: principal.kind,
    actorId: principal.kind === 'member' ? principal.memberId : principal.serviceAccountId,
    actorTokenId: principal.tokenId,
    ...origin,
  };
}
