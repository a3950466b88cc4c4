/**
 * Roles over REST (phase-rest.md §7): everyone with `Roles:read` sees the managed and custom
 * roles; custom roles are created, edited and deleted with Phase's validation and messages;
 * managed roles are immutable, and a role still held cannot be deleted.
 */
import type { Db } from '../../db/client';
import {
  countMembersWithRole,
  deleteRole,
  findRole,
  findRoleByName,
  insertRole,
  listRoles,
  type RoleRow,
  updateRole,
} from '../../db/queries/roles';
import { countServiceAccountsWithRole } from '../../db/queries/service-accounts';
import { principalHasGlobalAccess, requirePermission } from '../access/authorize';
import { isPolicyWithin } from '../access/check';
import { validateCustomPolicy } from '../access/validate-policy';
import { auditEvent } from '../audit/events';
import type { Actor, Principal } from '../auth/principal';
import { ApiError } from '../errors';
import { roleDetailView, roleSummaryView } from './views';

const MAX_COLOR_CHARS = 7;

/** The fields a role body may carry, already cleaned of markup (see validation/text.ts). */
export interface RoleInput {
  name?: string;
  description?: string;
  color?: unknown;
  permissions?: unknown;
}

async function loadRole(db: Db, principal: Principal, roleId: string) {
  const role = await findRole(db, principal.organisationId, roleId);
  if (!role) throw new ApiError('not_found', 'Role not found.');
  return role;
}

async function assertNameFree(db: Db, principal: Principal, name: string, selfId?: string) {
  const existing = await findRoleByName(db, principal.organisationId, name);
  if (existing && existing.id !== selfId) {
    throw new ApiError('conflict', 'A role with this name already exists.');
  }
}

function checkColor(color: unknown): string | undefined {
  if (color === undefined || color === null) return undefined;
  if (String(color).length > MAX_COLOR_CHARS) {
    throw new ApiError('invalid_request', 'Role color cannot exceed 7 characters.');
  }
  return String(color);
}

function checkPolicy(principal: Principal, permissions: unknown): string {
  const result = validateCustomPolicy(permissions);
  if (!result.ok) throw new ApiError('invalid_request', result.message);
  if (
    !principalHasGlobalAccess(principal) &&
    !isPolicyWithin(result.policy, principal.role.policy)
  ) {
    throw new ApiError('forbidden', 'You cannot grant permissions your own role does not have.');
  }
  return JSON.stringify(result.policy);
}

export async function listOrganisationRoles(db: Db, principal: Principal) {
  requirePermission(principal, 'read', 'Roles', 'roles');
  return (await listRoles(db, principal.organisationId)).map(roleSummaryView);
}

export async function getRole(db: Db, principal: Principal, roleId: string) {
  requirePermission(principal, 'read', 'Roles', 'roles');
  return roleDetailView(await loadRole(db, principal, roleId));
}

export async function createRole(
  db: Db,
  principal: Principal,
  actor: Actor,
  input: RoleInput,
  nowMs: number
) {
  requirePermission(principal, 'create', 'Roles', 'roles');
  const name = input.name;
  if (name === undefined) throw new ApiError('invalid_request', 'Missing required field: name');
  await assertNameFree(db, principal, name);
  const permissions = checkPolicy(principal, input.permissions);
  const role: RoleRow = {
    id: crypto.randomUUID(),
    organisationId: principal.organisationId,
    name,
    nameKey: name.toLowerCase(),
    description: input.description ?? '',
    color: checkColor(input.color) ?? '',
    isDefault: false,
    permissions,
    createdAt: nowMs,
  };
  const audit = auditEvent(
    actor,
    { eventType: 'C', resourceType: 'role', resourceId: role.id, newValues: { name } },
    nowMs
  );
  await insertRole(db, role, audit);
  return roleDetailView(role);
}

export async function editRole(
  db: Db,
  principal: Principal,
  actor: Actor,
  roleId: string,
  input: RoleInput,
  nowMs: number
) {
  requirePermission(principal, 'update', 'Roles', 'roles');
  const role = await loadRole(db, principal, roleId);
  if (role.isDefault) throw new ApiError('forbidden', 'Default roles cannot be modified.');
  const supplied = [input.name, input.description, input.color, input.permissions];
  if (supplied.every((value) => value === undefined || value === null)) {
    throw new ApiError('invalid_request', 'At least one field must be provided.');
  }

  const changes: Partial<RoleRow> = {};
  if (input.name !== undefined) {
    await assertNameFree(db, principal, input.name, role.id);
    Object.assign(changes, { name: input.name, nameKey: input.name.toLowerCase() });
  }
  if (input.description !== undefined) changes.description = input.description;
  const color = checkColor(input.color);
  if (color !== undefined) changes.color = color;
  if (input.permissions !== undefined && input.permissions !== null) {
    if (typeof input.permissions !== 'object' || Array.isArray(input.permissions)) {
      throw new ApiError('invalid_request', 'Permissions must be a JSON object.');
    }
    changes.permissions = checkPolicy(principal, input.permissions);
  }

  const details = {
    eventType: 'U' as const,
    resourceType: 'role' as const,
    resourceId: role.id,
    oldValues: { name: role.name },
    newValues: { name: changes.name ?? role.name },
  };
  await updateRole(
    db,
    principal.organisationId,
    role.id,
    changes,
    auditEvent(actor, details, nowMs)
  );
  return roleDetailView({ ...role, ...changes });
}

export async function removeRole(
  db: Db,
  principal: Principal,
  actor: Actor,
  roleId: string,
  nowMs: number
) {
  requirePermission(principal, 'delete', 'Roles', 'roles');
  const role = await loadRole(db, principal, roleId);
  if (role.isDefault) throw new ApiError('forbidden', 'Default roles cannot be deleted.');
  if ((await countMembersWithRole(db, principal.organisationId, role.id)) > 0) {
    throw new ApiError('conflict', 'Cannot delete a role that has members assigned to it.');
  }
  if ((await countServiceAccountsWithRole(db, role.id)) > 0) {
    throw new ApiError(
      'conflict',
      'Cannot delete a role that has service accounts assigned to it.'
    );
  }
  const audit = auditEvent(
    actor,
    { eventType: 'D', resourceType: 'role', resourceId: role.id, oldValues: { name: role.name } },
    nowMs
  );
  await deleteRole(db, principal.organisationId, role.id, audit);
}
