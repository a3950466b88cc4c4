/**
 * The one place a principal's role is checked against a (resource, action) pair for a request.
 * The refusal is Phase's sentence, "You don't have permission to {action} {phrase}.", because
 * Phase clients show it as it is.
 */
import type { Principal } from '../auth/principal';
import { ApiError } from '../errors';
import { hasGlobalAccess, policyGrants } from './check';
import type { Action, OrgResource } from './policies';

/** Throws 403 forbidden unless the principal's role grants `action` on `resource`. */
export function requirePermission(
  principal: Principal,
  action: Action,
  resource: OrgResource,
  phrase: string
): void {
  if (policyGrants(principal.role.policy, action, resource, 'org')) return;
  throw new ApiError('forbidden', `You don't have permission to ${action} ${phrase}.`, {
    internal: { reason: 'role_denies', detail: { resource, action } },
  });
}

/** Whether the principal's role carries global access. */
export function principalHasGlobalAccess(principal: Principal): boolean {
  return hasGlobalAccess(principal.role.policy);
}
