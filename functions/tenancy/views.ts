/**
 * Wire views of tenancy rows: camelCase keys, ISO-8601 UTC timestamps, nullable fields always
 * present (phase-rest.md §1.5). Nothing secret ever reaches a view: token views carry no bearer,
 * digest or wrapped share.
 */
import type { MemberRow } from '../../db/queries/members';
import type { RoleRow } from '../../db/queries/roles';
import type { TokenRow } from '../../db/queries/tokens';
import { policyOf } from '../access/check';

/** Epoch milliseconds as ISO-8601 with `Z`; null stays null. */
export function isoTime(ms: number): string;
export function isoTime(ms: number | null): string | null;
export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function organisationView(org: { id: string; name: string; createdAt: number }) {
  return { id: org.id, name: org.name, createdAt: isoTime(org.createdAt) };
}

export function memberView(member: MemberRow, role: Pick<RoleRow, 'id' | 'name'>) {
  return {
    id: member.id,
    username: member.username,
    fullName: member.fullName,
    email: member.email,
    role: { id: role.id, name: role.name },
    identityKey: member.identityKey,
    createdAt: isoTime(member.createdAt),
    updatedAt: isoTime(member.updatedAt),
  };
}

export function roleSummaryView(role: RoleRow) {
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    color: role.color,
    isDefault: role.isDefault,
    createdAt: isoTime(role.createdAt),
  };
}

/** A role with its policy; `globalAccess` is reported for every role (false when absent). */
export function roleDetailView(role: RoleRow) {
  const policy = policyOf(role);
  return {
    ...roleSummaryView(role),
    permissions: {
      permissions: policy.permissions,
      appPermissions: policy.app_permissions,
      globalAccess: policy.global_access === true,
    },
  };
}

export function tokenView(token: TokenRow) {
  return {
    id: token.id,
    name: token.name,
    createdBy: token.createdByMemberId,
    createdAt: isoTime(token.createdAt),
    expiresAt: isoTime(token.expiresAt),
    lastUsedAt: isoTime(token.lastUsedAt),
  };
}
