/**
 * The environment a secrets request is about, and whether the caller may act in it. Access is
 * key-based (phase-reference.md §4.2): a caller holds a live key for the environment or it does
 * not, and the answer is Phase's (401 for a service account, 403 for a member). Then the role's
 * app-level `Secrets` permission decides the action.
 */
import type { Db, SqlResult } from '../../db/client';
import {
  type AppRow,
  type EnvironmentKeyRow,
  type EnvironmentRow,
  environmentWithKeyQuery,
} from '../../db/queries/apps';
import { callerSecretsFrom, callerSecretsStatement } from '../../db/queries/caller-secrets';
import type { SecretRow } from '../../db/queries/secrets';
import { policyGrants } from '../access/check';
import type { Action } from '../access/policies';
import { holderOf, type Principal } from '../auth/principal';
import { ApiError } from '../errors';

type Found = { environment: EnvironmentRow; app: AppRow; key: EnvironmentKeyRow | null } | null;

function requireEnvironmentId(environmentId: string | undefined): string {
  if (!environmentId) {
    throw new ApiError(
      'forbidden',
      'Environment context required. Supply the `environment` header.'
    );
  }
  return environmentId;
}

/** Phase's answer to a caller without a key: 401 for a service account, 403 for a member. */
export function noAccess(principal: Principal): ApiError {
  return principal.kind === 'service_account'
    ? new ApiError('invalid_token', 'Service account cannot access this environment')
    : new ApiError('forbidden', 'User cannot access this environment');
}

/** Refuses an action the role's app-level `Secrets` permission does not grant. */
export function assertSecretsPermission(principal: Principal, action: Action) {
  if (!policyGrants(principal.role.policy, action, 'Secrets', 'app')) {
    throw new ApiError(
      'forbidden',
      `You don't have permission to ${action} secrets in this environment.`
    );
  }
}

/** Admits the caller to what the lookup found, or says why not. */
function admit(principal: Principal, found: Found, action: Action) {
  if (!found) throw new ApiError('not_found', 'Environment not found.');
  if (!found.key) throw noAccess(principal);
  assertSecretsPermission(principal, action);
  return { environment: found.environment, app: found.app, key: found.key };
}

export async function environmentContext(
  db: Db,
  principal: Principal,
  environmentId: string | undefined,
  action: Action
) {
  const id = requireEnvironmentId(environmentId);
  const [found] = await environmentWithKeyQuery(
    db,
    principal.organisationId,
    id,
    holderOf(principal)
  );
  return admit(principal, found ?? null, action);
}

type SecretsFilter = { path?: string; keyDigest?: string };

/**
 * The read path as one statement keyed by the caller's bearer digest, so it can travel with the
 * token lookup; null when the request names no environment (the read then refuses).
 */
export function secretsReadStatement(
  db: Db,
  bearerDigest: string,
  environmentId: string | undefined,
  filter: SecretsFilter
): D1PreparedStatement | null {
  if (!environmentId) return null;
  const path = filter.path === undefined ? undefined : normalisePath(filter.path);
  return callerSecretsStatement(db, bearerDigest, environmentId, { ...filter, path });
}

/**
 * Admits the caller to what the read found: the environment must exist for it, it must hold a
 * key, and its role must grant reading secrets. `read` is null only when no read was sent.
 */
export function admitSecretsRead(
  principal: Principal,
  environmentId: string | undefined,
  read: SqlResult | null
): SecretRow[] {
  requireEnvironmentId(environmentId);
  if (!read) throw new Error('the secrets read must travel with authentication');
  const found = callerSecretsFrom(read);
  if (!found.found) throw new ApiError('not_found', 'Environment not found.');
  if (!found.hasKey) throw noAccess(principal);
  assertSecretsPermission(principal, 'read');
  return found.rows;
}

/** Phase's path rule: leading `/`, runs of `/` collapsed, no trailing `/` (but `/` stays). */
export function normalisePath(path: unknown): string {
  if (typeof path !== 'string') return '/';
  const collapsed = `/${path}`.replace(/\/+/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}
