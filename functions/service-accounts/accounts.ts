/**
 * Service accounts over Phase's REST API (phase-rest.md §6): list, create (server-side or
 * client-side KMS), get, update, delete. Keyring work goes through the account's Durable Object.
 */
import type { Db } from '../../db/client';
import { findRole, type RoleRow } from '../../db/queries/roles';
import {
  insertServiceAccount,
  listServiceAccounts,
  updateServiceAccount,
} from '../../db/queries/service-accounts';
import { principalHasGlobalAccess, requirePermission } from '../access/authorize';
import { hasGlobalAccess, isPolicyWithin, policyOf } from '../access/check';
import { auditEvent } from '../audit/events';
import { type Actor, memberIdOf, type Principal, serviceAccountIdOf } from '../auth/principal';
import { ApiError } from '../errors';
import { parseIdentityKey } from '../tenancy/identity';
import { loadDetail } from './detail';
import { eligibleHandlers, type HandlerWrap, handlerRows } from './handlers';
import { keyringObject, unwrapResult } from './keyring-object-client';
import { loadVisibleAccount } from './lookup';
import { accountRow, clientSideAccountRows, type ServiceAccountDraft } from './rows';
import { mintedTokenView, serviceAccountView } from './views';

const PHRASE = 'service accounts';

/**
 * A role an account may hold: never one with global access (Phase answers 400), and for a
 * caller without global access never one wider than its own, because whoever creates a
 * server-side account receives its first token and can act as it.
 */
async function accountRole(db: Db, principal: Principal, roleId: string): Promise<RoleRow> {
  const role = await findRole(db, principal.organisationId, roleId);
  if (!role) throw new ApiError('not_found', 'Role not found.');
  const policy = policyOf(role);
  if (hasGlobalAccess(policy)) {
    throw new ApiError(
      'invalid_request',
      `Service accounts cannot be assigned the '${role.name}' role.`
    );
  }
  if (!principalHasGlobalAccess(principal) && !isPolicyWithin(policy, principal.role.policy)) {
    throw new ApiError('forbidden', `You cannot assign the '${role.name}' role.`);
  }
  return role;
}

export async function listOrganisationServiceAccounts(db: Db, principal: Principal) {
  requirePermission(principal, 'read', 'ServiceAccounts', PHRASE);
  return (await listServiceAccounts(db, principal.organisationId)).map(serviceAccountView);
}

export async function getServiceAccount(db: Db, principal: Principal, id: string) {
  requirePermission(principal, 'read', 'ServiceAccounts', PHRASE);
  const account = await loadVisibleAccount(db, principal, id);
  return loadDetail(db, account);
}

export interface CreateServiceAccountInput {
  name: string;
  role_id: string;
  token_name?: string;
  team_id?: unknown;
  /** Client-side KMS: the account's Ed25519 public key and the keyring wrapped per handler. */
  identity_key?: string;
  handlers?: HandlerWrap[];
}

export async function createServiceAccount(
  db: Db,
  env: Env,
  principal: Principal,
  actor: Actor,
  input: CreateServiceAccountInput,
  nowMs: number
) {
  requirePermission(principal, 'create', 'ServiceAccounts', PHRASE);
  const role = await accountRole(db, principal, input.role_id);
  if (input.team_id !== undefined && input.team_id !== null) {
    throw new ApiError('forbidden', "Teams are not available on your organisation's plan.");
  }
  const draft: ServiceAccountDraft = {
    organisationId: principal.organisationId,
    serviceAccountId: crypto.randomUUID(),
    name: input.name,
    roleId: role.id,
    roleName: role.name,
    tokenName: input.token_name ?? 'Default',
    createdByMemberId: memberIdOf(principal),
    createdByServiceAccountId: serviceAccountIdOf(principal),
    actor,
    nowMs,
  };
  if (input.identity_key === undefined) return createServerSide(env, draft, role);
  return createClientSide(db, draft, role, input);
}

/** Server-side KMS: the account's Durable Object makes the keyring and the first token. */
async function createServerSide(env: Env, draft: ServiceAccountDraft, role: RoleRow) {
  const stub = keyringObject(env, draft.serviceAccountId);
  const { identityKey, token } = unwrapResult(await stub.createServerSide(draft));
  const account = { serviceAccount: accountRow(draft, identityKey), role, serverKeyring: true };
  const initialToken = mintedTokenView(
    { ...token, expiresAt: null },
    token.tokenString,
    token.bearer
  );
  return { ...serviceAccountView(account), initialToken };
}

/** Client-side KMS: the server stores the public key and the handlers' wraps, nothing else. */
async function createClientSide(
  db: Db,
  draft: ServiceAccountDraft,
  role: RoleRow,
  input: CreateServiceAccountInput
) {
  const { identityKey } = parseIdentityKey(input.identity_key as string);
  const eligible = new Set((await eligibleHandlers(db, draft.organisationId)).map((h) => h.id));
  const handlers = handlerRows(draft.serviceAccountId, input.handlers ?? [], eligible, draft.nowMs);
  const rows = clientSideAccountRows(draft, identityKey, handlers);
  await insertServiceAccount(db, rows);
  return serviceAccountView({ serviceAccount: rows.serviceAccount, role, serverKeyring: false });
}

export async function updateServiceAccountDetails(
  db: Db,
  principal: Principal,
  actor: Actor,
  id: string,
  input: { name?: string; role_id?: string },
  nowMs: number
) {
  requirePermission(principal, 'update', 'ServiceAccounts', PHRASE);
  const account = await loadVisibleAccount(db, principal, id);
  if (input.name === undefined && input.role_id === undefined) {
    throw new ApiError('invalid_request', "At least one of 'name' or 'role_id' must be provided.");
  }
  const role =
    input.role_id === undefined ? account.role : await accountRole(db, principal, input.role_id);
  const name = input.name ?? account.serviceAccount.name;

  const details = {
    eventType: 'U' as const,
    resourceType: 'sa' as const,
    resourceId: id,
    oldValues: { name: account.serviceAccount.name, role: account.role?.name ?? null },
    newValues: { name, role: role?.name ?? null },
  };
  await updateServiceAccount(
    db,
    principal.organisationId,
    id,
    { name, roleId: role?.id ?? null, updatedAt: nowMs },
    auditEvent(actor, details, nowMs)
  );
  const updated = {
    ...account,
    role,
    serviceAccount: { ...account.serviceAccount, name, roleId: role?.id ?? null, updatedAt: nowMs },
  };
  return loadDetail(db, updated);
}
