/**
 * The environment a secrets request is about, and whether the caller may act in it. Access is
 * key-based (phase-reference.md §4.2): a caller holds a live key for the environment or it does
 * not, and the answer is Phase's (401 for a service account, 403 for a member). Then the role's
 * app-level `Secrets` permission decides the action.
 */
import type { Db } from '../../db/client';
import { findEnvironment, findHolderKey } from '../../db/queries/apps';
import { policyGrants } from '../access/check';
import type { Action } from '../access/policies';
import { holderOf, type Principal } from '../auth/principal';
import { ApiError } from '../errors';

export async function environmentContext(
  db: Db,
  principal: Principal,
  environmentId: string | undefined,
  action: Action
) {
  if (!environmentId) {
    throw new ApiError(
      'forbidden',
      'Environment context required. Supply the `environment` header.'
    );
  }
  const found = await findEnvironment(db, principal.organisationId, environmentId);
  if (!found) throw new ApiError('not_found', 'Environment not found.');
  const key = await findHolderKey(db, environmentId, holderOf(principal));
  if (!key) {
    throw principal.kind === 'service_account'
      ? new ApiError('invalid_token', 'Service account cannot access this environment')
      : new ApiError('forbidden', 'User cannot access this environment');
  }
  if (!policyGrants(principal.role.policy, action, 'Secrets', 'app')) {
    throw new ApiError(
      'forbidden',
      `You don't have permission to ${action} secrets in this environment.`
    );
  }
  return { ...found, key };
}

/** Phase's path rule: leading `/`, runs of `/` collapsed, no trailing `/` (but `/` stays). */
export function normalisePath(path: unknown): string {
  if (typeof path !== 'string') return '/';
  const collapsed = `/${path}`.replace(/\/+/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}
