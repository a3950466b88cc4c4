/**
 * Members of an organisation: list, get, create, change role, remove (phase-rest.md §8). The
 * guards and their order are Phase's: the Owner is changed only by an ownership transfer, nobody
 * changes or removes themselves, and only global access touches global access.
 */
import type { Db } from '../../db/client';
import {
  findMember,
  insertMember,
  isEmailTaken,
  listMembers,
  type MemberWithRole,
  removeMember,
  updateMemberRole,
} from '../../db/queries/members';
import { findRole, type RoleRow } from '../../db/queries/roles';
import { principalHasGlobalAccess, requirePermission } from '../access/authorize';
import { hasGlobalAccess, isOwnerRole, isPolicyWithin, policyOf } from '../access/check';
import { auditEvent } from '../audit/events';
import { type Actor, memberIdOf, type Principal } from '../auth/principal';
import { ApiError } from '../errors';
import {
  type IdentityInput,
  newMemberRows,
  onceOnlyCredentials,
  resolveCredentials,
} from './member-rows';
import { memberView } from './views';

const forbidden = (message: string) => new ApiError('forbidden', message);
const memberNotFound = () => new ApiError('not_found', 'Member not found.');
const roleNotFound = () => new ApiError('not_found', 'Role not found.');

async function loadMember(db: Db, principal: Principal, memberId: string) {
  const found = await findMember(db, principal.organisationId, memberId);
  if (!found) throw memberNotFound();
  return found;
}

/** The role a caller may hand out: never Owner, and global access only from global access. */
async function assignableRole(db: Db, principal: Principal, roleId: string): Promise<RoleRow> {
  const role = await findRole(db, principal.organisationId, roleId);
  if (!role) throw roleNotFound();
  if (isOwnerRole(role)) {
    throw forbidden('You cannot assign the Owner role directly. Use the ownership transfer flow.');
  }
  const policy = policyOf(role);
  const global = principalHasGlobalAccess(principal);
  if (!global && (hasGlobalAccess(policy) || !isPolicyWithin(policy, principal.role.policy))) {
    throw forbidden(`You cannot assign the '${role.name}' role.`);
  }
  return role;
}

export async function listOrganisationMembers(db: Db, principal: Principal) {
  requirePermission(principal, 'read', 'Members', 'members');
  const rows = await listMembers(db, principal.organisationId);
  return rows.map(({ member, role }) => memberView(member, role));
}

export async function getMember(db: Db, principal: Principal, memberId: string) {
  requirePermission(principal, 'read', 'Members', 'members');
  const { member, role } = await loadMember(db, principal, memberId);
  return memberView(member, role);
}

export interface CreateMemberInput extends IdentityInput {
  name?: string;
  email: string;
  role_id: string;
}

/** Adds a member; without an identity key the server makes its keyring and first token. */
export async function createMember(
  db: Db,
  principal: Principal,
  actor: Actor,
  input: CreateMemberInput,
  nowMs: number
) {
  requirePermission(principal, 'create', 'Members', 'members');
  const role = await assignableRole(db, principal, input.role_id);
  if (await isEmailTaken(db, principal.organisationId, input.email.toLowerCase())) {
    throw new ApiError('conflict', 'A member with this email already exists.');
  }
  const credentials = resolveCredentials(input, nowMs);
  const draft = {
    organisationId: principal.organisationId,
    roleId: role.id,
    email: input.email,
    fullName: input.name ?? null,
    createdByMemberId: memberIdOf(principal),
    tokenName: 'First token',
  };
  const { member, token } = newMemberRows(draft, credentials, nowMs);

  const newValues = { email: member.email, role: role.name };
  const audit = auditEvent(
    actor,
    { eventType: 'C', resourceType: 'member', resourceId: member.id, newValues },
    nowMs
  );
  await insertMember(db, member, token, audit);
  return { ...memberView(member, role), ...onceOnlyCredentials(credentials) };
}

/** The guards on acting upon another member, in Phase's order. */
function guardTarget(principal: Principal, target: MemberWithRole, verb: 'update' | 'remove') {
  if (isOwnerRole(target.role)) {
    throw forbidden(
      verb === 'update'
        ? 'The Owner role cannot be changed via the API. Use the ownership transfer flow.'
        : 'The Owner cannot be removed via the API. Use the ownership transfer flow.'
    );
  }
  if (target.member.id === memberIdOf(principal)) {
    throw forbidden(
      verb === 'update'
        ? 'You cannot update your own role.'
        : 'You cannot remove yourself from the organisation.'
    );
  }
  if (hasGlobalAccess(policyOf(target.role)) && !principalHasGlobalAccess(principal)) {
    const byMember =
      verb === 'update'
        ? 'You cannot update the role of a member with global access.'
        : 'You cannot remove a member with a global access role.';
    const byServiceAccount =
      verb === 'update'
        ? 'Service accounts cannot modify members with global access.'
        : 'Service accounts cannot remove members with global access.';
    throw forbidden(principal.kind === 'member' ? byMember : byServiceAccount);
  }
}

export async function changeMemberRole(
  db: Db,
  principal: Principal,
  actor: Actor,
  memberId: string,
  roleId: string,
  nowMs: number
) {
  requirePermission(principal, 'update', 'Members', 'members');
  const target = await loadMember(db, principal, memberId);
  guardTarget(principal, target, 'update');
  const role = await assignableRole(db, principal, roleId);

  const details = {
    eventType: 'U' as const,
    resourceType: 'member' as const,
    resourceId: memberId,
    oldValues: { role: target.role.name },
    newValues: { role: role.name },
  };
  await updateMemberRole(
    db,
    principal.organisationId,
    memberId,
    role.id,
    nowMs,
    auditEvent(actor, details, nowMs)
  );
  return memberView({ ...target.member, roleId: role.id, updatedAt: nowMs }, role);
}

/** Removes a member; its tokens stop working on the next request. */
export async function removeOrganisationMember(
  db: Db,
  principal: Principal,
  actor: Actor,
  memberId: string,
  nowMs: number
) {
  requirePermission(principal, 'delete', 'Members', 'members');
  const target = await loadMember(db, principal, memberId);
  guardTarget(principal, target, 'remove');

  const oldValues = { email: target.member.email, role: target.role.name };
  const audit = auditEvent(
    actor,
    { eventType: 'D', resourceType: 'member', resourceId: memberId, oldValues },
    nowMs
  );
  await removeMember(db, principal.organisationId, memberId, nowMs, audit);
}
