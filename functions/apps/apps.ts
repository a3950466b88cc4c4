/**
 * Apps over REST (phase-rest.md §3): create (SSE, the server making every environment's keys),
 * list, get, update, delete. An app is visible to callers with global access and to callers
 * holding a key in one of its environments; to anyone else it does not exist.
 */
import type { Db } from '../../db/client';
import {
  type AppRow,
  deleteApp,
  findApp,
  insertApp,
  listApps,
  listEnvironments,
  listHolderKeys,
  updateApp,
} from '../../db/queries/apps';
import { principalHasGlobalAccess, requirePermission } from '../access/authorize';
import { auditEvent } from '../audit/events';
import { type Actor, holderOf, type Principal } from '../auth/principal';
import { isHex } from '../crypto/encoding';
import { loadRootKeys } from '../crypto/kms-root-keys';
import { isPhV1Envelope } from '../crypto/ph-v1';
import { ApiError } from '../errors';
import { environmentPublicKey, newEnvironmentMaterial, sealForServer } from './environment-keys';
import { creationHolders, type KeyHolder, keyRowsFor } from './holders';
import { appView, environmentView } from './views';

const PHRASE = 'apps';
const DEFAULT_ENVIRONMENTS = [
  { name: 'Development', envType: 'dev' },
  { name: 'Staging', envType: 'staging' },
  { name: 'Production', envType: 'prod' },
] as const;

/** A live app the caller may see, or 404. */
export async function loadAccessibleApp(db: Db, principal: Principal, appId: string) {
  const app = await findApp(db, principal.organisationId, appId);
  if (!app) throw new ApiError('not_found', 'App not found.');
  if (principalHasGlobalAccess(principal)) return app;
  const held = await listHolderKeys(db, principal.organisationId, holderOf(principal));
  if (!held.some((row) => row.app.id === appId)) throw new ApiError('not_found', 'App not found.');
  return app;
}

export async function listVisibleApps(db: Db, principal: Principal) {
  requirePermission(principal, 'read', 'Apps', PHRASE);
  const holder = principalHasGlobalAccess(principal) ? null : holderOf(principal);
  return (await listApps(db, principal.organisationId, holder)).map(appView);
}

export async function getApp(db: Db, principal: Principal, appId: string) {
  requirePermission(principal, 'read', 'Apps', PHRASE);
  const app = await loadAccessibleApp(db, principal, appId);
  return {
    ...appView(app),
    environments: (await listEnvironments(db, app.id)).map(environmentView),
  };
}

/** One environment of a new SSE app: its row, the server's copy and every holder's copy. */
function buildEnvironment(
  env: Env,
  app: AppRow,
  spec: { name: string; envType: 'dev' | 'staging' | 'prod' | 'custom'; position: number },
  holders: KeyHolder[]
) {
  const material = newEnvironmentMaterial();
  const id = crypto.randomUUID();
  const { nowMs } = { nowMs: app.createdAt };
  const environment = {
    id,
    appId: app.id,
    organisationId: app.organisationId,
    name: spec.name,
    nameKey: spec.name.toLowerCase(),
    envType: spec.envType,
    position: spec.position,
    identityKey: environmentPublicKey(material),
    createdAt: nowMs,
    updatedAt: nowMs,
    deletedAt: null,
  };
  const sealed = sealForServer(loadRootKeys(env.KMS_ROOT_KEYS), app.organisationId, id, material);
  const serverKey = {
    environmentId: id,
    organisationId: app.organisationId,
    ...sealed,
    createdAt: nowMs,
  };
  return { environment, serverKey, keys: keyRowsFor(environment, material, holders, nowMs) };
}

/** One environment of an E2EE app, as the creating client made it. */
export interface ClientEnvironment {
  name: string;
  identity_key: string;
  wrapped_seed: string;
  wrapped_salt: string;
}

export interface CreateAppInput {
  name: string;
  description?: string;
  environments?: string[];
  /** E2EE: environments the client made, seed and salt wrapped to the caller only. */
  client_environments?: ClientEnvironment[];
}

/** The rows of an E2EE app's environments: the caller's wraps, no server copy. */
function clientEnvironmentRows(app: AppRow, principal: Principal, specs: ClientEnvironment[]) {
  const holder = holderOf(principal);
  return specs.map((spec, position) => {
    if (
      !isPhV1Envelope(spec.wrapped_seed) ||
      !isPhV1Envelope(spec.wrapped_salt) ||
      !isHex(spec.identity_key, 32)
    ) {
      throw new ApiError(
        'invalid_request',
        "Each environment needs an 'identity_key' and ph:v1 'wrapped_seed' and 'wrapped_salt'."
      );
    }
    const id = crypto.randomUUID();
    const nowMs = app.createdAt;
    const environment = {
      id,
      appId: app.id,
      organisationId: app.organisationId,
      name: spec.name,
      nameKey: spec.name.toLowerCase(),
      envType: 'custom' as const,
      position,
      identityKey: spec.identity_key.toLowerCase(),
      createdAt: nowMs,
      updatedAt: nowMs,
      deletedAt: null,
    };
    const key = {
      id: crypto.randomUUID(),
      environmentId: id,
      organisationId: app.organisationId,
      memberId: 'memberId' in holder ? holder.memberId : null,
      serviceAccountId: 'serviceAccountId' in holder ? holder.serviceAccountId : null,
      identityKey: environment.identityKey,
      wrappedSeed: spec.wrapped_seed,
      wrappedSalt: spec.wrapped_salt,
      createdAt: nowMs,
      updatedAt: nowMs,
      deletedAt: null,
    };
    return { environment, key };
  });
}

export async function createApp(
  db: Db,
  env: Env,
  principal: Principal,
  actor: Actor,
  input: CreateAppInput,
  nowMs: number
) {
  requirePermission(principal, 'create', 'Apps', PHRASE);
  const app: AppRow = {
    id: crypto.randomUUID(),
    organisationId: principal.organisationId,
    name: input.name,
    description: input.description ?? null,
    sseEnabled: input.client_environments === undefined,
    createdAt: nowMs,
    updatedAt: nowMs,
    deletedAt: null,
  };
  if (input.client_environments) {
    return createClientApp(db, app, principal, actor, input.client_environments);
  }
  const specs = input.environments
    ? input.environments.map((name, position) => ({ name, envType: 'custom' as const, position }))
    : DEFAULT_ENVIRONMENTS.map((spec, position) => ({ ...spec, position }));
  const holders = await creationHolders(db, principal);
  const built = specs.map((spec) => buildEnvironment(env, app, spec, holders));

  const audit = [
    auditEvent(
      actor,
      {
        eventType: 'C',
        resourceType: 'app',
        resourceId: app.id,
        newValues: { name: app.name, environments: specs.map((s) => s.name) },
      },
      nowMs
    ),
  ];
  await insertApp(db, {
    app,
    environments: built.map((b) => b.environment),
    serverKeys: built.map((b) => b.serverKey),
    keys: built.flatMap((b) => b.keys),
    audit,
  });
  return { ...appView(app), environments: built.map((b) => environmentView(b.environment)) };
}

/** An E2EE app: the server stores the client's wraps and never sees a seed. */
async function createClientApp(
  db: Db,
  app: AppRow,
  principal: Principal,
  actor: Actor,
  specs: ClientEnvironment[]
) {
  const rows = clientEnvironmentRows(app, principal, specs);
  const newValues = { name: app.name, encryption: 'E2EE', environments: specs.map((s) => s.name) };
  const audit = [
    auditEvent(
      actor,
      { eventType: 'C', resourceType: 'app', resourceId: app.id, newValues },
      app.createdAt
    ),
  ];
  await insertApp(db, {
    app,
    environments: rows.map((r) => r.environment),
    serverKeys: [],
    keys: rows.map((r) => r.key),
    audit,
  });
  return { ...appView(app), environments: rows.map((r) => environmentView(r.environment)) };
}

export async function editApp(
  db: Db,
  principal: Principal,
  actor: Actor,
  appId: string,
  input: { name?: string; description?: string | null },
  nowMs: number
) {
  requirePermission(principal, 'update', 'Apps', PHRASE);
  const app = await loadAccessibleApp(db, principal, appId);
  if (input.name === undefined && input.description === undefined) {
    throw new ApiError('invalid_request', 'At least one field must be provided.');
  }
  const changes = {
    name: input.name ?? app.name,
    description: input.description === undefined ? app.description : input.description || null,
    updatedAt: nowMs,
  };
  await updateApp(
    db,
    app.id,
    changes,
    auditEvent(
      actor,
      {
        eventType: 'U',
        resourceType: 'app',
        resourceId: app.id,
        oldValues: { name: app.name },
        newValues: { name: changes.name },
      },
      nowMs
    )
  );
  return appView({ ...app, ...changes });
}

export async function removeApp(
  db: Db,
  principal: Principal,
  actor: Actor,
  appId: string,
  nowMs: number
) {
  requirePermission(principal, 'delete', 'Apps', PHRASE);
  const app = await loadAccessibleApp(db, principal, appId);
  await deleteApp(
    db,
    app.id,
    nowMs,
    auditEvent(
      actor,
      { eventType: 'D', resourceType: 'app', resourceId: app.id, oldValues: { name: app.name } },
      nowMs
    )
  );
}
