/**
 * The permission check (phase-reference.md §4.2) as pure functions over a role. Team overrides
 * arrive with teams; until then the principal's organisation role decides alone.
 */
import {
  type Action,
  MANAGED_POLICIES,
  MANAGED_ROLE_NAMES,
  type ManagedRoleName,
  type Policy,
} from './policies';

/** What the check needs to know about a role row. */
export interface RoleLike {
  name: string;
  isDefault: boolean;
  /** Stored policy JSON; ignored for managed roles. */
  permissions: string;
}

const EMPTY_POLICY: Policy = { permissions: {}, app_permissions: {} };

function isManagedName(name: string): name is ManagedRoleName {
  return (MANAGED_ROLE_NAMES as readonly string[]).includes(name);
}

/**
 * The effective policy of a role: the code template for managed roles, the stored JSON for
 * custom ones. Unreadable stored JSON grants nothing rather than failing the request.
 */
export function policyOf(role: RoleLike): Policy {
  if (role.isDefault) return isManagedName(role.name) ? MANAGED_POLICIES[role.name] : EMPTY_POLICY;
  try {
    const stored = JSON.parse(role.permissions) as Partial<Policy>;
    return {
      permissions: stored.permissions ?? {},
      app_permissions: stored.app_permissions ?? {},
      global_access: stored.global_access === true,
    };
  } catch {
    return EMPTY_POLICY;
  }
}

/** Whether `policy` grants `action` on `resource`, at organisation or app level. */
export function policyGrants(
  policy: Policy,
  action: Action,
  resource: string,
  level: 'org' | 'app' = 'org'
): boolean {
  const map = level === 'app' ? policy.app_permissions : policy.permissions;
  return map[resource]?.includes(action) ?? false;
}

/** Global access: Owner, Admin, and any stored policy that says so. */
export function hasGlobalAccess(policy: Policy): boolean {
  return policy.global_access === true;
}

/** The managed Owner role is special: it cannot be assigned, changed or removed over REST. */
export function isOwnerRole(role: Pick<RoleLike, 'name' | 'isDefault'>): boolean {
  return role.isDefault && role.name === 'Owner';
}

function mapWithin(inner: Policy['permissions'], outer: Policy['permissions']): boolean {
  return Object.entries(inner).every(([resource, actions]) =>
    actions.every((action) => outer[resource]?.includes(action) ?? false)
  );
}

/**
 * Whether `candidate` grants nothing at organisation level that `holder` lacks. A caller without
 * global access may only hand out (or define) roles within its own there: whoever creates a
 * member or service account with a server-generated keyring holds its keys, so any role it
 * could assign is a role it could act as. App-level grants are left out on purpose: they only
 * take effect in apps the holder is given, and granting app access is itself bounded by the
 * access the granting caller holds.
 */
export function isPolicyWithin(candidate: Policy, holder: Policy): boolean {
  if (hasGlobalAccess(candidate) && !hasGlobalAccess(holder)) return false;
  return mapWithin(candidate.permissions, holder.permissions);
}
