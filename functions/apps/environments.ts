/**
 * `/v1/environments/?app_id=…` (phase-rest.md §4): list an app's environments, and add a custom
 * one to an SSE app, its keys wrapped for the caller and every member with global access.
 * Service accounts are not keyed for it: their access is the declarative list they were given,
 * and a new environment must not widen it behind the caller's back.
 */
import type { Db } from '../../db/client';
import { findEnvironmentByName, insertEnvironment, listEnvironments } from '../../db/queries/apps';
import { policyGrants } from '../access/check';
import type { Action } from '../access/policies';
import { auditEvent } from '../audit/events';
import type { Actor, Principal } from '../auth/principal';
import { loadRootKeys } from '../crypto/kms-root-keys';
import { ApiError } from '../errors';
import { loadAccessibleApp } from './apps';
import { environmentPublicKey, newEnvironmentMaterial, sealForServer } from './environment-keys';
import { creationHolders, keyRowsFor } from './holders';
import { environmentView } from './views';

const ENV_NAME = /^[a-zA-Z0-9\-_]{1,64}$/;

async function appFor(db: Db, principal: Principal, appId: string | undefined, action: Action) {
  if (!appId) throw new ApiError('forbidden', 'Could not resolve app from request.');
  const app = await loadAccessibleApp(db, principal, appId);
  if (!policyGrants(principal.role.policy, action, 'Environments', 'app')) {
    throw new ApiError('forbidden', `You don't have permission to ${action} environments.`);
  }
  return app;
}

export async function listAppEnvironments(db: Db, principal: Principal, appId: string | undefined) {
  const app = await appFor(db, principal, appId, 'read');
  return (await listEnvironments(db, app.id)).map(environmentView);
}

export async function createEnvironment(
  db: Db,
  env: Env,
  principal: Principal,
  actor: Actor,
  appId: string | undefined,
  name: unknown,
  nowMs: number
) {
  const app = await appFor(db, principal, appId, 'create');
  if (!app.sseEnabled) throw new ApiError('forbidden', 'SSE is not enabled for this App.');
  if (typeof name !== 'string' || name === '')
    throw new ApiError('invalid_request', 'Missing required field: name');
  if (!ENV_NAME.test(name)) {
    throw new ApiError(
      'invalid_request',
      'Environment names may use letters, digits, - and _ (at most 64).'
    );
  }
  if (await findEnvironmentByName(db, app.id, name)) {
    throw new ApiError(
      'invalid_request',
      `An environment named '${name}' already exists in this app.`
    );
  }
  const existing = await listEnvironments(db, app.id);
  const position = existing.reduce((max, e) => Math.max(max, e.position + 1), 0);
  const material = newEnvironmentMaterial();
  const id = crypto.randomUUID();
  const environment = {
    id,
    appId: app.id,
    organisationId: app.organisationId,
    name,
    nameKey: name.toLowerCase(),
    envType: 'custom' as const,
    position,
    identityKey: environmentPublicKey(material),
    createdAt: nowMs,
    updatedAt: nowMs,
    deletedAt: null,
  };
  const holders = await creationHolders(db, principal);
  const sealed = sealForServer(loadRootKeys(env.KMS_ROOT_KEYS), app.organisationId, id, material);
  const audit = [
    auditEvent(
      actor,
      { eventType: 'C', resourceType: 'env', resourceId: id, newValues: { name, app_id: app.id } },
      nowMs
    ),
  ];
  await insertEnvironment(db, {
    environment,
    serverKeys: [
      { environmentId: id, organisationId: app.organisationId, ...sealed, createdAt: nowMs },
    ],
    keys: keyRowsFor(environment, material, holders, nowMs),
    audit,
  });
  return environmentView(environment);
}
