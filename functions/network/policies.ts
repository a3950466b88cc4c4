/**
 * Network access policies over REST: create, list, get, update, delete, and attaching them to
 * members and service accounts. Entries are validated and stored canonical; a bad one is refused
 * naming the offending value. A change that would lock the caller out of its own address is
 * refused unless the request says `force: true`.
 */
import type { Db } from '../../db/client';
import type { Holder } from '../../db/queries/apps';
import { findMember } from '../../db/queries/members';
import {
  deletePolicy,
  findPolicies,
  findPolicy,
  insertPolicy,
  listPolicies,
  type PolicyRow,
  replaceAttachments,
  updatePolicy,
} from '../../db/queries/network-policies';
import { principalHasGlobalAccess, requirePermission } from '../access/authorize';
import { hasGlobalAccess, policyOf } from '../access/check';
import { auditEvent } from '../audit/events';
import {
  type Actor,
  memberIdOf,
  type PolicyRef,
  type Principal,
  serviceAccountIdOf,
} from '../auth/principal';
import { ApiError } from '../errors';
import { loadVisibleAccount } from '../service-accounts/lookup';
import { isoTime } from '../tenancy/views';
import { isAddressAllowed } from './enforce';
import { parseAllowEntry } from './ip';

const PHRASE = 'network access policies';

export function policyView(row: PolicyRow) {
  return {
    id: row.id,
    name: row.name,
    allowedIps: JSON.parse(row.allowedIps) as string[],
    isGlobal: row.isGlobal,
    createdAt: isoTime(row.createdAt),
    updatedAt: isoTime(row.updatedAt),
  };
}

/** Canonical entries, or 400 naming the first bad one. */
export function canonicalIps(values: unknown): string[] {
  if (!Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
    throw new ApiError(
      'invalid_request',
      "'allowed_ips' must be a list of IP addresses or CIDR ranges."
    );
  }
  const canonical = values.map((value: string) => {
    const parsed = parseAllowEntry(value);
    if (!parsed.ok)
      throw new ApiError('invalid_request', `Invalid entry in 'allowed_ips': ${parsed.reason}`);
    return parsed.canonical;
  });
  return [...new Set(canonical)];
}

/**
 * Refuses a change after which the caller's own address would be denied. `after` maps the
 * caller's current policies to what they would be.
 */
function guardLockOut(
  principal: Principal,
  address: string | null,
  after: (network: Principal['network']) => PolicyRef[],
  force: boolean
) {
  if (force || isAddressAllowed(after(principal.network), address)) return;
  throw new ApiError(
    'conflict',
    `This change would block your own address (${address ?? 'unknown'}). ` +
      'Send "force": true to apply it anyway.'
  );
}

const ref = (row: Pick<PolicyRow, 'id'>, ips: string[]): PolicyRef => ({ id: row.id, ips });

export interface PolicyInput {
  name?: string;
  allowed_ips?: unknown;
  is_global?: boolean;
  force?: boolean;
}

export async function createPolicy(
  db: Db,
  principal: Principal,
  actor: Actor,
  address: string | null,
  input: PolicyInput & { name: string },
  nowMs: number
) {
  requirePermission(principal, 'create', 'NetworkAccessPolicies', PHRASE);
  const ips = canonicalIps(input.allowed_ips);
  const row: PolicyRow = {
    id: crypto.randomUUID(),
    organisationId: principal.organisationId,
    name: input.name,
    allowedIps: JSON.stringify(ips),
    isGlobal: input.is_global === true,
    createdAt: nowMs,
    updatedAt: nowMs,
  };
  if (row.isGlobal) {
    guardLockOut(
      principal,
      address,
      (n) => (n.attached.length > 0 ? n.attached : [...n.global, ref(row, ips)]),
      input.force === true
    );
  }
  await insertPolicy(
    db,
    row,
    auditEvent(
      actor,
      {
        eventType: 'C',
        resourceType: 'policy',
        resourceId: row.id,
        newValues: { name: row.name, allowed_ips: ips, is_global: row.isGlobal },
      },
      nowMs
    )
  );
  return policyView(row);
}

/** The caller's policies once `row` has been replaced by `next`. */
function afterEdit(row: PolicyRow, next: PolicyRow, ips: string[]) {
  return (network: Principal['network']) => {
    const attached = network.attached.map((p) => (p.id === row.id ? ref(row, ips) : p));
    if (attached.length > 0) return attached;
    const others = network.global.filter((p) => p.id !== row.id);
    return next.isGlobal ? [...others, ref(row, ips)] : others;
  };
}

export async function editPolicy(
  db: Db,
  principal: Principal,
  actor: Actor,
  address: string | null,
  id: string,
  input: PolicyInput,
  nowMs: number
) {
  requirePermission(principal, 'update', 'NetworkAccessPolicies', PHRASE);
  const row = await loadPolicy(db, principal, id);
  const ips =
    input.allowed_ips === undefined
      ? (JSON.parse(row.allowedIps) as string[])
      : canonicalIps(input.allowed_ips);
  const next: PolicyRow = {
    ...row,
    name: input.name ?? row.name,
    allowedIps: JSON.stringify(ips),
    isGlobal: input.is_global ?? row.isGlobal,
    updatedAt: nowMs,
  };
  guardLockOut(principal, address, afterEdit(row, next, ips), input.force === true);
  const details = {
    eventType: 'U' as const,
    resourceType: 'policy' as const,
    resourceId: id,
    oldValues: { name: row.name, allowed_ips: JSON.parse(row.allowedIps), is_global: row.isGlobal },
    newValues: { name: next.name, allowed_ips: ips, is_global: next.isGlobal },
  };
  await updatePolicy(db, principal.organisationId, id, next, auditEvent(actor, details, nowMs));
  return policyView(next);
}

async function loadPolicy(db: Db, principal: Principal, id: string) {
  const row = await findPolicy(db, principal.organisationId, id);
  if (!row) throw new ApiError('not_found', 'Network access policy not found.');
  return row;
}

export async function listOrganisationPolicies(db: Db, principal: Principal) {
  requirePermission(principal, 'read', 'NetworkAccessPolicies', PHRASE);
  return (await listPolicies(db, principal.organisationId)).map(policyView);
}

export async function getPolicy(db: Db, principal: Principal, id: string) {
  requirePermission(principal, 'read', 'NetworkAccessPolicies', PHRASE);
  return policyView(await loadPolicy(db, principal, id));
}

export async function removePolicy(
  db: Db,
  principal: Principal,
  actor: Actor,
  id: string,
  nowMs: number
) {
  requirePermission(principal, 'delete', 'NetworkAccessPolicies', PHRASE);
  const row = await loadPolicy(db, principal, id);
  await deletePolicy(
    db,
    principal.organisationId,
    id,
    auditEvent(
      actor,
      { eventType: 'D', resourceType: 'policy', resourceId: id, oldValues: { name: row.name } },
      nowMs
    )
  );
}

/**
 * Whose policies the caller may set: nobody their own (a policy is a restriction, and lifting
 * one's own would defeat it), and only global access touches a member with global access (or a
 * restriction could lock out an Owner).
 */
async function guardHolder(db: Db, principal: Principal, holder: Holder) {
  if ('serviceAccountId' in holder) {
    await loadVisibleAccount(db, principal, holder.serviceAccountId);
    if (serviceAccountIdOf(principal) === holder.serviceAccountId) {
      throw new ApiError('forbidden', 'You cannot change your own network policies.');
    }
    return;
  }
  const target = await findMember(db, principal.organisationId, holder.memberId);
  if (!target) throw new ApiError('not_found', 'Member not found.');
  if (memberIdOf(principal) === holder.memberId) {
    throw new ApiError('forbidden', 'You cannot change your own network policies.');
  }
  if (
    target.role &&
    hasGlobalAccess(policyOf(target.role)) &&
    !principalHasGlobalAccess(principal)
  ) {
    throw new ApiError(
      'forbidden',
      'You cannot change the network policies of a member with global access.'
    );
  }
}

/** Attaches exactly `policyIds` to a member or service account (`[]` detaches all). */
export async function attachPolicies(
  db: Db,
  principal: Principal,
  actor: Actor,
  holder: Holder,
  policyIds: string[],
  nowMs: number
) {
  requirePermission(principal, 'update', 'Members', 'members');
  await guardHolder(db, principal, holder);
  const unique = [...new Set(policyIds)];
  const found = await findPolicies(db, principal.organisationId, unique);
  const missing = unique.filter((id) => !found.some((p) => p.id === id));
  if (missing.length > 0)
    throw new ApiError('not_found', `Network access policies not found: ${missing.join(', ')}`);
  const resourceId = 'memberId' in holder ? holder.memberId : holder.serviceAccountId;
  const resourceType = 'memberId' in holder ? ('member' as const) : ('sa' as const);
  await replaceAttachments(
    db,
    holder,
    unique,
    auditEvent(
      actor,
      { eventType: 'A', resourceType, resourceId, newValues: { network_policies: unique } },
      nowMs
    )
  );
  return found.map(policyView);
}
