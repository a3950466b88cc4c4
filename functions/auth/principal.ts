/**
 * Who is calling, once a bearer has been checked. Every domain operation takes a principal and
 * scopes what it reads and writes to `principal.organisationId`.
 */
import type { Policy } from '../access/policies';

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
  memberId: string;
  tokenId: string;
  email: string;
  role: PrincipalRole;
}

export type Principal = MemberPrincipal;

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
    actorType: 'member',
    actorId: principal.memberId,
    actorTokenId: principal.tokenId,
    ...origin,
  };
}
