/**
 * `PUT /v1/service-accounts/{id}/access/` (phase-rest.md §6.7): the complete desired set of apps
 * and environments. Environments listed and not held are granted by re-wrapping the server's
 * copy of their keys to the account; held ones not listed are revoked, their wraps blanked.
 * Everything is checked first and written in one batch. A caller without global access must
 * itself hold every environment it grants, because the server would otherwise hand out keys the
 * caller could never reach.
 */
import type { Db } from '../../db/client';
import {
  type AppRow,
  applyKeyChanges,
  findApp,
  listEnvironments,
  listHolderKeys,
  listServerKeys,
} from '../../db/queries/apps';
import { principalHasGlobalAccess, requirePermission } from '../access/authorize';
import { openServerEnvironment } from '../apps/environment-keys';
import { keyRowsFor } from '../apps/holders';
import { auditEvent } from '../audit/events';
import { type Actor, holderOf, type Principal } from '../auth/principal';
import { loadRootKeys } from '../crypto/kms-root-keys';
import { ApiError, openStored } from '../errors';
import { loadDetail } from './detail';
import { loadVisibleAccount } from './lookup';

export interface AccessEntry {
  id: string;
  environments: string[];
}

/** Checks one entry and returns the environments it names. */
async function checkEntry(
  db: Db,
  principal: Principal,
  entry: AccessEntry,
  callerEnvs: Set<string>
) {
  const app = await findApp(db, principal.organisationId, entry.id);
  if (!app) throw new ApiError('not_found', `App not found: ${entry.id}`);
  if (!app.sseEnabled) {
    throw new ApiError(
      'invalid_request',
      `App '${app.name}' does not have SSE enabled. Only SSE apps are supported.`
    );
  }
  const global = principalHasGlobalAccess(principal);
  const appEnvs = await listEnvironments(db, app.id);
  if (!global && !appEnvs.some((e) => callerEnvs.has(e.id))) {
    throw new ApiError('forbidden', `You don't have access to app '${app.name}'.`);
  }
  if (entry.environments.length === 0) {
    throw new ApiError(
      'invalid_request',
      "Each app entry must have an 'environments' list of environment IDs."
    );
  }
  const known = new Set(appEnvs.map((e) => e.id));
  const unknown = entry.environments.filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new ApiError(
      'not_found',
      `Environments not found in app '${app.name}': ${unknown.join(', ')}`
    );
  const denied = entry.environments.filter((id) => !global && !callerEnvs.has(id));
  if (denied.length > 0)
    throw new ApiError('forbidden', `You don't have access to environments: ${denied.join(', ')}`);
  return { app, environments: appEnvs.filter((e) => entry.environments.includes(e.id)) };
}

export async function setServiceAccountAccess(
  db: Db,
  env: Env,
  principal: Principal,
  actor: Actor,
  id: string,
  entries: AccessEntry[],
  nowMs: number
) {
  requirePermission(principal, 'update', 'ServiceAccounts', 'service accounts');
  const account = await loadVisibleAccount(db, principal, id);
  const callerKeys = await listHolderKeys(db, principal.organisationId, holderOf(principal));
  const callerEnvs = new Set(callerKeys.map((k) => k.environment.id));
  const checked = [];
  for (const entry of entries) checked.push(await checkEntry(db, principal, entry, callerEnvs));

  const held = await listHolderKeys(db, principal.organisationId, { serviceAccountId: id });
  const wanted = checked.flatMap((c) => c.environments);
  const wantedIds = new Set(wanted.map((e) => e.id));
  const heldIds = new Set(held.map((k) => k.environment.id));
  const revoked = held.filter((k) => !wantedIds.has(k.environment.id));
  const added = wanted.filter((e) => !heldIds.has(e.id));

  const rootKeys = loadRootKeys(env.KMS_ROOT_KEYS);
  const serverKeys = await listServerKeys(
    db,
    added.map((e) => e.id)
  );
  const holder = [{ serviceAccountId: id, identityKey: account.serviceAccount.identityKey }];
  const grants = added.flatMap((environment) => {
    const sealed = serverKeys.find((k) => k.environmentId === environment.id);
    if (!sealed) return [];
    const material = openStored('environment keys', () =>
      openServerEnvironment(rootKeys, principal.organisationId, environment.id, sealed)
    );
    return keyRowsFor(environment, material, holder, nowMs);
  });

  const newValues = {
    envs_added: added.map((e) => e.id),
    envs_removed: revoked.map((k) => k.environment.id),
    apps: checked.map((c: { app: AppRow }) => c.app.id),
  };
  await applyKeyChanges(
    db,
    grants,
    revoked.map((k) => k.key.id),
    nowMs,
    auditEvent(actor, { eventType: 'A', resourceType: 'sa', resourceId: id, newValues }, nowMs)
  );
  return loadDetail(db, account);
}
